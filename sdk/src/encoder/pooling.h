// Pooling of one sequence's last hidden states into a sentence vector, as
// sentence-transformers' Pooling module does it. Plain arrays: the caller
// gives one sequence's rows (one input, or one sequence of a packed run).
#ifndef EMBERT_SDK_ENCODER_POOLING_H_
#define EMBERT_SDK_ENCODER_POOLING_H_

#include <cstddef>
#include <cstdint>

namespace embert {

enum class PoolingMode : uint8_t {
  kCls,          // row 0 (the [CLS] state)
  kMean,         // sum over attended rows / max(count, 1e-9)
  kMax,          // per channel over attended rows; masked rows read as -1e9
  kMeanSqrtLen,  // sum over attended rows / sqrt(max(count, 1e-9))
};

// Pools `rows` rows of `hidden` (row-major, `width` floats each; a row is
// attended when attention_mask[row] != 0) with each of `modes` in turn,
// writing num_modes * width floats to `out` (the modes concatenated).
// `rows` is at least 1.
void PoolSequence(const float* hidden, const int32_t* attention_mask, size_t rows, size_t width,
                  const PoolingMode* modes, size_t num_modes, float* out);

// x / max(|x|, 1e-12), as torch.nn.functional.normalize.
void L2Normalize(float* x, size_t n);

}  // namespace embert

#endif  // EMBERT_SDK_ENCODER_POOLING_H_
