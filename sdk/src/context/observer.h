// A hook that sees the encoder's intermediate activations: the converter
// records their ranges on calibration text, and tests compare the int8 and
// fp32 paths layer by layer. Not part of the C API; nullptr in normal runs.
#ifndef EMBERT_SDK_CONTEXT_OBSERVER_H_
#define EMBERT_SDK_CONTEXT_OBSERVER_H_

#include <cstddef>

namespace embert {

class ActivationObserver {
 public:
  virtual ~ActivationObserver() = default;
  // `rows` x `cols` floats with row stride `stride`; when `addend` is not
  // null the observed value is a + addend (a residual sum before LayerNorm,
  // which the kernels never materialise).
  // Names: "layers.N.<point>" with point one of attention.input,
  // attention_output.input, attention_norm.input, intermediate.output,
  // output.input, output_norm.input, output (N from 0); "embeddings.output".
  virtual void Observe(const char* name, const float* a, const float* addend, size_t rows,
                       size_t cols, size_t stride) = 0;
};

}  // namespace embert

#endif  // EMBERT_SDK_CONTEXT_OBSERVER_H_
