// Strict UTF-8 decoding (RFC 3629): no overlongs, no surrogates, nothing
// above U+10FFFF. On a bad sequence it reports the length of the maximal
// invalid prefix (the W3C/Unicode "substitution of maximal subparts"
// practice), so a replacing caller emits one U+FFFD per bad subpart.
#ifndef EMBERT_SDK_TOKENIZER_UTF8_H_
#define EMBERT_SDK_TOKENIZER_UTF8_H_

#include <cstddef>
#include <cstdint>

namespace embert::tok {

// Decodes the code point at s[0..n) (n >= 1). Returns its byte length and
// sets *cp; on invalid input returns the number of bytes to skip (>= 1) and
// sets *cp = 0xFFFFFFFF.
inline size_t DecodeUtf8(const uint8_t* s, size_t n, uint32_t* cp) {
  const uint8_t b0 = s[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  *cp = 0xFFFFFFFFu;
  size_t len;
  uint32_t c;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    c = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    c = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // > U+10FFFF
  } else {
    return 1;  // continuation byte, C0/C1 or F5..FF
  }
  for (size_t i = 1; i < len; ++i) {
    if (i >= n) return i;
    const uint8_t b = s[i];
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return i;
    c = (c << 6) | (b & 0x3F);
  }
  *cp = c;
  return len;
}

inline size_t EncodeUtf8(uint32_t c, uint8_t* out) {
  if (c < 0x80) {
    out[0] = static_cast<uint8_t>(c);
    return 1;
  }
  if (c < 0x800) {
    out[0] = static_cast<uint8_t>(0xC0 | (c >> 6));
    out[1] = static_cast<uint8_t>(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = static_cast<uint8_t>(0xE0 | (c >> 12));
    out[1] = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
    out[2] = static_cast<uint8_t>(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = static_cast<uint8_t>(0xF0 | (c >> 18));
  out[1] = static_cast<uint8_t>(0x80 | ((c >> 12) & 0x3F));
  out[2] = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
  out[3] = static_cast<uint8_t>(0x80 | (c & 0x3F));
  return 4;
}

}  // namespace embert::tok

#endif  // EMBERT_SDK_TOKENIZER_UTF8_H_
