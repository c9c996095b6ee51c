#include "gemm_bench_xnnpack.h"

#include <benchmark/benchmark.h>

#if defined(EMBERT_WITH_XNNPACK)
#include <xnnpack.h>

#include <vector>
#endif

namespace embert::bench {

#if defined(EMBERT_WITH_XNNPACK)
namespace {

void BM_XnnpackQc8(benchmark::State& state, LayerShape shape, size_t m) {
  if (xnn_initialize(nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_initialize failed");
    return;
  }
  GemmOperands d(m, shape.n, shape.k);
  // Contiguous [m][k] input plus the XNN_EXTRA_BYTES it may over-read.
  std::vector<int8_t> input(m * d.k + XNN_EXTRA_BYTES);
  for (size_t r = 0; r < m; ++r) {
    for (size_t i = 0; i < d.k; ++i) input[r * d.k + i] = d.a[r * qgemm::PaddedK(d.k) + i];
  }
  std::vector<int32_t> bias(d.n, 0);
  std::vector<int8_t> output(m * d.n);
  xnn_operator_t op = nullptr;
  // Requantization multiplier 0.02 * 0.001 / 0.05 per channel, well inside
  // XNNPACK's limit.
  if (xnn_create_convolution2d_nhwc_qc8(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, d.k, d.n, d.k, d.n, 0, 0.02f,
                                        d.b_scales.data(), d.w.data(), bias.data(), 0, 0.05f, -127, 127, 0,
                                        &op) != xnn_status_success ||
      xnn_setup_convolution2d_nhwc_qc8(op, 1, m, 1, input.data(), output.data(), nullptr) != xnn_status_success) {
    state.SkipWithError("XNNPACK refused the qc8 1x1 convolution");
    if (op != nullptr) xnn_delete_operator(op);
    return;
  }
  for (auto _ : state) {
    xnn_run_operator(op, nullptr);
    benchmark::DoNotOptimize(output.data());
    benchmark::ClobberMemory();
  }
  state.counters["MAC/s"] =
      benchmark::Counter(static_cast<double>(m * d.n * d.k), benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::OneK::kIs1000);
  xnn_delete_operator(op);
}

}  // namespace

void RegisterXnnpackQc8(const std::string& suffix, LayerShape shape, size_t m) {
  benchmark::RegisterBenchmark(("gemm/xnnpack-qc8" + suffix).c_str(), BM_XnnpackQc8, shape, m)
      ->Unit(benchmark::kMicrosecond);
}

#else

void RegisterXnnpackQc8(const std::string&, LayerShape, size_t) {}

#endif

}  // namespace embert::bench
