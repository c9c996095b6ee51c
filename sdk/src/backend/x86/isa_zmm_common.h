// The 512-bit pieces shared by the AVX-512 policies of gemm_tiles.h: masked
// float loads and the epilogue.
#ifndef EMBERT_SDK_BACKEND_X86_ISA_ZMM_COMMON_H_
#define EMBERT_SDK_BACKEND_X86_ISA_ZMM_COMMON_H_

#ifndef EMBERT_X86_TARGET
#error "define EMBERT_X86_TARGET before including isa_zmm_common.h"
#endif

#include "backend/x86/intrinsics.h"

#include <cstddef>
#include <cstdint>

namespace embert::qgemm::x86 {
namespace {

struct ZmmOutput {
  using F = __m512;
  static constexpr size_t kLanes = 16;

  EMBERT_X86_TARGET static F ZeroF() { return _mm512_setzero_ps(); }
  EMBERT_X86_TARGET static __mmask16 Mask(size_t valid) {
    return valid >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << valid) - 1);
  }
  EMBERT_X86_TARGET static F LoadF(const float* p, size_t valid) { return _mm512_maskz_loadu_ps(Mask(valid), p); }
  EMBERT_X86_TARGET static void Output(__m512i acc, int32_t corr, float a_scale, F b_scale, F bias, float* out,
                                       size_t valid) {
    const __m512 x = _mm512_cvtepi32_ps(_mm512_add_epi32(acc, _mm512_set1_epi32(corr)));
    const __m512 y = _mm512_fmadd_ps(x, _mm512_mul_ps(_mm512_set1_ps(a_scale), b_scale), bias);
    _mm512_mask_storeu_ps(out, Mask(valid), y);
  }
};

}  // namespace
}  // namespace embert::qgemm::x86

#endif  // EMBERT_SDK_BACKEND_X86_ISA_ZMM_COMMON_H_
