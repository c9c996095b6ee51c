// Element-wise activations of BERT, in place.
#ifndef EMBERT_SDK_KERNELS_ACTIVATIONS_H_
#define EMBERT_SDK_KERNELS_ACTIVATIONS_H_

#include <cstddef>
#include <cstdint>

namespace embert::kernels {

// The FFN activations BERT configs name (the encoder maps the model's
// schema::HiddenAct to these).
enum class Activation : uint8_t { kGeluErf, kGeluTanh, kRelu };

// The FFN activation named by the config (erf GELU, tanh GELU or ReLU) on
// `rows` rows of `cols` floats.
void Activate(Activation act, float* x, size_t x_stride, size_t rows, size_t cols);

void Tanh(float* x, size_t n);

// Softmax of n logits into out (max-subtracted, so large logits are safe).
void Softmax(const float* logits, size_t n, float* out);

// Logistic sigmoid of each logit.
void Sigmoid(const float* logits, size_t n, float* out);

}  // namespace embert::kernels

#endif  // EMBERT_SDK_KERNELS_ACTIVATIONS_H_
