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

// erf GELU: 0.5 x (1 + erf(x / sqrt 2)), with erf(z) = z P(u) / Q(u), u =
// (z / 3.92)^2, for |z| < 3.92 and +-1 beyond (erf(3.92) = 1 - 5e-8): a
// rational fit of degree 5/5 made for this project by fit_gelu_erf.py (in
// this folder; it prints these coefficients and the errors). Max error of the
// erf fit in double: 1.6e-8; of this float GELU against the definition:
// 6.5e-7 for |x| < 4, 1.1e-6 (an ulp of x) up to |x| = 12. One division and
// 22 multiply-adds: 2.6x faster than the erfc-via-exp form it replaced
// (benchmarks/encoder/stages_bench, BM_Gelu).
inline constexpr float kGeluErfP[6] = {1.128378987312317f,  2.961811065673828f, 12.528413772583008f,
                                       14.033097267150879f, 16.0277099609375f,  1.7434183359146118f};
inline constexpr float kGeluErfQ[6] = {
    1.0f, 7.746944427490234f, 27.17273712158203f, 55.045738220214844f, 66.23387908935547f, 32.61819839477539f};
inline constexpr float kGeluErfClamp = 3.92f;
inline constexpr float kGeluErfInvClamp2 = 1.0f / (3.92f * 3.92f);

inline float FastGeluErf(float x) {
  float z = x * 0.70710678118654752f;
  z = z <= kGeluErfClamp ? z : kGeluErfClamp;
  z = z >= -kGeluErfClamp ? z : -kGeluErfClamp;
  z = x != x ? x : z;  // the clamps turned NaN into a bound: NaN in, NaN out
  const float u = (z * z) * kGeluErfInvClamp2;
  float p = kGeluErfP[5], q = kGeluErfQ[5];
  for (int i = 4; i >= 0; --i) {
    p = p * u + kGeluErfP[i];
    q = q * u + kGeluErfQ[i];
  }
  float erf = (z * p) / q;
  // Exactly +-1 beyond the fit, so GELU is exactly 0 for very negative x.
  erf = z >= kGeluErfClamp ? 1.0f : (z <= -kGeluErfClamp ? -1.0f : erf);
  return (0.5f * x) * (1.0f + erf);
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
  Lanes z = x * 0.70710678118654752f;
  z = z <= kGeluErfClamp ? z : zero + kGeluErfClamp;
  z = z >= -kGeluErfClamp ? z : zero - kGeluErfClamp;
  z = x != x ? x : z;
  const Lanes u = (z * z) * kGeluErfInvClamp2;
  Lanes p = zero + kGeluErfP[5], q = zero + kGeluErfQ[5];
  for (int i = 4; i >= 0; --i) {
    p = p * u + kGeluErfP[i];
    q = q * u + kGeluErfQ[i];
  }
  Lanes erf = (z * p) / q;
  erf = z >= kGeluErfClamp ? zero + 1.0f : (z <= -kGeluErfClamp ? zero - 1.0f : erf);
  return (0.5f * x) * (1.0f + erf);
}

}  // namespace embert::kernels

#endif  // EMBERT_SDK_KERNELS_FAST_MATH_H_
