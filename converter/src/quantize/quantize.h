// Symmetric int8 quantization with one scale per row (output channel).
#ifndef EMBERT_CONVERTER_QUANTIZE_QUANTIZE_H_
#define EMBERT_CONVERTER_QUANTIZE_QUANTIZE_H_

#include <cstdint>
#include <vector>

#include "import/bert_model.h"

namespace embert::convert {

struct QuantizedMatrix {
  std::vector<int8_t> values;  // [rows][cols]
  std::vector<float> scales;   // [rows]
  double max_abs_error = 0;    // max |W - scale * q|
  double relative_rms = 0;     // ||W - Wq|| / ||W||
};

// scale[r] = max|W[r]| / 127 in float (1 when that is below FLT_MIN, i.e. an
// all-zero or denormal row, so that every scale is finite and positive),
// q = nearest-even(W / scale) with the quotient in double, clamped to
// [-127, 127]; hence |W - q * scale| <= scale / 2 for every weight.
QuantizedMatrix QuantizePerRow(const Matrix& m);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_QUANTIZE_QUANTIZE_H_
