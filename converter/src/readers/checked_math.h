// Overflow-checked size arithmetic: every size and offset in a checkpoint is
// attacker-controlled, and a wrapped product would pass a bounds check.
#ifndef EMBERT_CONVERTER_READERS_CHECKED_MATH_H_
#define EMBERT_CONVERTER_READERS_CHECKED_MATH_H_

#include <cstdint>

namespace embert::convert {

// False when a * b or a + b does not fit in uint64_t.
inline bool CheckedMul(uint64_t a, uint64_t b, uint64_t* out) { return !__builtin_mul_overflow(a, b, out); }
inline bool CheckedAdd(uint64_t a, uint64_t b, uint64_t* out) { return !__builtin_add_overflow(a, b, out); }

// Little-endian unsigned integer of n <= 8 bytes.
inline uint64_t LoadLe(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_CHECKED_MATH_H_
