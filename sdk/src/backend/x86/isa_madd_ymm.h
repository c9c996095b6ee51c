// AVX2 policy for gemm_tiles.h: vpmaddwd on int16, exact for any int8 pair
// (vpmaddubsw would saturate: 255 * 127 * 2 > 32767). Weights are packed as
// int16 pairs (W[k], W[k+1]) and (W[k+2], W[k+3]); the tile widens a block of
// its rows to int16 once (one vpmovsxbw per 16 values) so the inner loop
// broadcasts the matching pairs straight from memory: per row and step two
// loads, then vpmaddwd + vpaddd per weight vector, nothing else.
//
// Micro-tile 4 rows x 16 channels: 8 accumulators + 4 weight vectors + the
// row's two pair vectors + products, of the 16 ymm registers.
#ifndef EMBERT_SDK_BACKEND_X86_ISA_MADD_YMM_H_
#define EMBERT_SDK_BACKEND_X86_ISA_MADD_YMM_H_

#include "backend/x86/intrinsics.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "backend/x86/isa_ymm_common.h"

namespace embert::qgemm::x86 {
namespace {

struct MaddYmm : YmmOutput {
  using V = __m256i;
  struct W {
    __m256i lo, hi;  // int16 pairs of K 0-1 and 2-3 of a step
  };
  using A = W;
  static constexpr size_t kPanelVecs = 2;
  static constexpr size_t kMaxRows = 4;
  static constexpr size_t kWBytes = 64;
  static constexpr bool kShiftedWeights = false;
  static constexpr size_t kWidenSteps = 64;    // 256 K per widened block
  static constexpr size_t kABytesPerStep = 8;  // 4 int16

  EMBERT_X86_TARGET static V Zero() { return _mm256_setzero_si256(); }
  EMBERT_X86_TARGET static W LoadW(const int8_t* p) {
    return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)),
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32))};
  }
  EMBERT_X86_TARGET static A LoadA(const int8_t* p) {
    int32_t pairs[2];
    std::memcpy(pairs, p, 8);  // int16 (a0, a1), (a2, a3) of the widened row
    return {_mm256_set1_epi32(pairs[0]), _mm256_set1_epi32(pairs[1])};
  }
  EMBERT_X86_TARGET static void Widen(const int8_t* row, size_t bytes, int8_t* wide) {
    for (size_t i = 0; i < bytes; i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i));
      _mm256_store_si256(reinterpret_cast<__m256i*>(wide + 2 * i), _mm256_cvtepi8_epi16(x));
    }
  }
  EMBERT_X86_TARGET static V Madd(V acc, const A& x, const W& w) {
    return _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_madd_epi16(x.lo, w.lo), _mm256_madd_epi16(x.hi, w.hi)));
  }
};

}  // namespace
}  // namespace embert::qgemm::x86

#endif  // EMBERT_SDK_BACKEND_X86_ISA_MADD_YMM_H_
