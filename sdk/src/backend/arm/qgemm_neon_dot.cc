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
  float32x4_t b_scales[2], bias[2];  // of the 8 channels, where all are real (nr = 8)
};

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
    const int8x16_t a0 = vld1q_s8(a[q]), a1 = vld1q_s8(a[q] + 16), a2 = vld1q_s8(a[q] + 32),
                    a3 = vld1q_s8(a[q] + 48);
#pragma GCC unroll 8
    for (size_t j = 0; j < kPanel; ++j) {
      acc[q][j] = vdotq_laneq_s32(acc[q][j], a0, w[j], 0);
      acc[q][j] = vdotq_laneq_s32(acc[q][j], a1, w[j], 1);
      acc[q][j] = vdotq_laneq_s32(acc[q][j], a2, w[j], 2);
      acc[q][j] = vdotq_laneq_s32(acc[q][j], a3, w[j], 3);
    }
  }
}

// Quads [quad0, quad0 + kQuads) x the panel; stores rows [m0, m1) only.
template <size_t kQuads>
inline __attribute__((always_inline)) void Tile(const GemmArgs& g, const Panel& p, size_t quad0, size_t m0,
                                                size_t m1) {
  const size_t K = g.k, k16 = K / 16 * 16;
  const int8_t* a[kQuads];
  for (size_t q = 0; q < kQuads; ++q) a[q] = g.a + (quad0 + q) * 4 * g.a_stride;
  int32x4_t acc[kQuads][kPanel];
#pragma GCC unroll 2
  for (size_t q = 0; q < kQuads; ++q) {
#pragma GCC unroll 8
    for (size_t j = 0; j < kPanel; ++j) acc[q][j] = vdupq_n_s32(0);
  }
  for (size_t k = 0; k < k16; k += 16) {
    int8x16_t w[kPanel];
#pragma GCC unroll 8
    for (size_t j = 0; j < kPanel; ++j) w[j] = vld1q_s8(p.w[j] + k);
    const int8_t* ak[kQuads];
    for (size_t q = 0; q < kQuads; ++q) ak[q] = a[q] + k * 4;
    Step<kQuads>(ak, w, acc);
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
        const float32x4_t b = p.b_scales[half], bias = p.bias[half];
        vst1q_f32(o, vfmaq_f32(bias, vcvtq_f32_s32(rows[0]), vmulq_laneq_f32(b, a_scales, 0)));
        vst1q_f32(o + stride, vfmaq_f32(bias, vcvtq_f32_s32(rows[1]), vmulq_laneq_f32(b, a_scales, 1)));
        vst1q_f32(o + 2 * stride, vfmaq_f32(bias, vcvtq_f32_s32(rows[2]), vmulq_laneq_f32(b, a_scales, 2)));
        vst1q_f32(o + 3 * stride, vfmaq_f32(bias, vcvtq_f32_s32(rows[3]), vmulq_laneq_f32(b, a_scales, 3)));
      }
    }
    return;
  }
  // The edges: rows outside [m0, m1) and channels past nr are not stored.
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
      p.bias[h] = real && g.bias ? vld1q_f32(g.bias + n + 4 * h) : vdupq_n_f32(0.0f);
    }
    size_t quad = quad_begin;
    if (two_quads) {
      for (; quad + 2 <= quad_end; quad += 2) Tile<2>(g, p, quad, m0, m1);
    }
    for (; quad < quad_end; ++quad) Tile<1>(g, p, quad, m0, m1);
  }
}

}  // namespace embert::qgemm::neon

#endif  // __aarch64__
