// aarch64 NEON versions of Attention, GeluErf and AddLayerNorm
// (float_neon.h says why). Built without FMA contraction, unlike
// attention.cc and gelu.cc: every fused multiply-add is a vfmaq / vfmsq
// written where the generic kernel, compiled with -ffp-contract=fast, fuses
// (checked against its aarch64 assembly), and every other product is a plain
// multiply, so the compiler cannot fuse a step the generic code rounds twice.
#include "kernels/float_neon.h"

#if defined(EMBERT_FLOAT_NEON)

#include <arm_neon.h>

#include <cmath>
#include <cstring>

#include "kernels/fast_math.h"

namespace embert::kernels {
namespace {

#define EMBERT_NEON_INLINE inline __attribute__((always_inline))

// ---------------------------------------------------------------------------
// FastExp and FastGeluErf (fast_math.h) on four floats, operation for
// operation. The clamps are min / max where their argument cannot be NaN
// (or is replaced after a NaN: GELU), which equals the generic selects.

// Addends of fused multiply-adds as vectors in memory. AArch64's FMLA adds
// into its destination register, so `c + a * b` with c held in a register
// (where the compiler hoists a constant) costs a copy of c first: a MOV on
// the same two vector pipes as the arithmetic, one per polynomial step (20
// of GELU's 88 vector operations per 8 values on the A76 model). Loaded fresh
// from this table each time, on the load pipes that GELU's loop leaves idle,
// the addend's register is the FMLA's destination. (Not in softmax's exp:
// there the loop waits on its dependency chains, not on the vector pipes, and
// the loads made it slower: 84 -> 91 cycles per 16 values on the A76 model.)
// FreshTable's empty volatile asm hides the table's address from the
// optimizer, so the loads are neither hoisted out of the loop nor shared
// between calls.
struct alignas(16) Vec4 {
  float v[4];
};
constexpr Vec4 Splat(float x) { return Vec4{{x, x, x, x}}; }
constexpr Vec4 kZeros[4] = {};

// FastExp's addends: the rounding constant, then the polynomial's from the
// innermost step out.
// Four copies, one per vector of FastExp4x4: with one, the compiler would
// load each once and copy it for the four FMLAs.
#define EMBERT_EXP_ADDENDS                                                                                 \
  Splat(12582912.0f), Splat(1.0f / 720.0f), Splat(1.0f / 120.0f), Splat(1.0f / 24.0f), Splat(1.0f / 6.0f), \
      Splat(0.5f), Splat(1.0f), Splat(1.0f)
constexpr Vec4 kExpAddends[32] = {EMBERT_EXP_ADDENDS, EMBERT_EXP_ADDENDS, EMBERT_EXP_ADDENDS, EMBERT_EXP_ADDENDS};
#undef EMBERT_EXP_ADDENDS
// FastGeluErf's addends: P[4..0] in rows 0..4, Q[4..0] in rows 5..9.
// Four copies, one per vector of FastGeluErf4x4 (the first serves FastGeluErf4).
#define EMBERT_GELU_ADDENDS                                                                                \
  Splat(kGeluErfP[4]), Splat(kGeluErfP[3]), Splat(kGeluErfP[2]), Splat(kGeluErfP[1]), Splat(kGeluErfP[0]), \
      Splat(kGeluErfQ[4]), Splat(kGeluErfQ[3]), Splat(kGeluErfQ[2]), Splat(kGeluErfQ[1]), Splat(kGeluErfQ[0])
constexpr Vec4 kGeluAddends[40] = {EMBERT_GELU_ADDENDS, EMBERT_GELU_ADDENDS, EMBERT_GELU_ADDENDS, EMBERT_GELU_ADDENDS};
#undef EMBERT_GELU_ADDENDS

EMBERT_NEON_INLINE const float* FreshTable(const Vec4* table) {
  const float* p = table[0].v;
  asm volatile("" : "+r"(p));
  return p;
}

// FastExp on 4 x 4 floats, each step applied to the four vectors in turn:
// the steps of one vector form a chain of ~25 dependent operations, and
// written one vector after the other (as the compiler keeps them here, built
// without the pre-allocation scheduler) the core's window saw one chain at a
// time (84 cycles per 16 values on the A76 model; 62 interleaved).
#define EMBERT_EACH for (int i = 0; i < 4; ++i)
EMBERT_NEON_INLINE void FastExp4x4(float32x4_t (&v)[4], const float* c) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  const float32x4_t lo = vdupq_n_f32(-87.33654f);
  const float32x4_t round = vdupq_n_f32(12582912.0f);
  uint32x4_t number[4];
  float32x4_t x[4], t[4], n[4], r[4], p[4];
  EMBERT_EACH number[i] = vceqq_f32(v[i], v[i]);
  // The generic code's x is 0 for a NaN; here FMAXNM makes it -87.3. Either
  // way the lane's result is the NaN itself (the final select).
  EMBERT_EACH x[i] = vmaxnmq_f32(v[i], lo);
  EMBERT_EACH x[i] = vminq_f32(x[i], vdupq_n_f32(88.72283f));
  // x * log2(e) + 1.5*2^23 is one fused step in the generic code, the
  // subtraction another rounding.
  EMBERT_EACH t[i] = vfmaq_f32(vld1q_f32(c + 32 * i), x[i], vdupq_n_f32(1.44269504088896341f));
  EMBERT_EACH n[i] = vsubq_f32(t[i], round);
  EMBERT_EACH r[i] = vfmsq_f32(x[i], n[i], vdupq_n_f32(0.693145751953125f));
  EMBERT_EACH r[i] = vfmsq_f32(r[i], n[i], vdupq_n_f32(1.428606765330187e-06f));
  EMBERT_EACH p[i] = vdupq_n_f32(1.0f / 5040.0f);
  for (int k = 1; k < 8; ++k) {
    EMBERT_EACH p[i] = vfmaq_f32(vld1q_f32(c + 32 * i + 4 * k), p[i], r[i]);
  }
  const int32x4_t bias = vdupq_n_s32(127);
  EMBERT_EACH {
    // n as an integer: t is n + 1.5*2^23 exactly, in [2^23, 2^24) where
    // the float's ulp is 1, so its bits minus those of 1.5*2^23 are n (one
    // integer subtraction; FCVTZS takes two cycles of one pipe on the A76).
    const int32x4_t ni = vsubq_s32(vreinterpretq_s32_f32(t[i]), vdupq_n_s32(0x4B400000));
    // ni / 2 rounded toward zero, as C's division: add the sign bit first.
    const int32x4_t sign = vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(ni), 31));
    const int32x4_t half = vshrq_n_s32(vaddq_s32(ni, sign), 1);
    const float32x4_t s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(half, bias), 23));
    const float32x4_t s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vsubq_s32(ni, half), bias), 23));
    const float32x4_t y = vmulq_f32(vmulq_f32(p[i], s1), s2);
    v[i] = vbslq_f32(number[i], vbslq_f32(vcleq_f32(x[i], lo), zero, y), v[i]);
  }
}
#undef EMBERT_EACH

EMBERT_NEON_INLINE float32x4_t FastGeluErf4(float32x4_t x, const float* c) {
  const float32x4_t clamp = vdupq_n_f32(kGeluErfClamp);
  const float32x4_t neg_clamp = vdupq_n_f32(-kGeluErfClamp);
  float32x4_t z = vmulq_f32(x, vdupq_n_f32(0.70710678118654752f));
  // FMIN / FMAX return a NaN operand (quieted), so a NaN x stays NaN here,
  // which the generic code gets by putting x back after its comparisons; on
  // the result (a product with 0.5 * x) both give x's NaN, quieted.
  z = vminq_f32(z, clamp);
  z = vmaxq_f32(z, neg_clamp);
  const float32x4_t u = vmulq_f32(vmulq_f32(z, z), vdupq_n_f32(kGeluErfInvClamp2));
  float32x4_t p = vdupq_n_f32(kGeluErfP[5]), q = vdupq_n_f32(kGeluErfQ[5]);
  for (int i = 4; i >= 0; --i) {
    p = vfmaq_f32(vld1q_f32(c + 4 * (4 - i)), p, u);
    q = vfmaq_f32(vld1q_f32(c + 4 * (9 - i)), q, u);
  }
  float32x4_t erf = vdivq_f32(vmulq_f32(z, p), q);
  const float32x4_t one = vdupq_n_f32(1.0f);
  erf = vbslq_f32(vcgeq_f32(z, clamp), one, vbslq_f32(vcleq_f32(z, neg_clamp), vdupq_n_f32(-1.0f), erf));
  return vmulq_f32(vmulq_f32(vdupq_n_f32(0.5f), x), vaddq_f32(one, erf));
}

// FastGeluErf4 on 4 x 4 floats, each step applied to the four vectors in
// turn (FastExp4x4 says why): one table row set per vector, so that each
// addend load is its own register.
#define EMBERT_EACH for (int i = 0; i < 4; ++i)
EMBERT_NEON_INLINE void FastGeluErf4x4(float32x4_t (&v)[4], const float* c) {
  const float32x4_t clamp = vdupq_n_f32(kGeluErfClamp);
  const float32x4_t neg_clamp = vdupq_n_f32(-kGeluErfClamp);
  float32x4_t z[4], u[4], p[4], q[4];
  EMBERT_EACH z[i] = vmulq_f32(v[i], vdupq_n_f32(0.70710678118654752f));
  EMBERT_EACH z[i] = vminq_f32(z[i], clamp);
  EMBERT_EACH z[i] = vmaxq_f32(z[i], neg_clamp);
  EMBERT_EACH u[i] = vmulq_f32(vmulq_f32(z[i], z[i]), vdupq_n_f32(kGeluErfInvClamp2));
  EMBERT_EACH p[i] = vdupq_n_f32(kGeluErfP[5]);
  EMBERT_EACH q[i] = vdupq_n_f32(kGeluErfQ[5]);
  for (int k = 4; k >= 0; --k) {
    EMBERT_EACH p[i] = vfmaq_f32(vld1q_f32(c + 40 * i + 4 * (4 - k)), p[i], u[i]);
    EMBERT_EACH q[i] = vfmaq_f32(vld1q_f32(c + 40 * i + 4 * (9 - k)), q[i], u[i]);
  }
  const float32x4_t one = vdupq_n_f32(1.0f);
  EMBERT_EACH {
    float32x4_t erf = vdivq_f32(vmulq_f32(z[i], p[i]), q[i]);
    erf = vbslq_f32(vcgeq_f32(z[i], clamp), one, vbslq_f32(vcleq_f32(z[i], neg_clamp), vdupq_n_f32(-1.0f), erf));
    v[i] = vmulq_f32(vmulq_f32(vdupq_n_f32(0.5f), v[i]), vaddq_f32(one, erf));
  }
}
#undef EMBERT_EACH

// ---------------------------------------------------------------------------
// Attention: the generic kernel's loops (attention.cc) with register tiles
// for 32 q registers. A block is 4 query rows x 16 keys (scores) or 4 rows x
// 16 dimensions (context): 16 accumulators, the 4 vectors of the streamed
// operand and 4 vectors holding four consecutive values of the broadcast
// operand per row, used lane by lane (vfmaq_laneq): 24 registers, no spills.
// Each sum still runs over head_dim (scores) or keys (context) in order, one
// fused multiply-add per step from 0, as in the generic kernel.

constexpr size_t kKeys = 16;  // = kAttentionLanes: the scratch's key padding

// The 4 x 16 block both products spend their time in, as one asm loop:
//   acc[r][b] = sum of a[r * a_stride + s] * b[s * b_stride + 4b .. 4b + 3]
// for s in [0, 4 * steps) in order from 0, one FMLA by element per step and
// vector, as the intrinsic loops below. Written in asm because GCC 12
// allocates the 16 sums, 4 broadcast and 4 streamed vectors (24 of 32
// registers) with six to eight register copies per 64 FMLAs — copies on the
// same two vector pipes: 35 instead of 32 cycles per iteration on the A76
// model. The sums are outputs only (an asm takes at most 30 operands and an
// in-out counts twice), set to zero inside; the temporaries are v24-v31
// (caller-saved), so the sums stay in v0-v23.
// (asm text: one instruction per line, kept as written)
// clang-format off
#define EMBERT_FMLA_ROW(r, av, lane)                      \
  "fmla %[a" #r "0].4s, v28.4s, " av ".s[" #lane "]\n\t" \
  "fmla %[a" #r "1].4s, v29.4s, " av ".s[" #lane "]\n\t" \
  "fmla %[a" #r "2].4s, v30.4s, " av ".s[" #lane "]\n\t" \
  "fmla %[a" #r "3].4s, v31.4s, " av ".s[" #lane "]\n\t"
#define EMBERT_FMLA_LANE(lane)                                                              \
  "ldp q28, q29, [%[b]]\n\t"                                                                \
  "ldp q30, q31, [%[b], #32]\n\t"                                                           \
  "add %[b], %[b], %[bs]\n\t" EMBERT_FMLA_ROW(0, "v24", lane) EMBERT_FMLA_ROW(1, "v25", lane) \
      EMBERT_FMLA_ROW(2, "v26", lane) EMBERT_FMLA_ROW(3, "v27", lane)
// The sums start from zeros loaded from memory: loads use the load pipes,
// MOVIs the vector pipes that the FMLAs need.
#define EMBERT_ZERO_ROW(r) \
  "ldp %q[a" #r "0], %q[a" #r "1], [%[zero]]\n\tldp %q[a" #r "2], %q[a" #r "3], [%[zero], #32]\n\t"

EMBERT_NEON_INLINE void Fma4x16(float32x4_t (&acc)[4][4], const float* a, size_t a_stride, const float* b,
                                size_t b_stride, size_t steps) {
  const size_t as = a_stride * sizeof(float), bs = b_stride * sizeof(float);
  asm volatile(EMBERT_ZERO_ROW(0) EMBERT_ZERO_ROW(1) EMBERT_ZERO_ROW(2) EMBERT_ZERO_ROW(3)
               "cbz %[n], 2f\n\t"
               "1:\n\t"
               "ldr q24, [%[a]]\n\t"
               "ldr q25, [%[a], %[as1]]\n\t"
               "ldr q26, [%[a], %[as2]]\n\t"
               "ldr q27, [%[a], %[as3]]\n\t"
               "add %[a], %[a], #16\n\t" EMBERT_FMLA_LANE(0) EMBERT_FMLA_LANE(1) EMBERT_FMLA_LANE(2)
                   EMBERT_FMLA_LANE(3)
               "subs %[n], %[n], #1\n\t"
               "b.ne 1b\n\t"
               "2:\n\t"
               : [a00] "=&w"(acc[0][0]), [a01] "=&w"(acc[0][1]), [a02] "=&w"(acc[0][2]), [a03] "=&w"(acc[0][3]),
                 [a10] "=&w"(acc[1][0]), [a11] "=&w"(acc[1][1]), [a12] "=&w"(acc[1][2]), [a13] "=&w"(acc[1][3]),
                 [a20] "=&w"(acc[2][0]), [a21] "=&w"(acc[2][1]), [a22] "=&w"(acc[2][2]), [a23] "=&w"(acc[2][3]),
                 [a30] "=&w"(acc[3][0]), [a31] "=&w"(acc[3][1]), [a32] "=&w"(acc[3][2]), [a33] "=&w"(acc[3][3]),
                 [a] "+r"(a), [b] "+r"(b), [n] "+r"(steps)
               : [as1] "r"(as), [as2] "r"(2 * as), [as3] "r"(3 * as), [bs] "r"(bs), [zero] "r"(kZeros[0].v)
               : "memory", "cc", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}
#undef EMBERT_ZERO_ROW
#undef EMBERT_FMLA_LANE
#undef EMBERT_FMLA_ROW
// clang-format on

template <size_t kRows, int kLane>
EMBERT_NEON_INLINE void ScoreStep(const float* k, const float32x4_t (&q)[kRows], float32x4_t (&acc)[kRows][4]) {
  const float32x4_t k0 = vld1q_f32(k), k1 = vld1q_f32(k + 4), k2 = vld1q_f32(k + 8), k3 = vld1q_f32(k + 12);
#pragma GCC unroll 4
  for (size_t r = 0; r < kRows; ++r) {
    acc[r][0] = vfmaq_laneq_f32(acc[r][0], k0, q[r], kLane);
    acc[r][1] = vfmaq_laneq_f32(acc[r][1], k1, q[r], kLane);
    acc[r][2] = vfmaq_laneq_f32(acc[r][2], k2, q[r], kLane);
    acc[r][3] = vfmaq_laneq_f32(acc[r][3], k3, q[r], kLane);
  }
}

// s[r][j] = sum_d qs[r][d] * kt[d][j], j in [0, padded).
template <size_t kRows>
EMBERT_NEON_INLINE void Scores(const float* qs, const float* kt, size_t padded, size_t head_dim, float* s) {
  for (size_t j0 = 0; j0 < padded; j0 += kKeys) {
    float32x4_t acc[kRows][4];
#pragma GCC unroll 4
    for (size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 4
      for (size_t b = 0; b < 4; ++b) acc[r][b] = vdupq_n_f32(0.0f);
    }
    const float* k = kt + j0;
    size_t d = 0;
    if constexpr (kRows == 4) {
      d = head_dim / 4 * 4;
      Fma4x16(acc, qs, head_dim, k, padded, head_dim / 4);
      k += d * padded;
    }
    for (; d + 4 <= head_dim; d += 4, k += 4 * padded) {
      float32x4_t q[kRows];
#pragma GCC unroll 4
      for (size_t r = 0; r < kRows; ++r) q[r] = vld1q_f32(qs + r * head_dim + d);
      ScoreStep<kRows, 0>(k, q, acc);
      ScoreStep<kRows, 1>(k + padded, q, acc);
      ScoreStep<kRows, 2>(k + 2 * padded, q, acc);
      ScoreStep<kRows, 3>(k + 3 * padded, q, acc);
    }
    for (; d < head_dim; ++d, k += padded) {
      float32x4_t q[kRows];
#pragma GCC unroll 4
      for (size_t r = 0; r < kRows; ++r) q[r] = vdupq_n_f32(qs[r * head_dim + d]);
      ScoreStep<kRows, 0>(k, q, acc);
    }
#pragma GCC unroll 4
    for (size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 4
      for (size_t b = 0; b < 4; ++b) vst1q_f32(s + r * padded + j0 + 4 * b, acc[r][b]);
    }
  }
}

// The generic Combine: b > a ? b : a for the maximum (a compare and a
// select, not fmax, so that a NaN score is treated the same way), a + b for
// the sum.
template <bool kMax>
EMBERT_NEON_INLINE float32x4_t Combine(float32x4_t a, float32x4_t b) {
  if constexpr (kMax) {
    return vbslq_f32(vcgtq_f32(b, a), b, a);
  } else {
    return vaddq_f32(a, b);
  }
}

// ReduceLanes of attention.cc on the 16 lanes held as v[0..3] (lanes 4b ..
// 4b+3 in v[b]): lane l + 8 into l, then l + 4, l + 2, l + 1.
template <bool kMax>
EMBERT_NEON_INLINE float ReduceLanes(const float32x4_t (&v)[4]) {
  float32x4_t lo = Combine<kMax>(v[0], v[2]);                         // lanes 0-3 (+ 8-11)
  const float32x4_t hi = Combine<kMax>(v[1], v[3]);                   // lanes 4-7 (+ 12-15)
  lo = Combine<kMax>(lo, hi);                                         // + 4
  lo = Combine<kMax>(lo, vextq_f32(lo, lo, 2));                       // + 2
  return vgetq_lane_f32(Combine<kMax>(lo, vextq_f32(lo, lo, 1)), 0);  // + 1
}

// The generic Softmax: in place, scores to exp(s - max) over the unmasked
// keys, the maximum and the sum as 16 lane-wise partials; returns 1 / sum,
// or 0 when every key is masked.
EMBERT_NEON_INLINE float Softmax(float* s, size_t seq, size_t padded, const int32_t* mask) {
  if (mask != nullptr) {
    for (size_t j = 0; j < seq; ++j) s[j] = mask[j] == 0 ? -INFINITY : s[j];
  }
  for (size_t j = seq; j < padded; ++j) s[j] = -INFINITY;
  float32x4_t lane_max[4] = {vld1q_f32(s), vld1q_f32(s + 4), vld1q_f32(s + 8), vld1q_f32(s + 12)};
  for (size_t j0 = kKeys; j0 < padded; j0 += kKeys) {
    for (size_t b = 0; b < 4; ++b) {
      const float32x4_t x = vld1q_f32(s + j0 + 4 * b);
      lane_max[b] = vbslq_f32(vcgtq_f32(x, lane_max[b]), x, lane_max[b]);
    }
  }
  const float max = ReduceLanes<true>(lane_max);
  if (max == -INFINITY) return 0.0f;
  const float32x4_t max4 = vdupq_n_f32(max);
  float32x4_t lane_sum[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
  for (size_t j0 = 0; j0 < padded; j0 += kKeys) {
    float32x4_t e[4];
    for (size_t b = 0; b < 4; ++b) e[b] = vsubq_f32(vld1q_f32(s + j0 + 4 * b), max4);
    FastExp4x4(e, FreshTable(kExpAddends));
    for (size_t b = 0; b < 4; ++b) {
      vst1q_f32(s + j0 + 4 * b, e[b]);
      lane_sum[b] = vaddq_f32(lane_sum[b], e[b]);
    }
  }
  return 1.0f / ReduceLanes<false>(lane_sum);
}

template <size_t kRows, size_t kBlocks, int kLane>
EMBERT_NEON_INLINE void ContextStep(const float* v, const float32x4_t (&p)[kRows], float32x4_t (&acc)[kRows][kBlocks]) {
  float32x4_t vj[kBlocks];
#pragma GCC unroll 4
  for (size_t b = 0; b < kBlocks; ++b) vj[b] = vld1q_f32(v + 4 * b);
#pragma GCC unroll 4
  for (size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 4
    for (size_t b = 0; b < kBlocks; ++b) acc[r][b] = vfmaq_laneq_f32(acc[r][b], vj[b], p[r], kLane);
  }
}

// o_r[d] = inv[r] * sum_j p[r][j] * v[j][d] for the 4 * kBlocks dimensions
// from d0, keys j in [0, seq) in order.
template <size_t kRows, size_t kBlocks>
EMBERT_NEON_INLINE void ContextBlock(const float* p, size_t padded, const float* v, size_t v_stride, size_t seq,
                                     size_t d0, const float* inv, float* const* o) {
  float32x4_t acc[kRows][kBlocks];
#pragma GCC unroll 4
  for (size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 4
    for (size_t b = 0; b < kBlocks; ++b) acc[r][b] = vdupq_n_f32(0.0f);
  }
  const float* vj = v + d0;
  size_t j = 0;
  if constexpr (kRows == 4 && kBlocks == 4) {
    j = seq / 4 * 4;
    Fma4x16(acc, p, padded, vj, v_stride, seq / 4);
    vj += j * v_stride;
  }
  for (; j + 4 <= seq; j += 4, vj += 4 * v_stride) {
    float32x4_t p4[kRows];
#pragma GCC unroll 4
    for (size_t r = 0; r < kRows; ++r) p4[r] = vld1q_f32(p + r * padded + j);
    ContextStep<kRows, kBlocks, 0>(vj, p4, acc);
    ContextStep<kRows, kBlocks, 1>(vj + v_stride, p4, acc);
    ContextStep<kRows, kBlocks, 2>(vj + 2 * v_stride, p4, acc);
    ContextStep<kRows, kBlocks, 3>(vj + 3 * v_stride, p4, acc);
  }
  for (; j < seq; ++j, vj += v_stride) {
    float32x4_t p1[kRows];
#pragma GCC unroll 4
    for (size_t r = 0; r < kRows; ++r) p1[r] = vdupq_n_f32(p[r * padded + j]);
    ContextStep<kRows, kBlocks, 0>(vj, p1, acc);
  }
// A plain multiply by 1 / sum, as in the generic kernel.
#pragma GCC unroll 4
  for (size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 4
    for (size_t b = 0; b < kBlocks; ++b) vst1q_f32(o[r] + d0 + 4 * b, vmulq_f32(acc[r][b], vdupq_n_f32(inv[r])));
  }
}

template <size_t kRows>
EMBERT_NEON_INLINE void Context(const float* p, size_t padded, const float* v, size_t v_stride, size_t seq,
                                size_t head_dim, const float* inv, float* const* o) {
  size_t d0 = 0;
  for (; d0 + 16 <= head_dim; d0 += 16) ContextBlock<kRows, 4>(p, padded, v, v_stride, seq, d0, inv, o);
  for (; d0 + 4 <= head_dim; d0 += 4) ContextBlock<kRows, 1>(p, padded, v, v_stride, seq, d0, inv, o);
  for (; d0 < head_dim; ++d0) {
    for (size_t r = 0; r < kRows; ++r) {
      float acc = 0.0f;
      for (size_t j = 0; j < seq; ++j) acc = std::fma(p[r * padded + j], v[j * v_stride + d0], acc);
      o[r][d0] = acc * inv[r];
    }
  }
}

template <size_t kRows>
EMBERT_NEON_INLINE void RowBlock(const AttentionArgs& a, size_t off, size_t i0, const float* kt, const float* vh,
                                 size_t padded, float scale, float* qs, float* s) {
  float* o[kRows];
  for (size_t r = 0; r < kRows; ++r) {
    const float* q = a.q + (i0 + r) * a.qkv_stride + off;
    for (size_t d = 0; d < a.head_dim; ++d) qs[r * a.head_dim + d] = q[d] * scale;
    o[r] = a.out + (i0 + r) * a.out_stride + off;
  }
  Scores<kRows>(qs, kt, padded, a.head_dim, s);
  float inv[kRows];
  bool any = false;
  for (size_t r = 0; r < kRows; ++r) {
    inv[r] = Softmax(s + r * padded, a.seq, padded, a.mask);
    if (inv[r] != 0.0f) {
      any = true;
    } else {
      for (size_t j = 0; j < padded; ++j) s[r * padded + j] = 0.0f;  // a zero context
    }
  }
  if (!any) {
    for (size_t r = 0; r < kRows; ++r) {
      for (size_t d = 0; d < a.head_dim; ++d) o[r][d] = 0.0f;
    }
    return;
  }
  Context<kRows>(s, padded, vh, a.head_dim, a.seq, a.head_dim, inv, o);
}

}  // namespace

// The generic AttentionHeads with the blocks above; the same scratch layout
// (attention.h: kAttentionRows = 4 here).
void AttentionNeon(const AttentionArgs& a, size_t h0, size_t h1) {
  static_assert(kAttentionLanes == kKeys && kAttentionRows == 4, "scratch holds 4 rows of 16-key blocks");
  const float scale = 1.0f / std::sqrt(static_cast<float>(a.head_dim));
  const size_t padded = (a.seq + kKeys - 1) / kKeys * kKeys;
  float* kt = a.scores;                          // [head_dim][padded]
  float* s = a.scores + a.head_dim * padded;     // [4][padded]
  float* qs = s + kAttentionRows * padded;       // [4][head_dim]
  float* vh = qs + kAttentionRows * a.head_dim;  // [seq][head_dim]
  for (size_t h = h0; h < h1; ++h) {
    const size_t off = h * a.head_dim;
    // K^T a block of 16 keys at a time (attention.cc says why).
    for (size_t j0 = 0; j0 < padded; j0 += kKeys) {
      const size_t keys = a.seq - j0 < kKeys ? a.seq - j0 : kKeys;
      for (size_t d = 0; d < a.head_dim; ++d) {
        float* row = kt + d * padded + j0;
        const float* key = a.k + j0 * a.qkv_stride + off + d;
        for (size_t j = 0; j < keys; ++j) row[j] = key[j * a.qkv_stride];
        for (size_t j = keys; j < kKeys; ++j) row[j] = 0.0f;
      }
    }
    for (size_t j = 0; j < a.seq; ++j) {
      std::memcpy(vh + j * a.head_dim, a.v + j * a.qkv_stride + off, a.head_dim * sizeof(float));
    }
    size_t i = 0;
    for (; i + 4 <= a.seq; i += 4) RowBlock<4>(a, off, i, kt, vh, padded, scale, qs, s);
    for (; i < a.seq; ++i) RowBlock<1>(a, off, i, kt, vh, padded, scale, qs, s);
  }
}

// Four vectors per step (then two, then one): the division's latency is
// shared by independent chains (A72 model: 100 -> 92 cycles per 8 values;
// the A76 is at its vector pipes' limit either way, ~37 with the divisions). The tail goes through a padded vector,
// lane-wise the same arithmetic as the scalar FastGeluErf of the generic tail.
void GeluErfNeon(float* x, size_t x_stride, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * x_stride;
    size_t c = 0;
    for (; c + 16 <= cols; c += 16) {
      float32x4_t v[4] = {vld1q_f32(row + c), vld1q_f32(row + c + 4), vld1q_f32(row + c + 8), vld1q_f32(row + c + 12)};
      FastGeluErf4x4(v, FreshTable(kGeluAddends));
      for (int i = 0; i < 4; ++i) vst1q_f32(row + c + 4 * i, v[i]);
    }
    for (; c + 8 <= cols; c += 8) {
      const float32x4_t a = FastGeluErf4(vld1q_f32(row + c), FreshTable(kGeluAddends));
      const float32x4_t b = FastGeluErf4(vld1q_f32(row + c + 4), FreshTable(kGeluAddends));
      vst1q_f32(row + c, a);
      vst1q_f32(row + c + 4, b);
    }
    for (; c + 4 <= cols; c += 4) vst1q_f32(row + c, FastGeluErf4(vld1q_f32(row + c), FreshTable(kGeluAddends)));
    if (c < cols) {
      float tail[4] = {};
      std::memcpy(tail, row + c, (cols - c) * sizeof(float));
      vst1q_f32(tail, FastGeluErf4(vld1q_f32(tail), FreshTable(kGeluAddends)));
      std::memcpy(row + c, tail, (cols - c) * sizeof(float));
    }
  }
}

// The generic AddLayerNorm: the residual added in float, then mean and
// variance summed in double over eight fixed lanes (here four float64x2
// registers: lanes 0-1, 2-3, 4-5, 6-7), the lanes added in order 0..7, then
// the tail; the residual add shares the mean's pass over the row.
void AddLayerNormNeon(float* x, size_t x_stride, const float* residual, size_t residual_stride, size_t rows,
                      size_t cols, const float* gamma, const float* beta, float eps) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * x_stride;
    const float* res = residual != nullptr ? residual + r * residual_stride : nullptr;
    float64x2_t acc[4] = {vdupq_n_f64(0.0), vdupq_n_f64(0.0), vdupq_n_f64(0.0), vdupq_n_f64(0.0)};
    size_t c = 0;
    for (; c + 8 <= cols; c += 8) {
      float32x4_t a = vld1q_f32(row + c), b = vld1q_f32(row + c + 4);
      if (res != nullptr) {
        a = vaddq_f32(a, vld1q_f32(res + c));
        b = vaddq_f32(b, vld1q_f32(res + c + 4));
        vst1q_f32(row + c, a);
        vst1q_f32(row + c + 4, b);
      }
      acc[0] = vaddq_f64(acc[0], vcvt_f64_f32(vget_low_f32(a)));
      acc[1] = vaddq_f64(acc[1], vcvt_high_f64_f32(a));
      acc[2] = vaddq_f64(acc[2], vcvt_f64_f32(vget_low_f32(b)));
      acc[3] = vaddq_f64(acc[3], vcvt_high_f64_f32(b));
    }
    double sum = 0.0;
    for (size_t l = 0; l < 4; ++l) {
      sum += vgetq_lane_f64(acc[l], 0);
      sum += vgetq_lane_f64(acc[l], 1);
    }
    for (; c < cols; ++c) {
      if (res != nullptr) row[c] += res[c];
      sum += static_cast<double>(row[c]);
    }
    const double mean = sum / static_cast<double>(cols);

    const float64x2_t mean2 = vdupq_n_f64(mean);
    for (size_t l = 0; l < 4; ++l) acc[l] = vdupq_n_f64(0.0);
    c = 0;
    for (; c + 8 <= cols; c += 8) {
      const float32x4_t a = vld1q_f32(row + c), b = vld1q_f32(row + c + 4);
      const float64x2_t d0 = vsubq_f64(vcvt_f64_f32(vget_low_f32(a)), mean2);
      const float64x2_t d1 = vsubq_f64(vcvt_high_f64_f32(a), mean2);
      const float64x2_t d2 = vsubq_f64(vcvt_f64_f32(vget_low_f32(b)), mean2);
      const float64x2_t d3 = vsubq_f64(vcvt_high_f64_f32(b), mean2);
      acc[0] = vaddq_f64(acc[0], vmulq_f64(d0, d0));
      acc[1] = vaddq_f64(acc[1], vmulq_f64(d1, d1));
      acc[2] = vaddq_f64(acc[2], vmulq_f64(d2, d2));
      acc[3] = vaddq_f64(acc[3], vmulq_f64(d3, d3));
    }
    sum = 0.0;
    for (size_t l = 0; l < 4; ++l) {
      sum += vgetq_lane_f64(acc[l], 0);
      sum += vgetq_lane_f64(acc[l], 1);
    }
    for (; c < cols; ++c) {
      const double d = static_cast<double>(row[c]) - mean;
      sum += d * d;
    }
    const double var = sum / static_cast<double>(cols);

    const float inv = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(eps)));
    const float m = static_cast<float>(mean);
    const float32x4_t inv4 = vdupq_n_f32(inv), m4 = vdupq_n_f32(m);
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const float32x4_t y = vmulq_f32(vmulq_f32(vsubq_f32(vld1q_f32(row + c), m4), inv4), vld1q_f32(gamma + c));
      vst1q_f32(row + c, vaddq_f32(y, vld1q_f32(beta + c)));
    }
    for (; c < cols; ++c) row[c] = (row[c] - m) * inv * gamma[c] + beta[c];
  }
}

}  // namespace embert::kernels

#endif  // EMBERT_FLOAT_NEON
