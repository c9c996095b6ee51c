#include "kernels/gelu.h"

#include "core/lanes.h"
#include "kernels/fast_math.h"
#include "kernels/float_neon.h"
#include "kernels/fused_dispatch.h"

namespace embert::kernels {
namespace {

// Fused, the rational erf's ten Horner steps take a third less time (a
// division and a few selects remain): BERT-base at 128 tokens spends 5 % of
// a run here (benchmarks/RESULTS.md).
EMBERT_LANES_INLINE void GeluRows(float* x, size_t x_stride, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * x_stride;
    size_t c = 0;
    for (; c + kLanes <= cols; c += kLanes) StoreLanes(row + c, FastGeluErf(LoadLanes(row + c)));
    for (; c < cols; ++c) row[c] = FastGeluErf(row[c]);
  }
}

}  // namespace

#if defined(EMBERT_FMA_CLONES)
EMBERT_FMA_CLONES void GeluErf(float* x, size_t x_stride, size_t rows, size_t cols) {
  GeluRows(x, x_stride, rows, cols);
}
#elif defined(EMBERT_VFPV4_TARGET)
EMBERT_VFPV4_TARGET static void GeluErfVfpv4(float* x, size_t x_stride, size_t rows, size_t cols) {
  GeluRows(x, x_stride, rows, cols);
}

void GeluErf(float* x, size_t x_stride, size_t rows, size_t cols) {
  if (CpuHasVfpv4()) {
    GeluErfVfpv4(x, x_stride, rows, cols);
  } else {
    GeluRows(x, x_stride, rows, cols);
  }
}
#elif defined(EMBERT_FLOAT_NEON)
// aarch64 runs the NEON kernel (float_neon.h); this one is its reference.
void GeluErf(float* x, size_t x_stride, size_t rows, size_t cols) { GeluErfNeon(x, x_stride, rows, cols); }
void GeluErfLanes(float* x, size_t x_stride, size_t rows, size_t cols) { GeluRows(x, x_stride, rows, cols); }
#else
void GeluErf(float* x, size_t x_stride, size_t rows, size_t cols) { GeluRows(x, x_stride, rows, cols); }
#endif

}  // namespace embert::kernels
