#include "encoder/pooling.h"

#include <cmath>
#include <cstring>

namespace embert {
namespace {

// Attended rows' sum into out; returns their count.
size_t SumRows(const float* hidden, const int32_t* mask, size_t rows, size_t width, float* out) {
  std::memset(out, 0, width * sizeof(float));
  size_t n = 0;
  for (size_t t = 0; t < rows; ++t) {
    if (mask[t] == 0) continue;
    const float* row = hidden + t * width;
    for (size_t c = 0; c < width; ++c) out[c] += row[c];
    ++n;
  }
  return n;
}

}  // namespace

void PoolSequence(const float* hidden, const int32_t* attention_mask, size_t rows, size_t width,
                  const PoolingMode* modes, size_t num_modes, float* out) {
  for (size_t m = 0; m < num_modes; ++m) {
    float* v = out + m * width;
    switch (modes[m]) {
      case PoolingMode::kCls: std::memcpy(v, hidden, width * sizeof(float)); break;
      case PoolingMode::kMax:
        for (size_t c = 0; c < width; ++c) v[c] = -1e9f;
        for (size_t t = 0; t < rows; ++t) {
          if (attention_mask[t] == 0) continue;
          const float* row = hidden + t * width;
          for (size_t c = 0; c < width; ++c) v[c] = row[c] > v[c] ? row[c] : v[c];
        }
        break;
      case PoolingMode::kMean:
      case PoolingMode::kMeanSqrtLen: {
        const float n = static_cast<float>(SumRows(hidden, attention_mask, rows, width, v));
        const float count = n > 1e-9f ? n : 1e-9f;
        const float d = modes[m] == PoolingMode::kMean ? count : std::sqrt(count);
        for (size_t c = 0; c < width; ++c) v[c] /= d;
        break;
      }
    }
  }
}

void L2Normalize(float* x, size_t n) {
  double sq = 0.0;
  for (size_t c = 0; c < n; ++c) sq += static_cast<double>(x[c]) * x[c];
  const double norm = std::sqrt(sq);
  const float d = static_cast<float>(norm > 1e-12 ? norm : 1e-12);
  for (size_t c = 0; c < n; ++c) x[c] /= d;
}

}  // namespace embert
