// Inputs of the GEMM benchmarks: BERT layer shapes and random int8 operands.
#ifndef EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_DATA_H_
#define EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_DATA_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "backend/qgemm.h"

namespace embert::bench {

// One dense layer: K inputs -> N outputs.
struct LayerShape {
  const char* name;
  size_t k, n;
};

// BERT-base (H768, I3072) and a small BERT (H256, I1024): QKV fused, the
// attention output, the FFN up and down projections.
inline constexpr LayerShape kLayerShapes[] = {
    {"base_qkv", 768, 2304}, {"base_attn_out", 768, 768},  {"base_ffn_up", 768, 3072},  {"base_ffn_down", 3072, 768},
    {"small_qkv", 256, 768}, {"small_attn_out", 256, 256}, {"small_ffn_up", 256, 1024}, {"small_ffn_down", 1024, 256},
};

inline constexpr size_t kRowCounts[] = {1, 8, 16, 32, 64, 128, 256};

// Quantized activations [m][PaddedK(k)], weights [n][k] and scales.
struct GemmOperands {
  GemmOperands(size_t m_, size_t n_, size_t k_) : m(m_), n(n_), k(k_) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> q(-127, 127);
    std::uniform_real_distribution<float> f(0.5f, 1.5f);
    a.assign(m * qgemm::PaddedK(k), 0);
    for (size_t r = 0; r < m; ++r) {
      for (size_t i = 0; i < k; ++i) a[r * qgemm::PaddedK(k) + i] = static_cast<int8_t>(q(rng));
    }
    w.resize(n * k);
    for (auto& v : w) v = static_cast<int8_t>(q(rng));
    a_scales.resize(m);
    for (auto& v : a_scales) v = 0.02f * f(rng);
    b_scales.resize(n);
    for (auto& v : b_scales) v = 0.001f * f(rng);
    bias.resize(n);
    for (auto& v : bias) v = f(rng);
    out.resize(m * n);
  }
  size_t m, n, k;
  std::vector<int8_t> a, w;
  std::vector<float> a_scales, b_scales, bias, out;
};

}  // namespace embert::bench

#endif  // EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_DATA_H_
