#include "core/vectorize.h"
#include "kernels/activations.h"

#include <cmath>

#include "core/lanes.h"
#include "kernels/fast_math.h"

namespace embert::kernels {
namespace {

// Vector values cross function boundaries only between functions compiled
// for the same ISA (clang refuses a 64-byte vector argument from an
// AVX-512 clone to a baseline function), so the clone calls this with
// pointers and it is inlined into each clone.
EMBERT_LANES_INLINE void GeluErfRow(float* row, size_t cols) {
  size_t c = 0;
  for (; c + kLanes <= cols; c += kLanes) StoreLanes(row + c, FastGeluErf(LoadLanes(row + c)));
  for (; c < cols; ++c) row[c] = FastGeluErf(row[c]);
}

}  // namespace

EMBERT_VECTORIZE void Activate(schema::HiddenAct act, float* x, size_t x_stride, size_t rows, size_t cols) {
  constexpr float kSqrt2OverPi = 0.79788456080286535588f;
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * x_stride;
    switch (act) {
      case schema::HiddenAct::GELU:
        GeluErfRow(row, cols);
        break;
      case schema::HiddenAct::GELU_TANH:
        for (size_t c = 0; c < cols; ++c) {
          const float v = row[c];
          row[c] = 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * (v + 0.044715f * v * v * v)));
        }
        break;
      case schema::HiddenAct::RELU:
        for (size_t c = 0; c < cols; ++c) row[c] = row[c] > 0.0f ? row[c] : 0.0f;
        break;
    }
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
