#include "core/vectorize.h"
#include "kernels/layer_norm.h"

#include <cmath>

namespace embert::kernels {

EMBERT_VECTORIZE void AddLayerNorm(float* x, size_t x_stride, const float* residual, size_t residual_stride,
                  size_t rows, size_t cols, const float* gamma, const float* beta, float eps) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * x_stride;
    if (residual != nullptr) {
      const float* res = residual + r * residual_stride;
      for (size_t c = 0; c < cols; ++c) row[c] += res[c];
    }
    // Two passes in double: the residual stream of real BERTs has outlier
    // dimensions 10-50x the others, where a one-pass float variance loses
    // digits.
    double sum = 0.0;
    for (size_t c = 0; c < cols; ++c) sum += row[c];
    const double mean = sum / static_cast<double>(cols);
    double sq = 0.0;
    for (size_t c = 0; c < cols; ++c) {
      const double d = row[c] - mean;
      sq += d * d;
    }
    const double var = sq / static_cast<double>(cols);
    const float inv = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(eps)));
    const float m = static_cast<float>(mean);
    for (size_t c = 0; c < cols; ++c) row[c] = (row[c] - m) * inv * gamma[c] + beta[c];
  }
}

}  // namespace embert::kernels
