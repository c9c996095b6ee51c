// AVX-VNNI policy for gemm_tiles.h: vpdpbusd ymm, 8 channels x 4 K per
// instruction. The including file names the intrinsic (EMBERT_X86_DPBUSD_YMM):
// the VEX form (avxvnni) for the real level, the EVEX form (avx512vl +
// avx512vnni) to run the same code on AVX-512 machines without AVX-VNNI.
// VEX has no embedded broadcast, so the row's 4 bytes go through a register.
//
// Micro-tile 6 rows x 16 channels: 12 accumulators + 2 weights + 1 broadcast
// of the 16 ymm registers.
#ifndef EMBERT_SDK_BACKEND_X86_ISA_DOT_YMM_H_
#define EMBERT_SDK_BACKEND_X86_ISA_DOT_YMM_H_

#if !defined(EMBERT_X86_TARGET) || !defined(EMBERT_X86_DPBUSD_YMM)
#error "define EMBERT_X86_TARGET and EMBERT_X86_DPBUSD_YMM before including isa_dot_ymm.h"
#endif

#include "backend/x86/intrinsics.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "backend/x86/isa_ymm_common.h"

namespace embert::qgemm::x86 {
namespace {

struct DotYmm : YmmOutput {
  using V = __m256i;
  using W = __m256i;
  using A = __m256i;
  static constexpr size_t kPanelVecs = 2;
  static constexpr size_t kMaxRows = 6;
  static constexpr size_t kWBytes = 32;
  static constexpr bool kShiftedWeights = true;
  static constexpr size_t kWidenSteps = 0;  // the int8 rows as they are
  static constexpr size_t kABytesPerStep = 4;

  EMBERT_X86_TARGET static V Zero() { return _mm256_setzero_si256(); }
  EMBERT_X86_TARGET static W LoadW(const int8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  EMBERT_X86_TARGET static A LoadA(const int8_t* p) {
    int32_t four;
    std::memcpy(&four, p, 4);
    return _mm256_set1_epi32(four);
  }
  EMBERT_X86_TARGET static V Madd(V acc, A x, W w) { return EMBERT_X86_DPBUSD_YMM(acc, w, x); }
  EMBERT_X86_TARGET static int32_t RowSum(const int8_t* row, size_t padded_k) {
    const __m256i ones = _mm256_set1_epi8(1);
    __m256i sum = _mm256_setzero_si256();
    for (size_t k = 0; k < padded_k; k += 32) {
      sum = EMBERT_X86_DPBUSD_YMM(sum, ones, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + k)));
    }
    return HorizontalSum(sum);
  }
};

}  // namespace
}  // namespace embert::qgemm::x86

#endif  // EMBERT_SDK_BACKEND_X86_ISA_DOT_YMM_H_
