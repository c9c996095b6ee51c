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
#include <type_traits>

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
  const int32x2_t s01 =
      vpadd_s32(vadd_s32(vget_low_s32(c0), vget_high_s32(c0)), vadd_s32(vget_low_s32(c1), vget_high_s32(c1)));
  const int32x2_t s23 =
      vpadd_s32(vadd_s32(vget_low_s32(c2), vget_high_s32(c2)), vadd_s32(vget_low_s32(c3), vget_high_s32(c3)));
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
__attribute__((noinline)) inline void StoreRowScalar(int32x4_t sums, const GemmArgs& g, const Panel& p, const int8_t* a,
                                                     size_t m) {
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

#if defined(__aarch64__)
// The SMULL/SMLAL level's common tile on AArch64, 4 rows x the panel's 4
// channels, whole in one asm block: 8 loads and 16 x (SMULL, SMLAL2, SADALP)
// per 16 bytes of K (58 instructions per 256 multiply-accumulates: 0.227 per
// MAC, XNNPACK's 2x8c8 kernel 0.244 per call), then Tile's epilogue. In C,
// GCC keeps a 4-row tile's int16 products live at once and spills sums
// (hence 3 rows there: 0.255). The sums live in v0-v15 (a row's 4 channels
// in 4 registers), the products rotate through v24-v31. For a full panel
// (nr = 4), K a multiple of 16 and not 0.
// (asm text: one instruction per line, kept as written)
// clang-format off
#define EMBERT_MLAL(acc, av, wv, t)                    \
  "smull " t ".8h, " av ".8b, " wv ".8b\n\t"            \
  "smlal2 " t ".8h, " av ".16b, " wv ".16b\n\t"         \
  "sadalp " acc ".4s, " t ".8h\n\t"
#define EMBERT_MLAL_ROW(c0, c1, c2, c3, av, t0, t1)                                                  \
  EMBERT_MLAL(c0, av, "v16", t0) EMBERT_MLAL(c1, av, "v17", t1) EMBERT_MLAL(c2, av, "v18", t0) \
      EMBERT_MLAL(c3, av, "v19", t1)
// Row i's sums (4 channel registers) reduced to one vector of 4 channels,
// converted, scaled by b_scales * a_scale[i], added to a fresh bias, stored.
#define EMBERT_MLAL_STORE(c0, c1, c2, c3, lane, ptr)  \
  "addp v24.4s, " c0 ".4s, " c1 ".4s\n\t"              \
  "addp v25.4s, " c2 ".4s, " c3 ".4s\n\t"              \
  "addp v24.4s, v24.4s, v25.4s\n\t"                    \
  "scvtf v24.4s, v24.4s\n\t"                           \
  "fmul v25.4s, v26.4s, v27.s[" #lane "]\n\t"          \
  "ldr q28, [%[bias]]\n\t"                             \
  "fmla v28.4s, v24.4s, v25.4s\n\t"                    \
  "str q28, [" ptr "]\n\t"

inline __attribute__((always_inline)) void MlalTile4x4(const GemmArgs& g, const Panel& p, size_t m,
                                                       const float* bias) {
  const int8_t* a = g.a + m * g.a_stride;
  float* out = g.out + m * g.out_stride + p.n;
  size_t steps = g.k / 16;
  alignas(16) static constexpr int32_t kZeros[8] = {};
  asm volatile(
      "ldp q0, q1, [%[zero]]\n\t"
      "ldp q2, q3, [%[zero]]\n\t"
      "ldp q4, q5, [%[zero]]\n\t"
      "ldp q6, q7, [%[zero]]\n\t"
      "ldp q8, q9, [%[zero]]\n\t"
      "ldp q10, q11, [%[zero]]\n\t"
      "ldp q12, q13, [%[zero]]\n\t"
      "ldp q14, q15, [%[zero]]\n\t"
      "ldp x9, x10, [%[w]]\n\t"
      "ldp x11, x12, [%[w], #16]\n\t"
      "mov x13, %[a]\n\t"
      "add x14, x13, %[as]\n\t"
      "add x15, x14, %[as]\n\t"
      "add x16, x15, %[as]\n\t"
      "1:\n\t"
      "ldr q16, [x9], #16\n\t"
      "ldr q17, [x10], #16\n\t"
      "ldr q18, [x11], #16\n\t"
      "ldr q19, [x12], #16\n\t"
      "ldr q20, [x13], #16\n\t"
      "ldr q21, [x14], #16\n\t"
      "ldr q22, [x15], #16\n\t"
      "ldr q23, [x16], #16\n\t"
      EMBERT_MLAL_ROW("v0", "v1", "v2", "v3", "v20", "v24", "v25")
      EMBERT_MLAL_ROW("v4", "v5", "v6", "v7", "v21", "v26", "v27")
      EMBERT_MLAL_ROW("v8", "v9", "v10", "v11", "v22", "v28", "v29")
      EMBERT_MLAL_ROW("v12", "v13", "v14", "v15", "v23", "v30", "v31")
      "subs %[n], %[n], #1\n\t"
      "b.ne 1b\n\t"
      "ldr q26, [%[bs]]\n\t"
      "ldr q27, [%[asc]]\n\t"
      "add x10, %[out], %[os]\n\t"
      "add x11, x10, %[os]\n\t"
      "add x12, x11, %[os]\n\t"
      EMBERT_MLAL_STORE("v0", "v1", "v2", "v3", 0, "%[out]")
      EMBERT_MLAL_STORE("v4", "v5", "v6", "v7", 1, "x10")
      EMBERT_MLAL_STORE("v8", "v9", "v10", "v11", 2, "x11")
      EMBERT_MLAL_STORE("v12", "v13", "v14", "v15", 3, "x12")
      : [n] "+r"(steps)
      : [a] "r"(a), [as] "r"(g.a_stride), [w] "r"(p.w), [out] "r"(out), [os] "r"(g.out_stride * sizeof(float)),
        [bs] "r"(g.b_scales + p.n), [asc] "r"(g.a_scales + m), [bias] "r"(bias), [zero] "r"(kZeros)
      : "memory", "cc", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "v0", "v1", "v2", "v3", "v4", "v5",
        "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21",
        "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}
#undef EMBERT_MLAL_STORE
#undef EMBERT_MLAL_ROW
#undef EMBERT_MLAL
// clang-format on
#endif

// Rows [m0, m1) x channels [n0, n1): panels of channels outermost; in a
// panel, tiles of Step::kRows rows, the last rows in tiles of 4, 2 and 1
// (every computed row is a real one).
template <class Step>
inline __attribute__((always_inline)) void GemmPanels(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
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
#if defined(__aarch64__)
    if constexpr (std::is_same_v<Step, MlalStep>) {
      if (p.nr == kChannels && g.k % 16 == 0 && g.k != 0) {
        alignas(16) static constexpr float kNoBias[kChannels] = {};
        const float* bias = g.bias ? g.bias + n : kNoBias;
        for (; m + 4 <= m1; m += 4) MlalTile4x4(g, p, m, bias);
      }
    }
#endif
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
