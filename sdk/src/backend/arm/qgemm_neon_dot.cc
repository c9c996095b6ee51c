// The dot-product kernel level (ARMv8.2 SDOT: Cortex-A76 of the Raspberry
// Pi 5, A55, A78...). The whole file is compiled for armv8.2-a+dotprod and
// runs only where the CPU has it (ArmKernelsForLevel, qgemm_neon.cc); the
// A72 of the Pi 4 runs neon_tiles.h's SMLAL tiles.
//
// Weights are read in place from the file's [N][K] rows, like the other ARM
// levels; the activations come in row quads (qgemm.h kRowQuads, written so
// by this level's quantizer): one 16-byte vector is 4 rows x 4 values, and
// SDOT by element multiplies it with 4 values of one weight row, giving the
// 4 rows' sums of one channel in the 4 lanes. A tile is 8 rows (2 quads) x
// 8 channels = 16 vectors of finished sums, 64 outputs, with no horizontal
// reduction; per 16 bytes of K, 8 weight and 8 activation loads feed 64
// SDOTs (0.08 instructions per multiply-accumulate, where 16-byte rows dotted
// with 16-byte rows need 0.1 and a reduction per output).
//
// Access order: panels of 8 channels outermost, every row tile of the call
// inside, so a panel is read from memory once per call (neon_tiles.h says
// why that matters). Where a panel and two quads would not leave room in L1
// (K > 2560: the FFN's down projection), tiles are one quad.
#if defined(__aarch64__)
#pragma GCC target("arch=armv8.2-a+dotprod")

#include <arm_neon.h>

#include <cmath>
#include <cstring>

#include "backend/qgemm.h"

namespace embert::qgemm::neon {
namespace {

constexpr size_t kPanel = 8;  // channels per panel

struct Panel {
  const int8_t* w[kPanel];  // channel rows; past the right edge the last channel again
  size_t n, nr;
  // Of the 8 channels, where all are real (nr = 8): scales, and the bias
  // (kNoBias without one). The bias stays in memory: the epilogue's FMLA
  // adds into its destination, so a bias held in a register would be copied
  // before every one of them; loaded after each store (which may alias it)
  // it is a fresh register each time.
  float32x4_t b_scales[2];
  const float* b_scale_ptr;  // g.b_scales + n (read by TwoQuadTile only where nr = 8)
  const float* bias;
};

alignas(16) constexpr float kNoBias[kPanel] = {};
alignas(16) constexpr int32_t kZeros[16] = {};

// The 4 channels' sums (lanes = the quad's rows) as the quad's 4 rows (lanes
// = channels): a 4x4 transpose. (By value: through a pointer GCC keeps the
// tile's sums on the stack.)
inline void Transpose(int32x4_t c0, int32x4_t c1, int32x4_t c2, int32x4_t c3, int32x4_t* r) {
  const int32x4_t t0 = vtrn1q_s32(c0, c1), t1 = vtrn2q_s32(c0, c1);
  const int32x4_t t2 = vtrn1q_s32(c2, c3), t3 = vtrn2q_s32(c2, c3);
  r[0] = vreinterpretq_s32_s64(vtrn1q_s64(vreinterpretq_s64_s32(t0), vreinterpretq_s64_s32(t2)));
  r[1] = vreinterpretq_s32_s64(vtrn1q_s64(vreinterpretq_s64_s32(t1), vreinterpretq_s64_s32(t3)));
  r[2] = vreinterpretq_s32_s64(vtrn2q_s64(vreinterpretq_s64_s32(t0), vreinterpretq_s64_s32(t2)));
  r[3] = vreinterpretq_s32_s64(vtrn2q_s64(vreinterpretq_s64_s32(t1), vreinterpretq_s64_s32(t3)));
}

// y = fma((float)acc, a_scale * w_scale, bias) for row m and channels
// [n, n + count), count <= 4: the reference's std::fma, lane by lane.
inline void StoreRow(const GemmArgs& g, int32x4_t sums, size_t m, size_t n, size_t count) {
  float* out = g.out + m * g.out_stride + n;
  if (count == 4) {
    const float32x4_t scale = vmulq_n_f32(vld1q_f32(g.b_scales + n), g.a_scales[m]);
    const float32x4_t bias = g.bias ? vld1q_f32(g.bias + n) : vdupq_n_f32(0.0f);
    vst1q_f32(out, vfmaq_f32(bias, vcvtq_f32_s32(sums), scale));
    return;
  }
  int32_t s[4];
  vst1q_s32(s, sums);
  for (size_t j = 0; j < count; ++j) {
    out[j] = std::fma(static_cast<float>(s[j]), g.a_scales[m] * g.b_scales[n + j], g.bias ? g.bias[n + j] : 0.0f);
  }
}

// acc[q][j] += the quad's 4 rows . 16 values of channel j, from quad
// pointer `a` (64 bytes: 4 steps of 4 rows x 4 values) and weights `w`.
template <size_t kQuads>
inline __attribute__((always_inline)) void Step(const int8_t* const* a, const int8x16_t* w,
                                                int32x4_t (&acc)[kQuads][kPanel]) {
#pragma GCC unroll 2
  for (size_t q = 0; q < kQuads; ++q) {
    const int8x16_t a0 = vld1q_s8(a[q]), a1 = vld1q_s8(a[q] + 16), a2 = vld1q_s8(a[q] + 32), a3 = vld1q_s8(a[q] + 48);
#pragma GCC unroll 8
    for (size_t j = 0; j < kPanel; ++j) {
      acc[q][j] = vdotq_laneq_s32(acc[q][j], a0, w[j], 0);
      acc[q][j] = vdotq_laneq_s32(acc[q][j], a1, w[j], 1);
      acc[q][j] = vdotq_laneq_s32(acc[q][j], a2, w[j], 2);
      acc[q][j] = vdotq_laneq_s32(acc[q][j], a3, w[j], 3);
    }
  }
}

// The SDOT tiles as asm: GCC 12 allocates the 16 sums, 8 weight and 4
// activation vectors (28 of 32 registers) with two register copies per 64
// SDOTs, on the same two vector pipes (33 instead of 32 cycles per iteration
// on the A76 model), and kept the sums on the stack between the loop and the
// epilogue (16 stores, 16 loads, 64 cycles of epilogue per tile). Fixed
// registers: quad 0's sums in v0-v7 and quad 1's in v8-v15 (channel j in
// v[8q + j], lanes = the quad's rows), epilogue temporaries v16-v19,
// activations v20-v23, weights v24-v31 (in the epilogue: scales and bias),
// the panel's weight rows walked in x9-x16.
//
// The epilogue of a quad (its sums in c0..c7): channels 0-3 and 4-7
// transposed in place (lanes = channels, one register per row), then per
// row: scales = b_scales * a_scale[row], fresh bias + float(sum) * scale for
// both halves — the reference's y = fma((float)acc, a_scale * w_scale, bias)
// — stored as one pair (the A76 model charges a Q store 2 cycles of a vector
// pipe, a Q pair the same).
// (asm text: one instruction per line, kept as written)
// clang-format off
// The sums start from zeros loaded from memory: loads on the load pipes
// instead of MOVIs on the vector pipes that the SDOTs need.
#define EMBERT_ZERO_Q0              \
  "ldp q0, q1, [%[zero]]\n\t"       \
  "ldp q2, q3, [%[zero], #32]\n\t"  \
  "ldp q4, q5, [%[zero]]\n\t"       \
  "ldp q6, q7, [%[zero], #32]\n\t"
#define EMBERT_ZERO_Q1              \
  "ldp q8, q9, [%[zero]]\n\t"       \
  "ldp q10, q11, [%[zero], #32]\n\t" \
  "ldp q12, q13, [%[zero]]\n\t"     \
  "ldp q14, q15, [%[zero], #32]\n\t"
#define EMBERT_PANEL_ROWS           \
  "ldp x9, x10, [%[w]]\n\t"         \
  "ldp x11, x12, [%[w], #16]\n\t"   \
  "ldp x13, x14, [%[w], #32]\n\t"   \
  "ldp x15, x16, [%[w], #48]\n\t"
// 16 bytes of K of the panel's 8 channels.
#define EMBERT_PANEL_STEP           \
  "ldr q24, [x9], #16\n\t"          \
  "ldr q25, [x10], #16\n\t"         \
  "ldr q26, [x11], #16\n\t"         \
  "ldr q27, [x12], #16\n\t"         \
  "ldr q28, [x13], #16\n\t"         \
  "ldr q29, [x14], #16\n\t"         \
  "ldr q30, [x15], #16\n\t"         \
  "ldr q31, [x16], #16\n\t"
#define EMBERT_SDOT_QUAD(a0, a1, a2, a3, a4, a5, a6, a7, ptr)                             \
  "ldp q20, q21, [%[" ptr "]], #32\n\t"                                                    \
  "ldp q22, q23, [%[" ptr "]], #32\n\t"                                                    \
  EMBERT_SDOT_LANE(a0, a1, a2, a3, a4, a5, a6, a7, "v20", 0)                               \
  EMBERT_SDOT_LANE(a0, a1, a2, a3, a4, a5, a6, a7, "v21", 1)                               \
  EMBERT_SDOT_LANE(a0, a1, a2, a3, a4, a5, a6, a7, "v22", 2)                               \
  EMBERT_SDOT_LANE(a0, a1, a2, a3, a4, a5, a6, a7, "v23", 3)
#define EMBERT_SDOT_LANE(a0, a1, a2, a3, a4, a5, a6, a7, av, lane)   \
  "sdot " a0 ".4s, " av ".16b, v24.4b[" #lane "]\n\t"               \
  "sdot " a1 ".4s, " av ".16b, v25.4b[" #lane "]\n\t"               \
  "sdot " a2 ".4s, " av ".16b, v26.4b[" #lane "]\n\t"               \
  "sdot " a3 ".4s, " av ".16b, v27.4b[" #lane "]\n\t"               \
  "sdot " a4 ".4s, " av ".16b, v28.4b[" #lane "]\n\t"               \
  "sdot " a5 ".4s, " av ".16b, v29.4b[" #lane "]\n\t"               \
  "sdot " a6 ".4s, " av ".16b, v30.4b[" #lane "]\n\t"               \
  "sdot " a7 ".4s, " av ".16b, v31.4b[" #lane "]\n\t"
#define EMBERT_TRANSPOSE(c0, c1, c2, c3)           \
  "trn1 v16.4s, " c0 ".4s, " c1 ".4s\n\t"           \
  "trn2 v17.4s, " c0 ".4s, " c1 ".4s\n\t"           \
  "trn1 v18.4s, " c2 ".4s, " c3 ".4s\n\t"           \
  "trn2 v19.4s, " c2 ".4s, " c3 ".4s\n\t"           \
  "zip1 " c0 ".2d, v16.2d, v18.2d\n\t"              \
  "zip1 " c1 ".2d, v17.2d, v19.2d\n\t"              \
  "zip2 " c2 ".2d, v16.2d, v18.2d\n\t"              \
  "zip2 " c3 ".2d, v17.2d, v19.2d\n\t"
#define EMBERT_TILE_ROW(lo, hi, ptr, lane)               \
  "scvtf " lo ".4s, " lo ".4s\n\t"                         \
  "scvtf " hi ".4s, " hi ".4s\n\t"                         \
  "fmul v27.4s, v24.4s, v26.s[" #lane "]\n\t"              \
  "fmul v29.4s, v25.4s, v26.s[" #lane "]\n\t"              \
  "ldp q28, q30, [%[bias]]\n\t"                            \
  "fmla v28.4s, " lo ".4s, v27.4s\n\t"                     \
  "fmla v30.4s, " hi ".4s, v29.4s\n\t"                     \
  "stp q28, q30, [" ptr "]\n\t"
#define EMBERT_TILE_QUAD(c0, c1, c2, c3, c4, c5, c6, c7) \
  "ldr q26, [%[as]], #16\n\t"                           \
  "add x10, %[out], %[st]\n\t"                          \
  "add x11, x10, %[st]\n\t"                             \
  "add x12, x11, %[st]\n\t" EMBERT_TRANSPOSE(c0, c1, c2, c3) EMBERT_TRANSPOSE(c4, c5, c6, c7) \
  EMBERT_TILE_ROW(c0, c4, "%[out]", 0)                 \
  EMBERT_TILE_ROW(c1, c5, "x10", 1)                    \
  EMBERT_TILE_ROW(c2, c6, "x11", 2)                    \
  EMBERT_TILE_ROW(c3, c7, "x12", 3)                    \
  "add %[out], x12, %[st]\n\t"
// Expands the register list before the macro sees its arguments.
#define EMBERT_APPLY(m, ...) m(__VA_ARGS__)
#define EMBERT_Q0 "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"
#define EMBERT_Q1 "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15"
#define EMBERT_TILE_CLOBBERS                                                                                 \
  "memory", "cc", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "v0", "v1", "v2", "v3", "v4", "v5", \
      "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20",   \
      "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31"

// Two quads x the panel over K's first `steps` * 16 values, the sums stored
// to `sums` (quad q's channel j at sums[8q + j]): the other tiles' path
// (edges, K % 16 != 0), whose epilogue is in C.
inline __attribute__((always_inline)) void TwoQuadSums(const Panel& p, const int8_t* a0, const int8_t* a1,
                                                       size_t steps, int32x4_t* sums) {
  asm volatile(EMBERT_ZERO_Q0 EMBERT_ZERO_Q1
               "cbz %[n], 2f\n\t" EMBERT_PANEL_ROWS
               "1:\n\t" EMBERT_PANEL_STEP EMBERT_APPLY(EMBERT_SDOT_QUAD, EMBERT_Q0, "q0")
                   EMBERT_APPLY(EMBERT_SDOT_QUAD, EMBERT_Q1, "q1")
               "subs %[n], %[n], #1\n\t"
               "b.ne 1b\n\t"
               "2:\n\t"
               "stp q0, q1, [%[sums]]\n\t"
               "stp q2, q3, [%[sums], #32]\n\t"
               "stp q4, q5, [%[sums], #64]\n\t"
               "stp q6, q7, [%[sums], #96]\n\t"
               "stp q8, q9, [%[sums], #128]\n\t"
               "stp q10, q11, [%[sums], #160]\n\t"
               "stp q12, q13, [%[sums], #192]\n\t"
               "stp q14, q15, [%[sums], #224]\n\t"
               : [q0] "+r"(a0), [q1] "+r"(a1), [n] "+r"(steps)
               : [w] "r"(p.w), [zero] "r"(kZeros), [sums] "r"(sums)
               : EMBERT_TILE_CLOBBERS);
}

// The common tile whole: the same loop, then the epilogue of the straight
// path in Tile below, stored as 8 rows x 8 floats. For a full panel (nr =
// 8), both quads' rows stored, K a multiple of 16 and not 0. `out` is row
// quad0 * 4's first output of the panel, `stride` a row's bytes, `a_scales`
// the 8 rows' scales, p.b_scale_ptr / p.bias the 8 channels'.
inline __attribute__((always_inline)) void TwoQuadTile(const Panel& p, const int8_t* a0, const int8_t* a1,
                                                       size_t steps, float* out, size_t stride,
                                                       const float* a_scales) {
  asm volatile(EMBERT_ZERO_Q0 EMBERT_ZERO_Q1 EMBERT_PANEL_ROWS
               "1:\n\t" EMBERT_PANEL_STEP EMBERT_APPLY(EMBERT_SDOT_QUAD, EMBERT_Q0, "q0")
                   EMBERT_APPLY(EMBERT_SDOT_QUAD, EMBERT_Q1, "q1")
               "subs %[n], %[n], #1\n\t"
               "b.ne 1b\n\t"
               "ldp q24, q25, [%[bs]]\n\t" EMBERT_APPLY(EMBERT_TILE_QUAD, EMBERT_Q0) EMBERT_APPLY(EMBERT_TILE_QUAD, EMBERT_Q1)
               : [q0] "+r"(a0), [q1] "+r"(a1), [n] "+r"(steps), [out] "+r"(out), [as] "+r"(a_scales)
               : [w] "r"(p.w), [bs] "r"(p.b_scale_ptr), [bias] "r"(p.bias), [st] "r"(stride), [zero] "r"(kZeros)
               : EMBERT_TILE_CLOBBERS);
}

// TwoQuadTile for one quad (tiles of K > 2560, this file's header says why):
// 8 weight and 4 activation loads per 32 SDOTs, the same epilogue.
inline __attribute__((always_inline)) void OneQuadTile(const Panel& p, const int8_t* a0, size_t steps, float* out,
                                                       size_t stride, const float* a_scales) {
  asm volatile(EMBERT_ZERO_Q0 EMBERT_PANEL_ROWS
               "1:\n\t" EMBERT_PANEL_STEP EMBERT_APPLY(EMBERT_SDOT_QUAD, EMBERT_Q0, "q0")
               "subs %[n], %[n], #1\n\t"
               "b.ne 1b\n\t"
               "ldp q24, q25, [%[bs]]\n\t" EMBERT_APPLY(EMBERT_TILE_QUAD, EMBERT_Q0)
               : [q0] "+r"(a0), [n] "+r"(steps), [out] "+r"(out), [as] "+r"(a_scales)
               : [w] "r"(p.w), [bs] "r"(p.b_scale_ptr), [bias] "r"(p.bias), [st] "r"(stride), [zero] "r"(kZeros)
               : EMBERT_TILE_CLOBBERS);
}
#undef EMBERT_TILE_CLOBBERS
#undef EMBERT_Q1
#undef EMBERT_Q0
#undef EMBERT_APPLY
#undef EMBERT_TILE_QUAD
#undef EMBERT_TILE_ROW
#undef EMBERT_TRANSPOSE
#undef EMBERT_SDOT_LANE
#undef EMBERT_SDOT_QUAD
#undef EMBERT_PANEL_STEP
#undef EMBERT_PANEL_ROWS
#undef EMBERT_ZERO_Q1
#undef EMBERT_ZERO_Q0
// clang-format on

// The edges of a tile: rows outside [m0, m1) and channels past nr are not
// stored. Out of line, so that the sums of the common full tile stay in
// registers (inline, GCC kept them on the stack for both paths).
template <size_t kQuads>
__attribute__((noinline)) void StoreEdgeTile(const GemmArgs& g, const Panel& p, size_t quad0, size_t m0, size_t m1,
                                             const int32x4_t (&acc)[kQuads][kPanel]) {
  for (size_t q = 0; q < kQuads; ++q) {
    const size_t row0 = (quad0 + q) * 4;
    for (size_t half = 0; half < kPanel / 4; ++half) {
      const size_t n = p.n + half * 4;
      if (half * 4 >= p.nr) break;
      const size_t count = p.nr - half * 4 < 4 ? p.nr - half * 4 : 4;
      int32x4_t rows[4];
      Transpose(acc[q][4 * half], acc[q][4 * half + 1], acc[q][4 * half + 2], acc[q][4 * half + 3], rows);
      for (size_t i = 0; i < 4; ++i) {
        const size_t m = row0 + i;
        if (m >= m0 && m < m1) StoreRow(g, rows[i], m, n, count);
      }
    }
  }
}

// Quads [quad0, quad0 + kQuads) x the panel; stores rows [m0, m1) only.
template <size_t kQuads>
inline __attribute__((always_inline)) void Tile(const GemmArgs& g, const Panel& p, size_t quad0, size_t m0, size_t m1) {
  const size_t K = g.k, k16 = K / 16 * 16;
  const int8_t* a[kQuads];
  for (size_t q = 0; q < kQuads; ++q) a[q] = g.a + (quad0 + q) * 4 * g.a_stride;
  if (p.nr == kPanel && k16 == K && K != 0 && quad0 * 4 >= m0 && (quad0 + kQuads) * 4 <= m1) {
    float* const out = g.out + quad0 * 4 * g.out_stride + p.n;
    const size_t stride = g.out_stride * sizeof(float);
    if constexpr (kQuads == 2) {
      TwoQuadTile(p, a[0], a[1], K / 16, out, stride, g.a_scales + quad0 * 4);
    } else {
      OneQuadTile(p, a[0], K / 16, out, stride, g.a_scales + quad0 * 4);
    }
    return;
  }
  // Below: the other tiles (edges, K % 16 != 0). The sums are zeroed here,
  // after the common tiles have left (before, GCC zeroed them on the stack
  // for every tile: 17 cycles per 1-quad tile on the A76 model).
  int32x4_t acc[kQuads][kPanel];
#pragma GCC unroll 2
  for (size_t q = 0; q < kQuads; ++q) {
#pragma GCC unroll 8
    for (size_t j = 0; j < kPanel; ++j) acc[q][j] = vdupq_n_s32(0);
  }
  if constexpr (kQuads == 2) {
    TwoQuadSums(p, a[0], a[1], K / 16, &acc[0][0]);
  } else {
    for (size_t k = 0; k < k16; k += 16) {
      int8x16_t w[kPanel];
#pragma GCC unroll 8
      for (size_t j = 0; j < kPanel; ++j) w[j] = vld1q_s8(p.w[j] + k);
      const int8_t* ak[kQuads];
      for (size_t q = 0; q < kQuads; ++q) ak[q] = a[q] + k * 4;
      Step<kQuads>(ak, w, acc);
    }
  }
  if (k16 != K) {
    // The last K % 16 values: weight rows end at K (a vector load could
    // leave the model's buffer), so they are copied, zero padded; the
    // activations are zero padded to PaddedK already.
    int8x16_t w[kPanel];
    for (size_t j = 0; j < kPanel; ++j) {
      int8_t tail[16] = {};
      std::memcpy(tail, p.w[j] + k16, K - k16);
      w[j] = vld1q_s8(tail);
    }
    const int8_t* ak[kQuads];
    for (size_t q = 0; q < kQuads; ++q) ak[q] = a[q] + k16 * 4;
    Step<kQuads>(ak, w, acc);
  }
  if (p.nr == kPanel && quad0 * 4 >= m0 && (quad0 + kQuads) * 4 <= m1) {
    // Every row and channel of the tile is stored: one straight block,
    // y = fma((float)acc, a_scale * w_scale, bias) 4 channels at a time (the
    // reference's std::fma, lane by lane).
    // The output pointer and stride in locals: NEON stores may alias
    // anything, and GCC would reload them from g after every store.
    float* const out = g.out;
    const size_t stride = g.out_stride;
#pragma GCC unroll 2
    for (size_t q = 0; q < kQuads; ++q) {
      const size_t row0 = (quad0 + q) * 4;
      const float32x4_t a_scales = vld1q_f32(g.a_scales + row0);
#pragma GCC unroll 2
      for (size_t half = 0; half < 2; ++half) {
        int32x4_t rows[4];
        Transpose(acc[q][4 * half], acc[q][4 * half + 1], acc[q][4 * half + 2], acc[q][4 * half + 3], rows);
        float* o = out + row0 * stride + p.n + half * 4;
        const float32x4_t b = p.b_scales[half];
        const float* bias = p.bias + half * 4;
        vst1q_f32(o, vfmaq_f32(vld1q_f32(bias), vcvtq_f32_s32(rows[0]), vmulq_laneq_f32(b, a_scales, 0)));
        vst1q_f32(o + stride, vfmaq_f32(vld1q_f32(bias), vcvtq_f32_s32(rows[1]), vmulq_laneq_f32(b, a_scales, 1)));
        vst1q_f32(o + 2 * stride, vfmaq_f32(vld1q_f32(bias), vcvtq_f32_s32(rows[2]), vmulq_laneq_f32(b, a_scales, 2)));
        vst1q_f32(o + 3 * stride, vfmaq_f32(vld1q_f32(bias), vcvtq_f32_s32(rows[3]), vmulq_laneq_f32(b, a_scales, 3)));
      }
    }
    return;
  }
  StoreEdgeTile<kQuads>(g, p, quad0, m0, m1, acc);
}

}  // namespace

void GemmDot(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  if (m0 >= m1) return;
  const auto* weights = static_cast<const int8_t*>(g.b);
  // The quads holding rows [m0, m1); rows outside the range are computed
  // with their quad and not stored.
  const size_t quad_begin = m0 / 4, quad_end = (m1 + 3) / 4;
  const bool two_quads = g.k <= 2560;
  for (size_t n = n0; n < n1; n += kPanel) {
    Panel p;
    p.n = n;
    p.nr = n1 - n < kPanel ? n1 - n : kPanel;
    for (size_t j = 0; j < kPanel; ++j) p.w[j] = weights + (n + (j < p.nr ? j : p.nr - 1)) * g.k;
    for (size_t h = 0; h < 2; ++h) {
      const bool real = p.nr == kPanel;  // else the edge path reads the arrays itself
      p.b_scales[h] = real ? vld1q_f32(g.b_scales + n + 4 * h) : vdupq_n_f32(0.0f);
    }
    p.b_scale_ptr = g.b_scales + n;
    p.bias = p.nr == kPanel && g.bias ? g.bias + n : kNoBias;
    size_t quad = quad_begin;
    if (two_quads) {
      for (; quad + 2 <= quad_end; quad += 2) Tile<2>(g, p, quad, m0, m1);
    }
    for (; quad < quad_end; ++quad) Tile<1>(g, p, quad, m0, m1);
  }
}

}  // namespace embert::qgemm::neon

#endif  // __aarch64__
