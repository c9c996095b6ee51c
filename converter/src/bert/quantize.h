// Symmetric int8 quantization with one scale per row (output channel).
#ifndef EMBERT_CONVERTER_BERT_QUANTIZE_H_
#define EMBERT_CONVERTER_BERT_QUANTIZE_H_

#include <cstdint>
#include <vector>

#include "bert/bert_model.h"

namespace embert::convert {

struct QuantizedMatrix {
  std::vector<int8_t> values;  // [rows][cols]
  std::vector<float> scales;   // [rows]
  double max_abs_error = 0;    // max |W - scale * q|
  double relative_rms = 0;     // ||W - Wq|| / ||W||
};

// scale[r] = max|W[r]| / 127 (1 for an all-zero row, so it stays finite and
// positive), q = nearest-even(W / scale) clamped to [-127, 127].
QuantizedMatrix QuantizePerRow(const Matrix& m);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_BERT_QUANTIZE_H_
