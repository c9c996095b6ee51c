// The GEMM loop nest and micro-tile shared by every x86 level, written once
// over an instruction-set policy `Isa` (isa_*.h). The including file defines
// EMBERT_X86_TARGET, the level's per-function target attribute, so this code
// is compiled for that level only and the library still runs on any x86-64.
//
// Isa provides: V (int32 accumulators), W (weights of one vector for one K
// step of 4), A (one row's 4 activations, broadcast), F (floats);
// kLanes (channels per vector), kPanelVecs (vectors per micro-tile row),
// kMaxRows, kWBytes (packed bytes of one W), kShiftedWeights (weights packed
// as u8 = w + 128, see pack_layouts.h), kWidenSteps and kABytesPerStep (how the
// tile reads activations); Zero, LoadW, LoadA, Madd (acc += x . w), RowSum
// (sum of an activation row), Widen (int8 -> int16), LoadF (masked), Output
// (the epilogue).
#ifndef EMBERT_SDK_BACKEND_X86_GEMM_TILES_H_
#define EMBERT_SDK_BACKEND_X86_GEMM_TILES_H_

#ifndef EMBERT_X86_TARGET
#error "define EMBERT_X86_TARGET before including gemm_tiles.h"
#endif

#include <cstddef>
#include <cstdint>
#include <utility>

#include "backend/x86/intrinsics.h"

#include "backend/qgemm.h"

// The tile's row and vector loops must be unrolled for the accumulators to
// live in registers (GCC otherwise keeps them in memory).
#define EMBERT_X86_UNROLL _Pragma("GCC unroll 16")

namespace embert::qgemm::x86 {
namespace {

// One micro-tile: up to kMaxRows rows x one panel (kLanes * kPanelVecs channels).
struct TileJob {
  const int8_t* a;  // first row of the tile
  size_t a_stride;
  const int8_t* b;        // the panel's packed weights
  size_t steps;           // K steps of 4
  const int32_t* corr;    // per row, added to the accumulators (u8 weight shift)
  const float* a_scales;  // of the first row
  const float* b_scales;  // of the panel's first channel
  const float* bias;      // same, or nullptr
  float* out;             // first row, the panel's first channel
  size_t out_stride;
  size_t valid;                 // channels of this panel that exist in the output
  const int8_t* prefetch_from;  // weights to fetch into L1 while computing,
  size_t prefetch_lines;        // so many 64-byte lines of them (0: none)
};

template <class Isa, size_t kRows>
EMBERT_X86_TARGET void Tile(const TileJob& t) {
  using V = typename Isa::V;
  constexpr size_t kVecs = Isa::kPanelVecs;
  V acc[kRows][kVecs];
  EMBERT_X86_UNROLL
  for (size_t r = 0; r < kRows; ++r) {
    EMBERT_X86_UNROLL
    for (size_t j = 0; j < kVecs; ++j) acc[r][j] = Isa::Zero();
  }
  // Levels without a u8 x s8 dot product first widen the tile's rows to
  // int16, a block of K at a time (Isa::kWidenSteps, 0: read the rows as
  // they are), so the inner loop only broadcasts ready pairs.
  constexpr size_t kWidenSteps = Isa::kWidenSteps;
  constexpr size_t kWideRowBytes = kWidenSteps * 4 * sizeof(int16_t);
  alignas(64) int8_t wide[kWidenSteps ? kRows * kWideRowBytes : 1];
  const size_t block = kWidenSteps ? kWidenSteps : t.steps;
  const int8_t* b = t.b;
  const int8_t* pf = t.prefetch_from;
  size_t pf_due = 0;
  for (size_t s0 = 0; s0 < t.steps; s0 += block) {
    const size_t steps = t.steps - s0 < block ? t.steps - s0 : block;
    const int8_t* a = t.a + 4 * s0;
    size_t stride = t.a_stride;
    if constexpr (kWidenSteps != 0) {
      for (size_t r = 0; r < kRows; ++r) Isa::Widen(a + r * stride, 4 * steps, wide + r * kWideRowBytes);
      a = wide;
      stride = kWideRowBytes;
    }
    for (size_t s = 0; s < steps; ++s, a += Isa::kABytesPerStep, b += kVecs * Isa::kWBytes) {
      // The next panel is fetched while this one is computed: the
      // weights are read from memory once per run, and without this the
      // core waits for them instead of overlapping the two (at 8-32 tokens
      // a run of BERT-base is bound by streaming its 85 MB of weights).
      // Into L1, one panel ahead (see kAhead).
      for (pf_due += t.prefetch_lines; pf_due >= t.steps; pf_due -= t.steps, pf += 64) {
        _mm_prefetch(reinterpret_cast<const char*>(pf), _MM_HINT_T0);
      }
      typename Isa::W w[kVecs];
      EMBERT_X86_UNROLL
      for (size_t j = 0; j < kVecs; ++j) w[j] = Isa::LoadW(b + j * Isa::kWBytes);
      EMBERT_X86_UNROLL
      for (size_t r = 0; r < kRows; ++r) {
        const typename Isa::A x = Isa::LoadA(a + r * stride);
        EMBERT_X86_UNROLL
        for (size_t j = 0; j < kVecs; ++j) acc[r][j] = Isa::Madd(acc[r][j], x, w[j]);
      }
    }
  }
  // Epilogue: y = fma((float)acc, a_scale * b_scale, bias), as qgemm.h says.
  typename Isa::F b_scale[kVecs], bias[kVecs];
  size_t valid[kVecs];
  EMBERT_X86_UNROLL
  for (size_t j = 0; j < kVecs; ++j) {
    const size_t first = j * Isa::kLanes;
    valid[j] = t.valid <= first ? 0 : t.valid - first;
    if (valid[j] > Isa::kLanes) valid[j] = Isa::kLanes;
    b_scale[j] = valid[j] ? Isa::LoadF(t.b_scales + first, valid[j]) : Isa::ZeroF();
    bias[j] = valid[j] && t.bias ? Isa::LoadF(t.bias + first, valid[j]) : Isa::ZeroF();
  }
  EMBERT_X86_UNROLL
  for (size_t r = 0; r < kRows; ++r) {
    float* out = t.out + r * t.out_stride;
    EMBERT_X86_UNROLL
    for (size_t j = 0; j < kVecs; ++j) {
      if (valid[j] == 0) continue;
      Isa::Output(acc[r][j], t.corr[r], t.a_scales[r], b_scale[j], bias[j], out + j * Isa::kLanes, valid[j]);
    }
  }
}

using TileFn = void (*)(const TileJob&);

// by_rows[r - 1] computes r rows.
template <class Isa, class Rows = std::make_index_sequence<Isa::kMaxRows>>
struct TileTable;
template <class Isa, size_t... kRowsMinus1>
struct TileTable<Isa, std::index_sequence<kRowsMinus1...>> {
  static constexpr TileFn by_rows[] = {&Tile<Isa, kRowsMinus1 + 1>...};
};

// Rows per call are split into chunks (their row sums live on the stack);
// within a chunk, panels outermost so one panel's weights stay in L2 while
// every row tile of the chunk reads them, and rows spread evenly over tiles
// (M = 16 runs as 8 + 8, not 12 + 4).
template <class Isa>
EMBERT_X86_TARGET void Gemm(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  constexpr size_t kWidth = Isa::kLanes * Isa::kPanelVecs;
  constexpr size_t kMaxRows = Isa::kMaxRows;
  constexpr size_t kChunk = 192;
  // Weights are fetched this many panels ahead of the panel being computed.
  // Into L2, one panel was not enough on an Intel Xeon (session 4); into
  // L1, one is best on Zen 5 (two: 3-5 % slower at 8-32 tokens), and a
  // panel (24-96 KB) more would not fit L1 (benchmarks/RESULTS.md).
  constexpr size_t kAhead = 1;
  if (m1 <= m0 || n1 <= n0) return;
  const TileFn* tiles_by_rows = TileTable<Isa>::by_rows;
  const size_t steps = (g.k + 3) / 4;
  const size_t panel_bytes = steps * Isa::kPanelVecs * Isa::kWBytes;
  const size_t padded_k = PaddedK(g.k);
  (void)padded_k;  // read only by levels with shifted weights
  const auto* packed = static_cast<const int8_t*>(g.b);
  int32_t corr[kChunk];
  const size_t total = m1 - m0;
  const size_t chunks = (total + kChunk - 1) / kChunk;
  for (size_t c = 0, mc = m0; c < chunks; ++c) {
    const size_t rows = total / chunks + (c < total % chunks ? 1 : 0);
    for (size_t r = 0; r < rows; ++r) {
      if constexpr (Isa::kShiftedWeights) {
        // -128 * sum in wrapping arithmetic: the accumulators wrap the same
        // way, so the result is exact whenever the true sum fits int32.
        const auto sum = static_cast<uint32_t>(Isa::RowSum(g.a + (mc + r) * g.a_stride, padded_k));
        corr[r] = static_cast<int32_t>(0u - 128u * sum);
      } else {
        corr[r] = 0;
      }
    }
    const size_t tiles = (rows + kMaxRows - 1) / kMaxRows;
    for (size_t n = n0; n < n1; n += kWidth) {
      TileJob t;
      t.a_stride = g.a_stride;
      t.b = packed + (n / kWidth) * panel_bytes;
      t.steps = steps;
      t.b_scales = g.b_scales + n;
      t.bias = g.bias ? g.bias + n : nullptr;
      t.out_stride = g.out_stride;
      t.valid = n1 - n < kWidth ? n1 - n : kWidth;
      // Every tile of the panel fetches its share of the panel kAhead panels
      // on, never past this call's range: the fetches are spread over the
      // whole time the panel is computed, whatever the number of row tiles.
      const size_t ahead_n = n + kAhead * kWidth;
      const size_t ahead_lines = ahead_n < n1 ? panel_bytes / 64 : 0;
      const int8_t* ahead = packed + (ahead_n / kWidth) * panel_bytes;
      for (size_t i = 0, m = mc; i < tiles; ++i) {
        const size_t tile_rows = rows / tiles + (i < rows % tiles ? 1 : 0);
        const size_t first_line = ahead_lines * i / tiles;
        t.prefetch_from = ahead + 64 * first_line;
        t.prefetch_lines = ahead_lines * (i + 1) / tiles - first_line;
        t.a = g.a + m * g.a_stride;
        t.corr = corr + (m - mc);
        t.a_scales = g.a_scales + m;
        t.out = g.out + m * g.out_stride + n;
        // The tile's output lines, read now so its stores find them in L1:
        // an output larger than L2 (BERT-base FFN up: 1.5 MB) otherwise
        // stalls every tile's epilogue on store misses.
        for (size_t r = 0; r < tile_rows; ++r) {
          for (size_t c = 0; c < t.valid; c += 16) {
            _mm_prefetch(reinterpret_cast<const char*>(t.out + r * g.out_stride + c), _MM_HINT_T0);
          }
        }
        tiles_by_rows[tile_rows - 1](t);
        m += tile_rows;
      }
    }
    mc += rows;
  }
}

}  // namespace
}  // namespace embert::qgemm::x86

#endif  // EMBERT_SDK_BACKEND_X86_GEMM_TILES_H_
