// Sixteen floats (or eight doubles) as one value, with GCC/Clang vector
// extensions: one register on AVX-512, two on AVX2, four on SSE or NEON.
// Kernels written with them vectorise the same way in every target clone
// (core/vectorize.h), and since each operation is element-wise IEEE
// arithmetic (no FMA contraction in the SDK), every CPU computes the same
// bits as the scalar code that handles the tails. The exceptions are
// attention.cc and gelu.cc, built with contraction: their sums are fused
// where the CPU has FMA (kernels/fused_dispatch.h says why).
//
// Helpers taking or returning these types must be inlined into the
// (target-cloned) kernel that calls them (EMBERT_LANES_INLINE): compiled
// alone they would use the baseline ISA, and passing them by value would
// depend on it (hence -Wpsabi is silenced for files that include this).
// A target clone must not pass them to such a helper directly either (clang
// rejects a vector argument between functions of different ISAs): the
// clone calls an always-inline helper with pointers, which does the rest.
#ifndef EMBERT_SDK_CORE_LANES_H_
#define EMBERT_SDK_CORE_LANES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#pragma GCC diagnostic ignored "-Wpsabi"

#define EMBERT_LANES_INLINE inline __attribute__((always_inline))

namespace embert {

constexpr size_t kLanes = 16;
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
typedef int32_t IntLanes __attribute__((vector_size(kLanes * sizeof(int32_t))));
constexpr size_t kDoubleLanes = 8;
typedef double DoubleLanes __attribute__((vector_size(kDoubleLanes * sizeof(double))));
typedef float HalfLanes __attribute__((vector_size(kDoubleLanes * sizeof(float))));

EMBERT_LANES_INLINE Lanes LoadLanes(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
EMBERT_LANES_INLINE void StoreLanes(float* p, Lanes v) { std::memcpy(p, &v, sizeof v); }

// Eight floats widened to double.
EMBERT_LANES_INLINE DoubleLanes LoadWidened(const float* p) {
  HalfLanes v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, DoubleLanes);
}

}  // namespace embert

#endif  // EMBERT_SDK_CORE_LANES_H_
