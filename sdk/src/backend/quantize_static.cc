// Static activation quantization, shared by every engine: there is no
// per-row maximum to find, so one vectorisable loop serves all CPUs.
#include <cmath>
#include <cstring>

#include "backend/qgemm.h"
#include "core/vectorize.h"

namespace embert::qgemm {

EMBERT_VECTORIZE void QuantizeStatic(const QuantizeArgs& args, float scale) {
  const float inv = 1.0f / scale;
  for (size_t r = 0; r < args.rows; ++r) {
    const float* x = args.x + r * args.x_stride;
    int8_t* q = args.q + r * args.q_stride;
    for (size_t c = 0; c < args.cols; ++c) {
      const float v = args.mul ? x[c] * args.mul[c] : x[c];
      float t = std::nearbyint(v * inv);
      t = t <= 127.0f ? t : 127.0f;  // NaN -> 127
      t = t >= -127.0f ? t : -127.0f;
      q[c] = static_cast<int8_t>(t);
    }
    std::memset(q + args.cols, 0, args.q_stride - args.cols);
    args.scales[r] = scale;
  }
}

}  // namespace embert::qgemm
