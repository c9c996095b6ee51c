#include "quantize/quantize.h"

#include <cfloat>
#include <cmath>

namespace embert::convert {

QuantizedMatrix QuantizePerRow(const Matrix& m) {
  QuantizedMatrix q;
  q.values.resize(size_t{m.rows} * m.cols);
  q.scales.resize(m.rows);
  double err2 = 0, norm2 = 0;
  for (uint32_t r = 0; r < m.rows; ++r) {
    const float* w = m.data.data() + size_t{r} * m.cols;
    float absmax = 0;
    for (uint32_t c = 0; c < m.cols; ++c) absmax = std::fmax(absmax, std::fabs(w[c]));
    float scale = absmax / 127.0f;
    // A zero (or denormal) row: any positive scale gives q = 0; 1 keeps the
    // loader's "finite and positive" check and the arithmetic simple.
    if (!(scale >= FLT_MIN)) scale = 1.0f;
    q.scales[r] = scale;
    int8_t* out = q.values.data() + size_t{r} * m.cols;
    for (uint32_t c = 0; c < m.cols; ++c) {
      // The quotient in double: in float, w/scale = 63.49999 can round to
      // 63.5 and then to 64, 2e-6 scale past the |W - q*scale| <= scale/2
      // bound that the file promises (and the tests check).
      double v = std::nearbyint(static_cast<double>(w[c]) / static_cast<double>(scale));
      v = std::fmin(127.0, std::fmax(-127.0, v));
      out[c] = static_cast<int8_t>(v);
      const double e = static_cast<double>(w[c]) - static_cast<double>(out[c]) * scale;
      q.max_abs_error = std::fmax(q.max_abs_error, std::fabs(e));
      err2 += e * e;
      norm2 += static_cast<double>(w[c]) * w[c];
    }
  }
  q.relative_rms = norm2 > 0 ? std::sqrt(err2 / norm2) : 0.0;
  return q;
}

}  // namespace embert::convert
