// Row quantization on AVX2, bit-exact with the reference
// (qgemm_reference.cc): the same float operations in the same order, 8
// columns at a time, the last cols % 8 with the reference's scalar code.
#include "backend/x86/intrinsics.h"

#include <cmath>
#include <cstring>

#include "backend/x86/kernels_x86.h"

#define EMBERT_X86_TARGET __attribute__((target("avx2,fma")))

namespace embert::qgemm::x86 {
namespace {

EMBERT_X86_TARGET inline __m256 Load(const float* x, const float* mul, size_t c) {
  const __m256 v = _mm256_loadu_ps(x + c);
  return mul ? _mm256_mul_ps(v, _mm256_loadu_ps(mul + c)) : v;
}

EMBERT_X86_TARGET inline float Scalar(const float* x, const float* mul, size_t c) { return mul ? x[c] * mul[c] : x[c]; }

}  // namespace

EMBERT_X86_TARGET void QuantizeAvx2(const QuantizeArgs& args) {
  const size_t vec_cols = args.cols / 8 * 8;
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  for (size_t r = 0; r < args.rows; ++r) {
    const float* x = args.x + r * args.x_stride;
    int8_t* q = args.q + r * args.q_stride;
    // max(a, m) returns m when a is NaN, as the reference's `a > m ? a : m`:
    // a NaN never wins. The order of a max does not change its value.
    __m256 vmax = _mm256_setzero_ps();
    for (size_t c = 0; c < vec_cols; c += 8) {
      vmax = _mm256_max_ps(_mm256_and_ps(Load(x, args.mul, c), abs_mask), vmax);
    }
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
    float absmax = _mm_cvtss_f32(m4);
    for (size_t c = vec_cols; c < args.cols; ++c) {
      const float a = std::fabs(Scalar(x, args.mul, c));
      absmax = a > absmax ? a : absmax;
    }
    if (absmax == 0.0f || !std::isfinite(absmax)) {
      std::memset(q, 0, args.q_stride);
      args.scales[r] = absmax == 0.0f ? 0.0f : absmax;
      continue;
    }
    const float inv = 127.0f / absmax;
    const __m256 vinv = _mm256_set1_ps(inv);
    const __m256 lo = _mm256_set1_ps(-127.0f), hi = _mm256_set1_ps(127.0f);
    for (size_t c = 0; c < vec_cols; c += 8) {
      const __m256 t = _mm256_mul_ps(Load(x, args.mul, c), vinv);
      // Clamping before the rounding conversion gives the reference's
      // round-then-clamp values (the bounds are integers), and max(t, lo)
      // maps NaN to -127 like it; inv may be +inf for a subnormal absmax.
      const __m256i i32 = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(t, lo), hi));
      const __m128i i16 = _mm_packs_epi32(_mm256_castsi256_si128(i32), _mm256_extracti128_si256(i32, 1));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(q + c), _mm_packs_epi16(i16, i16));
    }
    for (size_t c = vec_cols; c < args.cols; ++c) {
      float t = nearbyintf(Scalar(x, args.mul, c) * inv);
      t = t >= -127.0f ? t : -127.0f;
      t = t <= 127.0f ? t : 127.0f;
      q[c] = static_cast<int8_t>(t);
    }
    std::memset(q + args.cols, 0, args.q_stride - args.cols);
    args.scales[r] = absmax / 127.0f;
  }
}

}  // namespace embert::qgemm::x86
