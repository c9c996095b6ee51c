#include "kernels/layer_norm.h"
#include "core/vectorize.h"

#include <cmath>

#include "core/lanes.h"
#include "kernels/float_neon.h"

namespace embert::kernels {
namespace {

// Sum of f(row[c]) in double over eight fixed lanes (then the tail), so the
// order, and the result, is the same on every CPU.
template <typename Op>
EMBERT_LANES_INLINE double LaneSum(const float* row, size_t cols, Op op) {
  DoubleLanes acc = {};
  size_t c = 0;
  for (; c + kDoubleLanes <= cols; c += kDoubleLanes) acc += op(LoadWidened(row + c));
  double sum = 0.0;
  for (size_t l = 0; l < kDoubleLanes; ++l) sum += acc[l];
  for (; c < cols; ++c) {
    DoubleLanes one = {};
    one[0] = row[c];
    sum += op(one)[0];
  }
  return sum;
}

}  // namespace

#if defined(EMBERT_FLOAT_NEON)
// aarch64 runs the NEON kernel (float_neon.h); this generic one stays callable
// as its reference. (Renamed rather than wrapped: x86 keeps its exact code.)
#define EMBERT_ADD_LAYER_NORM_LANES AddLayerNormLanes
void AddLayerNorm(float* x, size_t x_stride, const float* residual, size_t residual_stride, size_t rows, size_t cols,
                  const float* gamma, const float* beta, float eps) {
  AddLayerNormNeon(x, x_stride, residual, residual_stride, rows, cols, gamma, beta, eps);
}
#else
#define EMBERT_ADD_LAYER_NORM_LANES AddLayerNorm
#endif

EMBERT_VECTORIZE void EMBERT_ADD_LAYER_NORM_LANES(float* x, size_t x_stride, const float* residual,
                                                  size_t residual_stride, size_t rows, size_t cols, const float* gamma,
                                                  const float* beta, float eps) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * x_stride;
    if (residual != nullptr) {
      const float* res = residual + r * residual_stride;
      for (size_t c = 0; c < cols; ++c) row[c] += res[c];
    }
    // Two passes in double: the residual stream of real BERTs has outlier
    // dimensions 10-50x the others, where a one-pass float variance loses
    // digits.
    const double mean = LaneSum(row, cols, [](DoubleLanes v) { return v; }) / static_cast<double>(cols);
    const double var =
        LaneSum(row, cols, [mean](DoubleLanes v) { return (v - mean) * (v - mean); }) / static_cast<double>(cols);
    const float inv = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(eps)));
    const float m = static_cast<float>(mean);
    for (size_t c = 0; c < cols; ++c) row[c] = (row[c] - m) * inv * gamma[c] + beta[c];
  }
}

}  // namespace embert::kernels
