// The register tiles and loop order shared by the NEON kernel levels
// (qgemm_neon.cc: SMULL/SMLAL, qgemm_neon_dot.cc: SDOT). Each level's file
// instantiates GemmPanels with its step, compiled for its own ISA.
//
// Weights are read in place: the [N][K] rows of a file converted with the
// default options are what these kernels want, so a context on a Pi needs
// no packed copy of the weights (RSS stays close to the mapped file).
//
// Access order (what makes them fast on a device with little cache):
// - Panels of 4 output channels are the outer loop and every row tile of the
//   call runs inside it: a panel (4 x K bytes, 3-12 KiB for BERT) is read
//   from memory once per call and stays in L1 while the row tiles pass, so
//   weight traffic does not grow with the number of tokens. Threads split
//   the channels (linear.cc), so it does not grow with threads either. The
//   activations (rows x K bytes) are re-read per panel, from L2.
// - A tile is kRows rows x 4 channels of int32x4 sums, 16 bytes of K per
//   step (one SDOT, or SMULL + SMLAL2 + SADALP, per row and channel).
// - The epilogue stays in vector lanes: the 4 sums of a row are reduced by
//   pairwise adds into one vector whose lanes are the 4 channels, then
//   converted, scaled and biased 4 outputs at a time.
// The integer sums are exact and the epilogue is the same fused
// multiply-add as the reference's std::fma, so results equal the reference
// kernels bit for bit.
#ifndef EMBERT_SDK_BACKEND_ARM_NEON_TILES_H_
#define EMBERT_SDK_BACKEND_ARM_NEON_TILES_H_

#include <arm_neon.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "backend/qgemm.h"

namespace embert::qgemm::neon {
// Internal linkage: each level's file compiles these for its own ISA (dot
// product, VFPv4); one shared out-of-line copy (e.g. StoreRowScalar's)
// could otherwise be the other level's and hold instructions this CPU lacks.
namespace {

constexpr size_t kChannels = 4;  // channels per tile = int32 lanes of the epilogue

// Rows per tile (Step::kRows). AArch64 has 32 vector registers: SDOT takes
// 6 rows x 4 channels of sums (24) + 4 weight vectors + the current row's
// activations; SMULL/SMLAL 3 rows (12 sums), as GCC keeps a tile's int16
// products live at once (4 rows spill 4-7 sums per step). ARMv7 has 16:
// 2 rows.
// acc += a . w over 16 int8 lanes without dot-product instructions: pairs of
// products fit int16 (2 * 127 * 128 < 32767: activations are never -128,
// qgemm.h), then widen-add into int32. The baseline level's step.
struct MlalStep {
#if defined(__aarch64__)
  static constexpr size_t kRows = 3;
#else
  static constexpr size_t kRows = 2;
#endif
  static inline int32x4_t Dot16(int32x4_t acc, int8x16_t a, int8x16_t w) {
    int16x8_t p = vmull_s8(vget_low_s8(a), vget_low_s8(w));
#if defined(__aarch64__)
    p = vmlal_high_s8(p, a, w);
#else
    p = vmlal_s8(p, vget_high_s8(a), vget_high_s8(w));
#endif
    return vpadalq_s16(acc, p);
  }
};

// The four channels' sums of one row in the lanes of one vector.
// (By value: through a pointer GCC stores every tile's sums to the stack.)
inline int32x4_t ReduceChannels(int32x4_t c0, int32x4_t c1, int32x4_t c2, int32x4_t c3) {
#if defined(__aarch64__)
  return vpaddq_s32(vpaddq_s32(c0, c1), vpaddq_s32(c2, c3));
#else
  const int32x2_t s01 = vpadd_s32(vadd_s32(vget_low_s32(c0), vget_high_s32(c0)),
                                  vadd_s32(vget_low_s32(c1), vget_high_s32(c1)));
  const int32x2_t s23 = vpadd_s32(vadd_s32(vget_low_s32(c2), vget_high_s32(c2)),
                                  vadd_s32(vget_low_s32(c3), vget_high_s32(c3)));
  return vcombine_s32(s01, s23);
#endif
}

// The K % 16 tail in scalar code: weight rows are exactly K bytes, so
// vector loads past a row's end could leave the model buffer.
inline int32_t TailDot(const int8_t* a, const int8_t* w, size_t k0, size_t k) {
  int32_t s = 0;
  for (size_t i = k0; i < k; ++i) s += int32_t{a[i]} * int32_t{w[i]};
  return s;
}

// A panel's 4 channels: their weight rows (past the right edge, the last
// channel again: computed, not stored), and, where all 4 are real, their
// weight scales and biases as vectors (the same for every row).
struct Panel {
  const int8_t* w[kChannels];
  size_t n, nr;
  float32x4_t b_scales, bias;
};

// Stores row m's 4 sums where the vector epilogue does not apply: the right
// edge (nr < 4), a K % 16 tail, ARMv7 without VFPv4 (no vector fma). One
// output at a time, out of line: rare, and inlined into every row of a tile
// it would crowd the tile's registers.
__attribute__((noinline)) inline void StoreRowScalar(int32x4_t sums, const GemmArgs& g, const Panel& p,
                                                     const int8_t* a, size_t m) {
  const size_t k16 = g.k / 16 * 16;
  float* out = g.out + m * g.out_stride + p.n;
  int32_t s[kChannels];
  vst1q_s32(s, sums);
  for (size_t j = 0; j < p.nr; ++j) {
    const int32_t acc = s[j] + TailDot(a, p.w[j], k16, g.k);
    out[j] = std::fma(static_cast<float>(acc), g.a_scales[m] * g.b_scales[p.n + j], g.bias ? g.bias[p.n + j] : 0.0f);
  }
}

// kRows rows from m x the panel's channels; 16 bytes of K per step.
template <class Step, size_t kRows>
inline __attribute__((always_inline)) void Tile(const GemmArgs& g, const Panel& p, size_t m) {
  const size_t K = g.k;
  const size_t k16 = K / 16 * 16;
  const int8_t* a[kRows];
  for (size_t i = 0; i < kRows; ++i) a[i] = g.a + (m + i) * g.a_stride;
  int32x4_t acc[kRows][kChannels];
#pragma GCC unroll 8
  for (size_t i = 0; i < kRows; ++i) {
#pragma GCC unroll 4
    for (size_t j = 0; j < kChannels; ++j) acc[i][j] = vdupq_n_s32(0);
  }
  for (size_t k = 0; k < k16; k += 16) {
    int8x16_t wv[kChannels];
#pragma GCC unroll 4
    for (size_t j = 0; j < kChannels; ++j) wv[j] = vld1q_s8(p.w[j] + k);
#pragma GCC unroll 8
    for (size_t i = 0; i < kRows; ++i) {
      const int8x16_t av = vld1q_s8(a[i] + k);
#pragma GCC unroll 4
      for (size_t j = 0; j < kChannels; ++j) acc[i][j] = Step::Dot16(acc[i][j], av, wv[j]);
    }
  }
  static_assert(kChannels == 4, "ReduceChannels takes 4");
#if defined(__aarch64__) || defined(__ARM_FEATURE_FMA)
  if (p.nr == kChannels && k16 == K) {
    // y = fma((float)acc, a_scale * w_scale, bias), 4 channels at a time:
    // the reference's std::fma, lane by lane. No branch inside.
#pragma GCC unroll 8
    for (size_t i = 0; i < kRows; ++i) {
      const int32x4_t sums = ReduceChannels(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
      const float32x4_t scale = vmulq_n_f32(p.b_scales, g.a_scales[m + i]);
      vst1q_f32(g.out + (m + i) * g.out_stride + p.n, vfmaq_f32(p.bias, vcvtq_f32_s32(sums), scale));
    }
    return;
  }
#endif
#pragma GCC unroll 8
  for (size_t i = 0; i < kRows; ++i) {
    StoreRowScalar(ReduceChannels(acc[i][0], acc[i][1], acc[i][2], acc[i][3]), g, p, a[i], m + i);
  }
}

// Rows [m0, m1) x channels [n0, n1): panels of channels outermost; in a
// panel, tiles of Step::kRows rows, the last rows in tiles of 4, 2 and 1
// (every computed row is a real one).
template <class Step>
inline __attribute__((always_inline)) void GemmPanels(const GemmArgs& g, size_t m0, size_t m1, size_t n0,
                                                      size_t n1) {
  constexpr size_t kRows = Step::kRows;
  const auto* weights = static_cast<const int8_t*>(g.b);
  for (size_t n = n0; n < n1; n += kChannels) {
    Panel p;
    p.n = n;
    p.nr = n1 - n < kChannels ? n1 - n : kChannels;
    for (size_t j = 0; j < kChannels; ++j) p.w[j] = weights + (n + (j < p.nr ? j : p.nr - 1)) * g.k;
    if (p.nr == kChannels) {
      p.b_scales = vld1q_f32(g.b_scales + n);
      p.bias = g.bias ? vld1q_f32(g.bias + n) : vdupq_n_f32(0.0f);
    }
    size_t m = m0;
    for (; m + kRows <= m1; m += kRows) Tile<Step, kRows>(g, p, m);
    if constexpr (kRows > 4) {
      if (m + 4 <= m1) {
        Tile<Step, 4>(g, p, m);
        m += 4;
      }
    }
    if constexpr (kRows > 2) {
      if (m + 2 <= m1) {
        Tile<Step, 2>(g, p, m);
        m += 2;
      }
    }
    if (m < m1) Tile<Step, 1>(g, p, m);
  }
}

}  // namespace
}  // namespace embert::qgemm::neon

#endif  // EMBERT_SDK_BACKEND_ARM_NEON_TILES_H_
