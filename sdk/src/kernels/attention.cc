#include "kernels/attention.h"

#include <cmath>

#include "core/lanes.h"
#include "kernels/fast_math.h"
#include "kernels/float_neon.h"
#include "kernels/fused_dispatch.h"

namespace embert::kernels {
namespace {

static_assert(kAttentionLanes == kLanes, "score blocks are one Lanes wide");

// Every output element is summed in the same order as the plain triple loop
// (over head_dim for scores, over keys for the context), so blocking changes
// speed, not results. The blocks keep kRows x kLanes sums in vector
// registers (core/lanes.h). This file is compiled with FMA contraction:
// where the CPU has FMA each step is one fused multiply-add (see Attention
// at the end).

// s[r][j] = sum_d qs[r][d] * kt[d][j] for j in [0, padded), qs the scaled
// queries [kRows][head_dim]. kKeyBlocks blocks of kLanes keys at a time share
// each broadcast query value (wide register files only: see Attention).
template <size_t kRows, size_t kKeyBlocks>
EMBERT_LANES_INLINE size_t ScoreBlocks(const float* qs, const float* kt, size_t j0, size_t padded, size_t head_dim,
                                       float* s) {
  for (; j0 + kKeyBlocks * kLanes <= padded; j0 += kKeyBlocks * kLanes) {
    Lanes acc[kRows][kKeyBlocks] = {};
    for (size_t d = 0; d < head_dim; ++d) {
      Lanes k[kKeyBlocks];
      for (size_t b = 0; b < kKeyBlocks; ++b) k[b] = LoadLanes(kt + d * padded + j0 + b * kLanes);
      for (size_t r = 0; r < kRows; ++r) {
        const float q = qs[r * head_dim + d];
        for (size_t b = 0; b < kKeyBlocks; ++b) acc[r][b] += q * k[b];
      }
    }
    for (size_t r = 0; r < kRows; ++r) {
      for (size_t b = 0; b < kKeyBlocks; ++b) StoreLanes(s + r * padded + j0 + b * kLanes, acc[r][b]);
    }
  }
  return j0;
}

template <size_t kRows>
EMBERT_LANES_INLINE void Scores(const float* qs, const float* kt, size_t padded, size_t head_dim, bool wide, float* s) {
  size_t j0 = wide ? ScoreBlocks<kRows, 2>(qs, kt, 0, padded, head_dim, s) : 0;
  ScoreBlocks<kRows, 1>(qs, kt, j0, padded, head_dim, s);
}

// The sum (or maximum) of the 16 lanes by halves: lane l + 8 into lane l,
// then l + 4, l + 2, l + 1. The same order on every vector width (Lanes is
// always 16 floats), and a chain of 4 dependent operations instead of 16
// (one row of softmax ends in two of these).
template <bool kMax>
EMBERT_LANES_INLINE Lanes Combine(Lanes a, Lanes b) {
  if constexpr (kMax) {
    return b > a ? b : a;
  } else {
    return a + b;
  }
}

template <bool kMax>
EMBERT_LANES_INLINE float ReduceLanes(Lanes v) {
  v = Combine<kMax>(v, __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  v = Combine<kMax>(v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
  v = Combine<kMax>(v, __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  v = Combine<kMax>(v, __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
  return v[0];
}

// In place: scores to unnormalised probabilities exp(s - max) over the
// unmasked keys of [0, seq); returns 1 / their sum, the factor the context
// rows are scaled by, or 0 when every key is masked (a zero context).
EMBERT_LANES_INLINE float Softmax(float* s, size_t seq, size_t padded, const int32_t* mask) {
  // Masked keys and the padding get -inf: exactly 0 after the exponential
  // (Hugging Face adds float32's lowest value, which also underflows to 0).
  if (mask != nullptr) {
    for (size_t j = 0; j < seq; ++j) s[j] = mask[j] == 0 ? -INFINITY : s[j];
  }
  for (size_t j = seq; j < padded; ++j) s[j] = -INFINITY;
  Lanes lane_max = LoadLanes(s);
  for (size_t j0 = kLanes; j0 < padded; j0 += kLanes) {
    const Lanes x = LoadLanes(s + j0);
    lane_max = x > lane_max ? x : lane_max;
  }
  const float max = ReduceLanes<true>(lane_max);
  if (max == -INFINITY) return 0.0f;
  // Sixteen partial sums, added in a fixed order whatever the vector width.
  Lanes lane_sum = {};
  for (size_t j0 = 0; j0 < padded; j0 += kLanes) {
    const Lanes e = FastExp(LoadLanes(s + j0) - max);
    StoreLanes(s + j0, e);
    lane_sum += e;
  }
  return 1.0f / ReduceLanes<false>(lane_sum);
}

// o_r[d] = sum_j p[r][j] * v[j][d] over the keys j of [0, seq), for the
// kDimBlocks blocks of kLanes dimensions from d0: each probability is
// broadcast once for all of them.
template <size_t kRows, size_t kDimBlocks>
EMBERT_LANES_INLINE void ContextBlocks(const float* p, size_t padded, const float* v, size_t v_stride, size_t seq,
                                       size_t d0, const float* inv, float* const* o) {
  Lanes acc[kRows][kDimBlocks] = {};
  for (size_t j = 0; j < seq; ++j) {
    Lanes vj[kDimBlocks];
    for (size_t b = 0; b < kDimBlocks; ++b) vj[b] = LoadLanes(v + j * v_stride + d0 + b * kLanes);
    for (size_t r = 0; r < kRows; ++r) {
      const float pr = p[r * padded + j];
      for (size_t b = 0; b < kDimBlocks; ++b) acc[r][b] += pr * vj[b];
    }
  }
  for (size_t r = 0; r < kRows; ++r) {
    for (size_t b = 0; b < kDimBlocks; ++b) StoreLanes(o[r] + d0 + b * kLanes, acc[r][b] * inv[r]);
  }
}

// The rows of p are unnormalised: each context row is scaled by its inv
// once, instead of scaling every probability.
template <size_t kRows>
EMBERT_LANES_INLINE void Context(const float* p, size_t padded, const float* v, size_t v_stride, size_t seq,
                                 size_t head_dim, bool wide, const float* inv, float* const* o) {
  if constexpr (kRows > 4) {
    // Blocks of 4 rows x 4 dimension blocks: 8 rows x 2 needed more pointers
    // than x86 has registers, and the compiler kept a V block on the stack
    // inside the key loop (17 % of attention's time at 128-256 tokens,
    // BM_Attention). Same sums, same order.
    Context<4>(p, padded, v, v_stride, seq, head_dim, wide, inv, o);
    Context<kRows - 4>(p + 4 * padded, padded, v, v_stride, seq, head_dim, wide, inv + 4, o + 4);
    return;
  }
  size_t d0 = 0;
  if (wide) {
    // kRows x 4 blocks of sums fill the register file for kRows <= 4.
    for (; d0 + 4 * kLanes <= head_dim; d0 += 4 * kLanes) {
      ContextBlocks<kRows, 4>(p, padded, v, v_stride, seq, d0, inv, o);
    }
    for (; d0 + 2 * kLanes <= head_dim; d0 += 2 * kLanes) {
      ContextBlocks<kRows, 2>(p, padded, v, v_stride, seq, d0, inv, o);
    }
  }
  for (; d0 + kLanes <= head_dim; d0 += kLanes) ContextBlocks<kRows, 1>(p, padded, v, v_stride, seq, d0, inv, o);
  for (; d0 < head_dim; ++d0) {
    for (size_t r = 0; r < kRows; ++r) {
      float acc = 0.0f;
      for (size_t j = 0; j < seq; ++j) acc += p[r * padded + j] * v[j * v_stride + d0];
      o[r][d0] = acc * inv[r];
    }
  }
}

template <size_t kRows>
EMBERT_LANES_INLINE void RowBlock(const AttentionArgs& a, size_t off, size_t i0, const float* kt, const float* vh,
                                  size_t padded, float scale, bool wide, float* qs, float* s) {
  float* o[kRows];
  for (size_t r = 0; r < kRows; ++r) {
    const float* q = a.q + (i0 + r) * a.qkv_stride + off;
    for (size_t d = 0; d < a.head_dim; ++d) qs[r * a.head_dim + d] = q[d] * scale;
    o[r] = a.out + (i0 + r) * a.out_stride + off;
  }
  Scores<kRows>(qs, kt, padded, a.head_dim, wide, s);
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
  Context<kRows>(s, padded, vh, a.head_dim, a.seq, a.head_dim, wide, inv, o);
}

// All heads of [h0, h1). `wide`: wider register tiles, where the register
// file holds them (32 vector registers of 16 floats); elsewhere they would
// spill. The sums are the same either way.
EMBERT_LANES_INLINE void AttentionHeads(const AttentionArgs& a, size_t h0, size_t h1, bool wide) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(a.head_dim));
  const size_t padded = (a.seq + kLanes - 1) / kLanes * kLanes;
  float* kt = a.scores;                          // [head_dim][padded]
  float* s = a.scores + a.head_dim * padded;     // [kAttentionRows][padded]
  float* qs = s + kAttentionRows * padded;       // [kAttentionRows][head_dim]
  float* vh = qs + kAttentionRows * a.head_dim;  // [seq][head_dim]
  for (size_t h = h0; h < h1; ++h) {
    const size_t off = h * a.head_dim;
    // K^T a block of kLanes keys at a time: the block's key rows stay in L1
    // while each of its K^T rows is written as one whole line (the plain
    // loop orders either re-read every key row per dimension or write with
    // a power-of-two stride that thrashes L1's sets).
    for (size_t j0 = 0; j0 < padded; j0 += kLanes) {
      const size_t keys = a.seq - j0 < kLanes ? a.seq - j0 : kLanes;
      for (size_t d = 0; d < a.head_dim; ++d) {
        float* row = kt + d * padded + j0;
        const float* key = a.k + j0 * a.qkv_stride + off + d;
        for (size_t j = 0; j < keys; ++j) row[j] = key[j * a.qkv_stride];
        for (size_t j = keys; j < kLanes; ++j) row[j] = 0.0f;
      }
    }
    // The head's V rows side by side: the context loop then streams one
    // block of memory instead of touching a page per key.
    for (size_t j = 0; j < a.seq; ++j) {
      const float* v = a.v + j * a.qkv_stride + off;
      for (size_t d = 0; d < a.head_dim; ++d) vh[j * a.head_dim + d] = v[d];
    }
    size_t i = 0;
#if defined(__x86_64__)
    // Eight query rows share each K^T load where 32 registers hold their
    // sums: K^T is re-read from L2 half as often (V: see Context).
    static_assert(kAttentionRows == 8, "scratch holds 8 rows");
    if (wide) {
      for (; i + 8 <= a.seq; i += 8) RowBlock<8>(a, off, i, kt, vh, padded, scale, wide, qs, s);
    }
#endif
    for (; i + 4 <= a.seq; i += 4) RowBlock<4>(a, off, i, kt, vh, padded, scale, wide, qs, s);
    for (; i < a.seq; ++i) RowBlock<1>(a, off, i, kt, vh, padded, scale, wide, qs, s);
  }
}

}  // namespace

// The sums are fused multiply-adds on every CPU that has them
// (kernels/fused_dispatch.h).
#if defined(EMBERT_FMA_CLONES)
EMBERT_FMA_CLONES void Attention(const AttentionArgs& a, size_t h0, size_t h1) {
  // GCC's probe, the one target_clones' resolver uses: the tile width must
  // match the clone that runs (core/cpu_features.h).
  static const bool wide = __builtin_cpu_supports("avx512f");
  AttentionHeads(a, h0, h1, wide);
}
#elif defined(EMBERT_VFPV4_TARGET)
EMBERT_VFPV4_TARGET static void AttentionVfpv4(const AttentionArgs& a, size_t h0, size_t h1) {
  AttentionHeads(a, h0, h1, false);
}

void Attention(const AttentionArgs& a, size_t h0, size_t h1) {
  if (CpuHasVfpv4()) {
    AttentionVfpv4(a, h0, h1);
  } else {
    AttentionHeads(a, h0, h1, false);
  }
}
#elif defined(EMBERT_FLOAT_NEON)
// aarch64 runs the NEON kernel (float_neon.h); this one is its reference.
void Attention(const AttentionArgs& a, size_t h0, size_t h1) { AttentionNeon(a, h0, h1); }
void AttentionLanes(const AttentionArgs& a, size_t h0, size_t h1) { AttentionHeads(a, h0, h1, false); }
#else
void Attention(const AttentionArgs& a, size_t h0, size_t h1) { AttentionHeads(a, h0, h1, false); }
#endif

}  // namespace embert::kernels
