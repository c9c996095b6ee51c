// AVX-512BW policy for gemm_tiles.h (CPUs with AVX-512 but no VNNI, e.g.
// Skylake-SP): vpmaddwd zmm on int16 pairs, as isa_madd_ymm.h on 512 bits.
//
// Micro-tile 10 rows x 32 channels: 20 accumulators + 4 weight vectors + the
// row's two pair vectors + products, of the 32 zmm registers.
#ifndef EMBERT_SDK_BACKEND_X86_ISA_MADD_ZMM_H_
#define EMBERT_SDK_BACKEND_X86_ISA_MADD_ZMM_H_

#ifndef EMBERT_X86_TARGET
#error "define EMBERT_X86_TARGET before including isa_madd_zmm.h"
#endif

#include "backend/x86/intrinsics.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "backend/x86/isa_zmm_common.h"

namespace embert::qgemm::x86 {
namespace {

struct MaddZmm : ZmmOutput {
  using V = __m512i;
  struct W {
    __m512i lo, hi;  // int16 pairs of K 0-1 and 2-3 of a step
  };
  using A = W;
  static constexpr size_t kPanelVecs = 2;
  static constexpr size_t kMaxRows = 10;
  static constexpr size_t kWBytes = 128;
  static constexpr bool kShiftedWeights = false;
  static constexpr size_t kWidenSteps = 64;    // 256 K per widened block
  static constexpr size_t kABytesPerStep = 8;  // 4 int16

  EMBERT_X86_TARGET static V Zero() { return _mm512_setzero_si512(); }
  EMBERT_X86_TARGET static W LoadW(const int8_t* p) { return {_mm512_loadu_si512(p), _mm512_loadu_si512(p + 64)}; }
  EMBERT_X86_TARGET static A LoadA(const int8_t* p) {
    int32_t pairs[2];
    std::memcpy(pairs, p, 8);  // int16 (a0, a1), (a2, a3) of the widened row
    return {_mm512_set1_epi32(pairs[0]), _mm512_set1_epi32(pairs[1])};
  }
  EMBERT_X86_TARGET static void Widen(const int8_t* row, size_t bytes, int8_t* wide) {
    for (size_t i = 0; i < bytes; i += 32) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + i));
      _mm512_store_si512(wide + 2 * i, _mm512_cvtepi8_epi16(x));
    }
  }
  EMBERT_X86_TARGET static V Madd(V acc, const A& x, const W& w) {
    return _mm512_add_epi32(acc, _mm512_add_epi32(_mm512_madd_epi16(x.lo, w.lo), _mm512_madd_epi16(x.hi, w.hi)));
  }
};

}  // namespace
}  // namespace embert::qgemm::x86

#endif  // EMBERT_SDK_BACKEND_X86_ISA_MADD_ZMM_H_
