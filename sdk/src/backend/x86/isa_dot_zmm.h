// AVX-512 VNNI policy for gemm_tiles.h: vpdpbusd zmm, 16 channels x 4 K per
// instruction. Weights are the unsigned operand (packed as w + 128), so the
// activations are used as they are: each row's 4 bytes are broadcast straight
// from memory (vpbroadcastd m32, a load, no shuffle) and feed both vectors.
//
// Micro-tile 12 rows x 32 channels: 24 accumulators + 2 weight vectors + 1
// broadcast of the 32 zmm registers. Per K step 2 vector loads + 12
// broadcasts feed 24 vpdpbusd: within 2-3 loads per cycle whether the core
// runs 1 vpdpbusd zmm per cycle (Zen 4, measured) or 2 (cores with two full
// 512-bit units), and 24 independent sums hide its latency.
#ifndef EMBERT_SDK_BACKEND_X86_ISA_DOT_ZMM_H_
#define EMBERT_SDK_BACKEND_X86_ISA_DOT_ZMM_H_

#ifndef EMBERT_X86_TARGET
#error "define EMBERT_X86_TARGET before including isa_dot_zmm.h"
#endif

#include "backend/x86/intrinsics.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "backend/x86/isa_zmm_common.h"

namespace embert::qgemm::x86 {
namespace {

struct DotZmm : ZmmOutput {
  using V = __m512i;
  using W = __m512i;
  using A = __m512i;
  static constexpr size_t kPanelVecs = 2;
  static constexpr size_t kMaxRows = 12;
  static constexpr size_t kWBytes = 64;
  static constexpr bool kShiftedWeights = true;
  static constexpr size_t kWidenSteps = 0;  // the int8 rows as they are
  static constexpr size_t kABytesPerStep = 4;

  EMBERT_X86_TARGET static V Zero() { return _mm512_setzero_si512(); }
  EMBERT_X86_TARGET static W LoadW(const int8_t* p) { return _mm512_loadu_si512(p); }
  EMBERT_X86_TARGET static A LoadA(const int8_t* p) {
    int32_t four;
    std::memcpy(&four, p, 4);
    return _mm512_set1_epi32(four);
  }
  EMBERT_X86_TARGET static V Madd(V acc, A x, W w) { return _mm512_dpbusd_epi32(acc, w, x); }
  EMBERT_X86_TARGET static int32_t RowSum(const int8_t* row, size_t padded_k) {
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i sum = _mm512_setzero_si512();
    for (size_t k = 0; k < padded_k; k += 64) {
      sum = _mm512_dpbusd_epi32(sum, ones, _mm512_loadu_si512(row + k));
    }
    return _mm512_reduce_add_epi32(sum);
  }
};

}  // namespace
}  // namespace embert::qgemm::x86

#endif  // EMBERT_SDK_BACKEND_X86_ISA_DOT_ZMM_H_
