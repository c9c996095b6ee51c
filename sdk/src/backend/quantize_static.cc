// Static activation quantization, shared by every engine: there is no
// per-row maximum to find, so one vectorisable loop serves all CPUs.
#include <cstring>

#include "backend/qgemm.h"
#include "core/lanes.h"
#include "core/vectorize.h"

namespace embert::qgemm {
namespace {

// Clamping before rounding gives the same integers (the bounds are integers)
// and lets adding and subtracting 1.5 * 2^23 round to nearest-even in every
// vector lane (nearbyint would be a libm call per element).
inline int8_t Quantize(float t) {
  t = t <= 127.0f ? t : 127.0f;  // NaN -> 127
  t = t >= -127.0f ? t : -127.0f;
  t = (t + 12582912.0f) - 12582912.0f;
  return static_cast<int8_t>(static_cast<int32_t>(t));
}

typedef int8_t ByteLanes __attribute__((vector_size(kLanes)));

// The same operations on kLanes values at once (the tests check them against
// the definition, tails included).
EMBERT_LANES_INLINE void QuantizeRow(const float* x, const float* mul, float inv, size_t cols, int8_t* q) {
  size_t c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    Lanes t = LoadLanes(x + c);
    if (mul != nullptr) t = t * LoadLanes(mul + c);
    t = t * inv;
    t = t <= 127.0f ? t : Lanes{} + 127.0f;
    t = t >= -127.0f ? t : Lanes{} - 127.0f;
    t = (t + 12582912.0f) - 12582912.0f;
    const ByteLanes b = __builtin_convertvector(__builtin_convertvector(t, IntLanes), ByteLanes);
    std::memcpy(q + c, &b, sizeof b);
  }
  for (; c < cols; ++c) q[c] = Quantize(mul != nullptr ? x[c] * mul[c] * inv : x[c] * inv);
}

}  // namespace

EMBERT_VECTORIZE void QuantizeStatic(const QuantizeArgs& args, float scale) {
  const float inv = 1.0f / scale;
  const size_t cols = args.cols;
  for (size_t r = 0; r < args.rows; ++r) {
    const float* x = args.x + r * args.x_stride;
    if (args.layout == ActivationLayout::kRows) {
      int8_t* q = args.q + r * args.q_stride;
      QuantizeRow(x, args.mul, inv, cols, q);
      std::memset(q + cols, 0, args.q_stride - cols);
    } else {
      // The same values a chunk at a time, then moved to their places.
      const size_t m = args.first_row + r;
      int8_t chunk[4 * kLanes];
      for (size_t c = 0; c < cols; c += sizeof chunk) {
        const size_t n = cols - c < sizeof chunk ? cols - c : sizeof chunk;
        QuantizeRow(x + c, args.mul != nullptr ? args.mul + c : nullptr, inv, n, chunk);
        WriteRowBytes(args.layout, args.q, args.q_stride, m, c, chunk, n);
      }
      WriteRowBytes(args.layout, args.q, args.q_stride, m, cols, nullptr, args.q_stride - cols);
    }
    args.scales[r] = scale;
  }
}

}  // namespace embert::qgemm
