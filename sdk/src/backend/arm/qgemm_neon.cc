// NEON kernels for the int8 arithmetic of qgemm.h, on ARMv7 (armhf) and
// AArch64, with a dot-product variant for ARMv8.2 cores (Cortex-A76 of the
// Raspberry Pi 5). They read the int8 weights in place: the model file's
// [N][K] rows are already what a dot-product kernel wants, so contexts need
// no packed copy (RSS stays close to the mapped file).
//
// Tiles of 4 rows x 4 output channels; 16 bytes of K per step. The integer
// sums are exact, so results equal the reference kernels bit for bit.
#if defined(__ARM_NEON) || defined(__ARM_NEON__)

#include <arm_neon.h>

#include <cmath>

#include "backend/qgemm.h"

namespace embert::qgemm {
namespace {

// Sum of the four int32 lanes.
inline int32_t HorizontalSum(int32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_s32(v);
#else
  const int32x2_t s = vadd_s32(vget_low_s32(v), vget_high_s32(v));
  return vget_lane_s32(vpadd_s32(s, s), 0);
#endif
}

// acc += a . w over 16 int8 lanes without dot-product instructions: pairs of
// products fit int16 (2 * 127 * 127 < 32767), then widen-add into int32.
inline int32x4_t Dot16(int32x4_t acc, int8x16_t a, int8x16_t w) {
  int16x8_t p = vmull_s8(vget_low_s8(a), vget_low_s8(w));
#if defined(__aarch64__)
  p = vmlal_high_s8(p, a, w);
#else
  p = vmlal_s8(p, vget_high_s8(a), vget_high_s8(w));
#endif
  return vpadalq_s16(acc, p);
}

inline float Epilogue(int32_t acc, const GemmArgs& g, size_t m, size_t n) {
  return std::fma(static_cast<float>(acc), g.a_scales[m] * g.b_scales[n], g.bias ? g.bias[n] : 0.0f);
}

// The K % 16 tail in scalar code: weights rows are exactly K bytes, so
// vector loads past a row's end could leave the model buffer.
inline int32_t TailDot(const int8_t* a, const int8_t* w, size_t k0, size_t k) {
  int32_t s = 0;
  for (size_t i = k0; i < k; ++i) s += int32_t{a[i]} * int32_t{w[i]};
  return s;
}

template <bool kDot>
inline int32x4_t Step(int32x4_t acc, int8x16_t a, int8x16_t w);

template <>
inline int32x4_t Step<false>(int32x4_t acc, int8x16_t a, int8x16_t w) {
  return Dot16(acc, a, w);
}

#if defined(__aarch64__)
__attribute__((target("arch=armv8.2-a+dotprod"))) inline int32x4_t DotStep(int32x4_t acc, int8x16_t a,
                                                                           int8x16_t w) {
  return vdotq_s32(acc, a, w);
}
template <>
inline int32x4_t Step<true>(int32x4_t acc, int8x16_t a, int8x16_t w) {
  return DotStep(acc, a, w);
}
#endif

template <bool kDot>
#if defined(__aarch64__)
__attribute__((target("arch=armv8.2-a+dotprod")))
#endif
void GemmTiles(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  const auto* weights = static_cast<const int8_t*>(g.b);
  const size_t K = g.k;
  const size_t k16 = K / 16 * 16;
  for (size_t m = m0; m < m1; m += 4) {
    const size_t mr = m1 - m < 4 ? m1 - m : 4;
    const int8_t* a[4];
    for (size_t i = 0; i < 4; ++i) a[i] = g.a + (m + (i < mr ? i : 0)) * g.a_stride;
    for (size_t n = n0; n < n1; n += 4) {
      const size_t nr = n1 - n < 4 ? n1 - n : 4;
      const int8_t* w[4];
      for (size_t j = 0; j < 4; ++j) w[j] = weights + (n + (j < nr ? j : 0)) * K;
      int32x4_t acc[4][4];
      for (auto& row : acc) {
        for (auto& v : row) v = vdupq_n_s32(0);
      }
      for (size_t k = 0; k < k16; k += 16) {
        const int8x16_t av[4] = {vld1q_s8(a[0] + k), vld1q_s8(a[1] + k), vld1q_s8(a[2] + k),
                                 vld1q_s8(a[3] + k)};
        const int8x16_t wv[4] = {vld1q_s8(w[0] + k), vld1q_s8(w[1] + k), vld1q_s8(w[2] + k),
                                 vld1q_s8(w[3] + k)};
        for (size_t i = 0; i < 4; ++i) {
          for (size_t j = 0; j < 4; ++j) acc[i][j] = Step<kDot>(acc[i][j], av[i], wv[j]);
        }
      }
      for (size_t i = 0; i < mr; ++i) {
        float* out = g.out + (m + i) * g.out_stride;
        for (size_t j = 0; j < nr; ++j) {
          const int32_t s = HorizontalSum(acc[i][j]) + TailDot(a[i], w[j], k16, K);
          out[n + j] = Epilogue(s, g, m + i, n + j);
        }
      }
    }
  }
}

void GemmNeon(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  GemmTiles<false>(g, m0, m1, n0, n1);
}

#if defined(__aarch64__)
void GemmNeonDot(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  GemmTiles<true>(g, m0, m1, n0, n1);
}
#endif

size_t NoPacking(size_t, size_t) { return 0; }

}  // namespace

const Kernels* ArmKernels(bool has_dot) {
  static const Kernels neon = {"neon", NoPacking, nullptr, ReferenceKernels().quantize, GemmNeon, 4, 0};
#if defined(__aarch64__)
  static const Kernels neondot = {"neon-dot", NoPacking, nullptr, ReferenceKernels().quantize,
                                  GemmNeonDot, 4, 0};
  if (has_dot) return &neondot;
#else
  (void)has_dot;
#endif
  return &neon;
}

}  // namespace embert::qgemm

#endif  // __ARM_NEON
