#include "kernels/embedding.h"
#include "core/vectorize.h"

#include <cstring>

#include "kernels/layer_norm.h"

namespace embert::kernels {

EMBERT_VECTORIZE void MatrixRow(const MatrixView& m, size_t row, float* out) {
  if (m.int8) {
    const int8_t* w = static_cast<const int8_t*>(m.data) + row * m.cols;
    const float s = m.scales[row];
    for (size_t c = 0; c < m.cols; ++c) out[c] = static_cast<float>(w[c]) * s;
  } else {
    std::memcpy(out, static_cast<const float*>(m.data) + row * m.cols, m.cols * sizeof(float));
  }
}

void Embed(const EmbeddingsView& e, size_t hidden, const int32_t* ids, const int32_t* type_ids, size_t seq, float eps,
           float* out) {
  for (size_t t = 0; t < seq; ++t) {
    float* row = out + t * hidden;
    MatrixRow(e.word, static_cast<size_t>(ids[t]), row);
    const float* pos = e.position + t * hidden;
    const float* typ = e.token_type + static_cast<size_t>(type_ids ? type_ids[t] : 0) * hidden;
    for (size_t c = 0; c < hidden; ++c) row[c] = row[c] + pos[c] + typ[c];
  }
  AddLayerNorm(out, hidden, nullptr, 0, seq, hidden, e.norm.gamma, e.norm.beta, eps);
}

}  // namespace embert::kernels
