// The 256-bit pieces shared by the AVX2 and AVX-VNNI policies of
// gemm_tiles.h: float loads, the epilogue and a horizontal sum. AVX2 has no
// mask registers, so partial vectors use vmaskmov with a lane-index compare.
#ifndef EMBERT_SDK_BACKEND_X86_ISA_YMM_COMMON_H_
#define EMBERT_SDK_BACKEND_X86_ISA_YMM_COMMON_H_

#ifndef EMBERT_X86_TARGET
#error "define EMBERT_X86_TARGET before including isa_ymm_common.h"
#endif

#include "backend/x86/intrinsics.h"

#include <cstddef>
#include <cstdint>

namespace embert::qgemm::x86 {
namespace {

struct YmmOutput {
  using F = __m256;
  static constexpr size_t kLanes = 8;

  EMBERT_X86_TARGET static F ZeroF() { return _mm256_setzero_ps(); }
  EMBERT_X86_TARGET static __m256i Mask(size_t valid) {
    const int v = valid >= 8 ? 8 : static_cast<int>(valid);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(v), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  EMBERT_X86_TARGET static F LoadF(const float* p, size_t valid) {
    return valid >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, Mask(valid));
  }
  EMBERT_X86_TARGET static void Output(__m256i acc, int32_t corr, float a_scale, F b_scale, F bias, float* out,
                                       size_t valid) {
    const __m256 x = _mm256_cvtepi32_ps(_mm256_add_epi32(acc, _mm256_set1_epi32(corr)));
    const __m256 y = _mm256_fmadd_ps(x, _mm256_mul_ps(_mm256_set1_ps(a_scale), b_scale), bias);
    if (valid >= 8) {
      _mm256_storeu_ps(out, y);
    } else {
      _mm256_maskstore_ps(out, Mask(valid), y);
    }
  }
  EMBERT_X86_TARGET static int32_t HorizontalSum(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
  }
};

}  // namespace
}  // namespace embert::qgemm::x86

#endif  // EMBERT_SDK_BACKEND_X86_ISA_YMM_COMMON_H_
