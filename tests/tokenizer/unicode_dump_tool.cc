// Test tool: prints the SDK's Unicode tables for every code point, one line
// each, "cp class ccc lower decomposition" in hex (sequences joined by '.'),
// for test_unicode_tables.py to compare with Python's unicodedata.
#include <cstdio>

#include "tokenizer/unicode.h"

int main() {
  using namespace embert::tok;
  std::printf("version %s\n", UnicodeVersion());
  for (uint32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    uint32_t lower[kMaxLower], decomposed[kMaxDecomposition];
    const size_t nl = ToLower(c, lower);
    const size_t nd = Decompose(c, decomposed);
    std::printf("%X %u %u ", c, ClassOf(c), CombiningClass(c));
    for (size_t i = 0; i < nl; ++i) std::printf(i ? ".%X" : "%X", lower[i]);
    std::printf(" ");
    for (size_t i = 0; i < nd; ++i) std::printf(i ? ".%X" : "%X", decomposed[i]);
    std::printf("\n");
  }
  return 0;
}
