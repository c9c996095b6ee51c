// LayerNorm over the last dimension, fused with the residual add that always
// precedes it in post-LN BERT.
#ifndef EMBERT_SDK_KERNELS_LAYER_NORM_H_
#define EMBERT_SDK_KERNELS_LAYER_NORM_H_

#include <cstddef>

namespace embert::kernels {

// x[r] = LayerNorm(x[r] + residual[r]) * gamma + beta for each of `rows`
// rows of `cols` floats (strides in floats). `residual` may be nullptr.
void AddLayerNorm(float* x, size_t x_stride, const float* residual, size_t residual_stride, size_t rows, size_t cols,
                  const float* gamma, const float* beta, float eps);

}  // namespace embert::kernels

#endif  // EMBERT_SDK_KERNELS_LAYER_NORM_H_
