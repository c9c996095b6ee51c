// exp and GELU written so that loops over them vectorise (plain arithmetic,
// selects instead of branches, no libm calls), with errors far below what
// the fp32 parity tests allow (1e-4 on logits).
#ifndef EMBERT_SDK_KERNELS_FAST_MATH_H_
#define EMBERT_SDK_KERNELS_FAST_MATH_H_

#include <cstdint>
#include <cstring>

#include "core/lanes.h"

namespace embert::kernels {

// e^x with a relative error of a few ulp over the float range; exp(-inf) = 0,
// exp(NaN) = NaN (never an integer conversion of NaN, which would be UB).
inline float FastExp(float in) {
  const bool nan = !(in == in);
  float x = nan ? 0.0f : in;
  x = x < -87.33654f ? -87.33654f : x;  // below: 0 after the final scale
  x = x > 88.72283f ? 88.72283f : x;
  // x = n ln2 + r, |r| <= ln2/2; rounding by the 1.5*2^23 trick (no
  // SSE4.1 round instruction needed).
  const float kRound = 12582912.0f;
  const float n = (x * 1.44269504088896341f + kRound) - kRound;
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187e-06f;
  // Taylor to degree 7: |error| < 2e-9 on |r| <= 0.347.
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2^n built in two halves so that n = 128 (x near 88.7) stays finite.
  const int32_t ni = static_cast<int32_t>(n);
  const int32_t half = ni / 2;
  const int32_t b1 = (half + 127) << 23;
  const int32_t b2 = (ni - half + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &b1, 4);
  std::memcpy(&s2, &b2, 4);
  const float y = p * s1 * s2;
  return nan ? in : (x <= -87.33654f ? 0.0f : y);
}

// erf GELU: 0.5 x (1 + erf(x / sqrt 2)), with erfc from Numerical Recipes'
// Chebyshev fit (fractional error < 1.2e-7 everywhere).
inline float FastGeluErf(float x) {
  const float z = x * 0.70710678118654752f;
  const float az = z < 0.0f ? -z : z;
  const float t = 1.0f / (1.0f + 0.5f * az);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  const float erfc = t * FastExp(-az * az + p);
  const float one_plus_erf = z >= 0.0f ? 2.0f - erfc : erfc;
  return 0.5f * x * one_plus_erf;
}

// The same two functions on 16 floats at once: operation for operation the
// scalar code above (the tests check bit equality), for loops the compiler
// would otherwise vectorise poorly or not at all.
EMBERT_LANES_INLINE Lanes FastExp(Lanes in) {
  const Lanes zero = {};
  const IntLanes nan = in != in;
  Lanes x = nan ? zero : in;
  x = x < -87.33654f ? zero - 87.33654f : x;
  x = x > 88.72283f ? zero + 88.72283f : x;
  const float kRound = 12582912.0f;
  const Lanes n = (x * 1.44269504088896341f + kRound) - kRound;
  const Lanes r = (x - n * 0.693145751953125f) - n * 1.428606765330187e-06f;
  Lanes p = zero + 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const IntLanes ni = __builtin_convertvector(n, IntLanes);
  const IntLanes half = ni / 2;
  const IntLanes b1 = (half + 127) << 23;
  const IntLanes b2 = (ni - half + 127) << 23;
  Lanes s1, s2;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  const Lanes y = p * s1 * s2;
  return nan ? in : (x <= -87.33654f ? zero : y);
}

EMBERT_LANES_INLINE Lanes FastGeluErf(Lanes x) {
  const Lanes zero = {};
  const Lanes z = x * 0.70710678118654752f;
  const Lanes az = z < 0.0f ? -z : z;
  const Lanes t = 1.0f / (1.0f + 0.5f * az);
  Lanes p = zero + 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  const Lanes erfc = t * FastExp(-az * az + p);
  const Lanes one_plus_erf = z >= 0.0f ? 2.0f - erfc : erfc;
  return 0.5f * x * one_plus_erf;
}

}  // namespace embert::kernels

#endif  // EMBERT_SDK_KERNELS_FAST_MATH_H_
