#include "core/vectorize.h"
#include "kernels/attention.h"

#include <cmath>

#include "kernels/fast_math.h"

namespace embert::kernels {

// Loops are ordered so that the inner one runs over contiguous memory with
// no reduction (K is transposed per head first): the compiler vectorises
// them without -ffast-math.
EMBERT_VECTORIZE void Attention(const AttentionArgs& a, size_t h0, size_t h1) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(a.head_dim));
  float* kt = a.scores + a.seq * a.seq;  // [head_dim][seq]
  for (size_t h = h0; h < h1; ++h) {
    const size_t off = h * a.head_dim;
    for (size_t j = 0; j < a.seq; ++j) {
      const float* kj = a.k + j * a.qkv_stride + off;
      for (size_t d = 0; d < a.head_dim; ++d) kt[d * a.seq + j] = kj[d];
    }
    for (size_t i = 0; i < a.seq; ++i) {
      const float* qi = a.q + i * a.qkv_stride + off;
      float* s = a.scores + i * a.seq;
      for (size_t j = 0; j < a.seq; ++j) s[j] = 0.0f;
      for (size_t d = 0; d < a.head_dim; ++d) {
        const float qd = qi[d] * scale;
        const float* row = kt + d * a.seq;
        for (size_t j = 0; j < a.seq; ++j) s[j] += qd * row[j];
      }
      // Masked keys get no weight at all (Hugging Face adds float32's lowest
      // value, which underflows to exactly 0 after the softmax).
      float max = -INFINITY;
      for (size_t j = 0; j < a.seq; ++j) {
        if (a.mask != nullptr && a.mask[j] == 0) {
          s[j] = -INFINITY;
        } else {
          max = std::fmax(max, s[j]);
        }
      }
      float* o = a.out + i * a.out_stride + off;
      for (size_t d = 0; d < a.head_dim; ++d) o[d] = 0.0f;
      if (max == -INFINITY) continue;  // every key masked: a zero context
      float sum = 0.0f;
      for (size_t j = 0; j < a.seq; ++j) {
        s[j] = FastExp(s[j] - max);  // 0 for masked keys (-inf)
        sum += s[j];
      }
      const float inv = 1.0f / sum;
      for (size_t j = 0; j < a.seq; ++j) {
        const float p = s[j] * inv;
        if (p == 0.0f) continue;
        const float* vj = a.v + j * a.qkv_stride + off;
        for (size_t d = 0; d < a.head_dim; ++d) o[d] += p * vj[d];
      }
    }
  }
}

}  // namespace embert::kernels
