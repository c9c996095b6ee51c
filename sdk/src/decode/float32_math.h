// The float32 arithmetic of numpy that the decoders reproduce: np.argmax,
// the pairwise summation of np.sum, np.nanmean and the softmax of the QA
// pipeline. Header-only, internal to decode/.
#ifndef EMBERT_SDK_DECODE_FLOAT32_MATH_H_
#define EMBERT_SDK_DECODE_FLOAT32_MATH_H_

#include <cmath>
#include <cstddef>

namespace embert::decode::detail {

// np.argmax of a float32 row: the first index of the largest value, or the
// first NaN if there is one (numpy treats NaN as the maximum). n >= 1.
inline size_t ArgMax(const float* v, size_t n) {
  size_t best = 0;
  if (std::isnan(v[0])) return 0;
  for (size_t i = 1; i < n; ++i) {
    if (std::isnan(v[i])) return i;
    if (v[i] > v[best]) best = i;
  }
  return best;
}

// np.sum of a contiguous float32 vector (n elements, `stride` floats apart):
// numpy's pairwise summation (loops_utils.h.src, PW_BLOCKSIZE 128: a plain
// loop under 8 elements, 8 accumulators up to 128, halves above), so that
// sums of 8 or more terms round as numpy's do. Recursion depth is log2(n).
inline float PairwiseSum(const float* a, size_t n, size_t stride) {
  if (n < 8) {
    float res = 0.0f;
    for (size_t i = 0; i < n; ++i) res += a[i * stride];
    return res;
  }
  if (n <= 128) {
    float r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j * stride];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += a[(i + j) * stride];
    }
    float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i * stride];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSum(a, n2, stride) + PairwiseSum(a + n2 * stride, n - n2, stride);
}

}  // namespace embert::decode::detail

#endif  // EMBERT_SDK_DECODE_FLOAT32_MATH_H_
