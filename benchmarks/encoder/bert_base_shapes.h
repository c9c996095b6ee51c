// BERT-base's shapes and the random data the encoder benchmarks and drivers
// feed their kernels (stages_bench, float_kernels_driver): one definition,
// so their figures describe the same work.
#ifndef EMBERT_BENCHMARKS_ENCODER_BERT_BASE_SHAPES_H_
#define EMBERT_BENCHMARKS_ENCODER_BERT_BASE_SHAPES_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace embert::bench {

constexpr size_t kHidden = 768, kHeads = 12, kHeadDim = 64, kInter = 3072;

// n values from N(0, sd^2), the same for the same seed.
inline std::vector<float> Random(size_t n, float sd, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, sd);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

}  // namespace embert::bench

#endif  // EMBERT_BENCHMARKS_ENCODER_BERT_BASE_SHAPES_H_
