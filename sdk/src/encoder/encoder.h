// The BERT encoder pass over a context's current input.
#ifndef EMBERT_SDK_ENCODER_ENCODER_H_
#define EMBERT_SDK_ENCODER_ENCODER_H_

#include "context/context.h"
#include "core/status.h"
#include "kernels/activations.h"

namespace embert {

// The kernel of the model's hidden_act (model_verify.cc admits no other value).
inline kernels::Activation HiddenActivation(schema::HiddenAct act) {
  switch (act) {
    case schema::HiddenAct::GELU_TANH: return kernels::Activation::kGeluTanh;
    case schema::HiddenAct::RELU: return kernels::Activation::kRelu;
    case schema::HiddenAct::GELU: break;
  }
  return kernels::Activation::kGeluErf;
}

// Runs the encoder on the current input, once per input.
Status Encode(embert_context* ctx);

}  // namespace embert

#endif  // EMBERT_SDK_ENCODER_ENCODER_H_
