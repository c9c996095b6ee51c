// Character properties as BERT's BasicTokenizer sees them, from tables
// generated at build time out of one pinned Unicode Character Database
// (Debian's unicode-data: Unicode 15.0 in bookworm).
#ifndef EMBERT_SDK_TOKENIZER_UNICODE_H_
#define EMBERT_SDK_TOKENIZER_UNICODE_H_

#include <cstddef>
#include <cstdint>

namespace embert::tok {

enum CharClass : uint8_t {
  kWhitespace = 1,   // \t \n \r, Zs, and U+2028/U+2029 (Python's str.split)
  kControl = 2,      // category C* (incl. unassigned and private use) except \t \n \r: dropped
  kPunctuation = 4,  // P*, plus ASCII 33-47, 58-64, 91-96, 123-126
  kAccent = 8,       // Mn: removed when stripping accents
  // The remaining bits only spare lookups: a character without them needs no
  // search in the mapping tables.
  kNonStarter = 16,        // canonical combining class != 0
  kHasLower = 32,          // ToLower(c) != c
  kHasDecomposition = 64,  // Decompose(c) != c
};

// Class bits of code point c (0 for an ordinary character). O(1).
uint8_t ClassOf(uint32_t c);

// BERT's CJK ideograph blocks (each such character becomes a word).
inline bool IsChineseChar(uint32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Full lower-case mapping of c, as Python's str.lower() of c alone: the
// number of code points written to out (at most kMaxLower).
constexpr size_t kMaxLower = 3;
size_t ToLower(uint32_t c, uint32_t* out);

// Full canonical decomposition (NFD without the reordering) of c: the number
// of code points written to out (at most kMaxDecomposition; the generated
// tables assert it).
constexpr size_t kMaxDecomposition = 18;
size_t Decompose(uint32_t c, uint32_t* out);

// Canonical combining class (0 for starters).
uint8_t CombiningClass(uint32_t c);

const char* UnicodeVersion();

}  // namespace embert::tok

#endif  // EMBERT_SDK_TOKENIZER_UNICODE_H_
