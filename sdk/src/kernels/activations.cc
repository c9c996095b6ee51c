#include "kernels/activations.h"
#include "core/vectorize.h"

#include <cmath>

#include "kernels/fast_math.h"
#include "kernels/gelu.h"

namespace embert::kernels {

EMBERT_VECTORIZE void Activate(Activation act, float* x, size_t x_stride, size_t rows, size_t cols) {
  constexpr float kSqrt2OverPi = 0.79788456080286535588f;
  switch (act) {
    case Activation::kGeluErf:
      GeluErf(x, x_stride, rows, cols);  // its own file: fused multiply-adds where the CPU has them
      return;
    case Activation::kGeluTanh:
      for (size_t r = 0; r < rows; ++r) {
        float* row = x + r * x_stride;
        for (size_t c = 0; c < cols; ++c) {
          const float v = row[c];
          row[c] = 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * (v + 0.044715f * v * v * v)));
        }
      }
      return;
    case Activation::kRelu:
      for (size_t r = 0; r < rows; ++r) {
        float* row = x + r * x_stride;
        for (size_t c = 0; c < cols; ++c) row[c] = row[c] > 0.0f ? row[c] : 0.0f;
      }
      return;
  }
}

EMBERT_VECTORIZE void Tanh(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = std::tanh(x[i]);
}

EMBERT_VECTORIZE void Softmax(const float* logits, size_t n, float* out) {
  if (n == 0) return;
  float max = logits[0];
  for (size_t i = 1; i < n; ++i) max = std::fmax(max, logits[i]);
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = FastExp(logits[i] - max);
    sum += out[i];
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (size_t i = 0; i < n; ++i) out[i] *= inv;
}

void Sigmoid(const float* logits, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + std::exp(-logits[i]));
}

}  // namespace embert::kernels
