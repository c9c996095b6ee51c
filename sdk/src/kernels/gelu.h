// BERT's erf GELU, 0.5 x (1 + erf(x / sqrt 2)), in place on rows of floats.
#ifndef EMBERT_SDK_KERNELS_GELU_H_
#define EMBERT_SDK_KERNELS_GELU_H_

#include <cstddef>

namespace embert::kernels {

// FastGeluErf (fast_math.h) on `rows` rows of `cols` floats, its polynomial
// steps fused multiply-adds where the CPU has FMA (fused_dispatch.h): within
// 1.1e-6 of the definition either way.
void GeluErf(float* x, size_t x_stride, size_t rows, size_t cols);

}  // namespace embert::kernels

#endif  // EMBERT_SDK_KERNELS_GELU_H_
