// Row quantization on AVX-512, bit-exact with the reference
// (qgemm_reference.cc): the same float operations in the same order, only
// 16 columns at a time.
#include "backend/x86/intrinsics.h"

#include <cmath>
#include <cstring>

#include "backend/x86/kernels_x86.h"

#define EMBERT_X86_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))

namespace embert::qgemm::x86 {
namespace {

EMBERT_X86_TARGET inline __mmask16 TailMask(size_t left) {
  return left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
}

// x * mul, masked lanes 0.
EMBERT_X86_TARGET inline __m512 Load(const float* x, const float* mul, size_t c, __mmask16 m) {
  const __m512 v = _mm512_maskz_loadu_ps(m, x + c);
  return mul ? _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, mul + c)) : v;
}

}  // namespace

EMBERT_X86_TARGET void QuantizeAvx512(const QuantizeArgs& args) {
  for (size_t r = 0; r < args.rows; ++r) {
    const float* x = args.x + r * args.x_stride;
    int8_t* q = args.q + r * args.q_stride;
    // max(a, m) returns m when a is NaN, as the reference's `a > m ? a : m`:
    // a NaN never wins. The order of a max does not change its value.
    __m512 vmax = _mm512_setzero_ps();
    for (size_t c = 0; c < args.cols; c += 16) {
      const __m512 a = _mm512_abs_ps(Load(x, args.mul, c, TailMask(args.cols - c)));
      vmax = _mm512_max_ps(a, vmax);
    }
    const float absmax = _mm512_reduce_max_ps(vmax);
    if (absmax == 0.0f || !std::isfinite(absmax)) {
      std::memset(q, 0, args.q_stride);
      args.scales[r] = absmax == 0.0f ? 0.0f : absmax;
      continue;
    }
    const float inv = 127.0f / absmax;
    const __m512 vinv = _mm512_set1_ps(inv);
    const __m512 lo = _mm512_set1_ps(-127.0f), hi = _mm512_set1_ps(127.0f);
    for (size_t c = 0; c < args.cols; c += 16) {
      const __mmask16 m = TailMask(args.cols - c);
      const __m512 t = _mm512_mul_ps(Load(x, args.mul, c, m), vinv);
      // Clamping before the rounding conversion gives the reference's
      // round-then-clamp values (the bounds are integers), and max(t, lo)
      // maps NaN to -127 like it; inv may be +inf for a subnormal absmax.
      const __m512 clamped = _mm512_min_ps(_mm512_max_ps(t, lo), hi);
      // Converts in the current rounding mode, as nearbyint does.
      _mm512_mask_cvtsepi32_storeu_epi8(q + c, m, _mm512_cvtps_epi32(clamped));
    }
    std::memset(q + args.cols, 0, args.q_stride - args.cols);
    args.scales[r] = absmax / 127.0f;
  }
}

}  // namespace embert::qgemm::x86
