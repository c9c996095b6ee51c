// Portable kernels that define the int8 arithmetic of qgemm.h. They read the
// weights in place (no packing), so a context on this engine adds nothing
// for weights to its arena.
#include <cmath>
#include <cstring>

#include "backend/qgemm.h"
#include "core/vectorize.h"

namespace embert::qgemm {
namespace {

EMBERT_VECTORIZE void QuantizeReference(const QuantizeArgs& args) {
  for (size_t r = 0; r < args.rows; ++r) {
    const float* x = args.x + r * args.x_stride;
    int8_t* q = args.q + r * args.q_stride;
    float absmax = 0.0f;
    for (size_t c = 0; c < args.cols; ++c) {
      const float v = args.mul ? x[c] * args.mul[c] : x[c];
      const float a = std::fabs(v);
      absmax = a > absmax ? a : absmax;  // as fmax: a NaN never wins
    }
    if (absmax == 0.0f || !std::isfinite(absmax)) {
      // A zero row quantizes to zeros; a non-finite one too, and its scale
      // makes the output non-finite so the error is not hidden.
      std::memset(q, 0, args.q_stride);
      args.scales[r] = absmax == 0.0f ? 0.0f : absmax;
      continue;
    }
    const float inv = 127.0f / absmax;
    for (size_t c = 0; c < args.cols; ++c) {
      const float v = args.mul ? x[c] * args.mul[c] : x[c];
      float t = std::nearbyint(v * inv);
      // As fmin(127, fmax(-127, t)): NaN becomes -127, never an int cast of NaN.
      t = t >= -127.0f ? t : -127.0f;
      t = t <= 127.0f ? t : 127.0f;
      q[c] = static_cast<int8_t>(t);
    }
    std::memset(q + args.cols, 0, args.q_stride - args.cols);
    args.scales[r] = absmax / 127.0f;
  }
}

EMBERT_VECTORIZE void GemmReference(const GemmArgs& args, size_t m0, size_t m1, size_t n0, size_t n1) {
  const auto* w = static_cast<const int8_t*>(args.b);
  for (size_t m = m0; m < m1; ++m) {
    const int8_t* a = args.a + m * args.a_stride;
    float* out = args.out + m * args.out_stride;
    for (size_t n = n0; n < n1; ++n) {
      const int8_t* b = w + n * args.k;
      int32_t acc = 0;
      for (size_t k = 0; k < args.k; ++k) acc += int32_t{a[k]} * int32_t{b[k]};
      const float scale = args.a_scales[m] * args.b_scales[n];
      out[n] = std::fma(static_cast<float>(acc), scale, args.bias ? args.bias[n] : 0.0f);
    }
  }
}

}  // namespace

const Kernels& ReferenceKernels() {
  static const Kernels kernels = {
      "reference", [](size_t, size_t) -> size_t { return 0; }, nullptr, QuantizeReference, GemmReference, 1, 0};
  return kernels;
}

}  // namespace embert::qgemm
