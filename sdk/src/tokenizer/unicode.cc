#include "tokenizer/unicode.h"

namespace embert::tok {
namespace {

struct Range {
  uint32_t start, end;
};
struct ClassRange {
  uint32_t start, end;
  uint8_t bits;
};
struct Mapping {
  uint32_t cp;
  uint16_t offset;
  uint8_t length;
};

#include "tokenizer/unicode_tables.inc"  // generated in the build tree

template <typename T, size_t N>
const T* FindRange(const T (&table)[N], uint32_t c) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (table[mid].end < c) {
      lo = mid + 1;
    } else if (table[mid].start > c) {
      hi = mid;
    } else {
      return &table[mid];
    }
  }
  return nullptr;
}

template <size_t N>
const Mapping* FindMapping(const Mapping (&table)[N], uint32_t c) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (table[mid].cp < c) {
      lo = mid + 1;
    } else if (table[mid].cp > c) {
      hi = mid;
    } else {
      return &table[mid];
    }
  }
  return nullptr;
}

// Hangul syllables decompose algorithmically (Unicode 3.12).
constexpr uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr uint32_t kTCount = 28, kNCount = 21 * 28, kSCount = 19 * 21 * 28;

}  // namespace

uint8_t ClassOf(uint32_t c) {
  if (c > 0x10FFFF) return kControl;
  if (FindRange(kAssignedRanges, c) == nullptr) return kControl;  // Cn
  const ClassRange* r = FindRange(kClassRanges, c);
  return r ? r->bits : 0;
}

size_t ToLower(uint32_t c, uint32_t* out) {
  if (c < 0x80) {
    out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    return 1;
  }
  const Mapping* m = FindMapping(kLower, c);
  if (m == nullptr) {
    out[0] = c;
    return 1;
  }
  for (size_t i = 0; i < m->length; ++i) out[i] = kPool[m->offset + i];
  return m->length;
}

size_t Decompose(uint32_t c, uint32_t* out) {
  if (c >= kSBase && c < kSBase + kSCount) {
    const uint32_t s = c - kSBase;
    out[0] = kLBase + s / kNCount;
    out[1] = kVBase + (s % kNCount) / kTCount;
    const uint32_t t = s % kTCount;
    if (t == 0) return 2;
    out[2] = kTBase + t;
    return 3;
  }
  const Mapping* m = c < 0xC0 ? nullptr : FindMapping(kDecomp, c);
  if (m == nullptr) {
    out[0] = c;
    return 1;
  }
  for (size_t i = 0; i < m->length; ++i) out[i] = kPool[m->offset + i];
  return m->length;
}

uint8_t CombiningClass(uint32_t c) {
  if (c < 0x300) return 0;
  const ClassRange* r = FindRange(kCombining, c);
  return r ? r->bits : 0;
}

const char* UnicodeVersion() { return EMBERT_UNICODE_VERSION; }

}  // namespace embert::tok
