// GMAC/s of the int8 GEMM kernels, single thread: every x86 level this CPU
// runs, the portable reference, and XNNPACK 2022's qc8 for comparison, all
// in one run so they can be compared (machines are noisy). Also the row
// quantizer, which every int8 layer runs before its GEMM.
//
//   gemm_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   gemm_bench --benchmark_filter='gemm/avx512-vnni/base'
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>

#include "backend/qgemm.h"
#include "backend/x86/qgemm_x86.h"
#include "gemm_bench_data.h"
#include "gemm_bench_peak.h"
#include "gemm_bench_xnnpack.h"

namespace embert::bench {
namespace {

using qgemm::Kernels;

void SetMacRate(benchmark::State& state, size_t m, size_t n, size_t k) {
  state.counters["MAC/s"] = benchmark::Counter(
      static_cast<double>(m * n * k), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::OneK::kIs1000);
}

void BM_Gemm(benchmark::State& state, const Kernels* kernels, LayerShape shape, size_t m) {
  GemmOperands d(m, shape.n, shape.k);
  const size_t bytes = kernels->packed_size(d.n, d.k);
  void* packed = bytes ? std::aligned_alloc(64, (bytes + 63) / 64 * 64) : nullptr;
  if (packed != nullptr) kernels->pack(d.w.data(), d.n, d.k, packed);
  const qgemm::GemmArgs args{d.a.data(),
                             qgemm::PaddedK(d.k),
                             d.a_scales.data(),
                             packed ? packed : d.w.data(),
                             d.b_scales.data(),
                             d.bias.data(),
                             d.out.data(),
                             d.n,
                             d.m,
                             d.n,
                             d.k};
  for (auto _ : state) {
    kernels->gemm(args, 0, d.m, 0, d.n);
    benchmark::DoNotOptimize(d.out.data());
    benchmark::ClobberMemory();
  }
  SetMacRate(state, d.m, d.n, d.k);
  std::free(packed);
}

void BM_Quantize(benchmark::State& state, const Kernels* kernels, size_t k, size_t m) {
  std::mt19937 rng(1);
  std::normal_distribution<float> f(0.0f, 1.0f);
  std::vector<float> x(m * k), mul(k);
  for (auto& v : x) v = f(rng);
  for (auto& v : mul) v = 1.0f + 0.1f * f(rng);
  std::vector<int8_t> q(m * qgemm::PaddedK(k));
  std::vector<float> scales(m);
  const qgemm::QuantizeArgs args{x.data(), k, m, k, mul.data(), q.data(), qgemm::PaddedK(k), scales.data()};
  for (auto _ : state) {
    kernels->quantize(args);
    benchmark::DoNotOptimize(q.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * m * k * sizeof(float)));
}

// Packing runs once per layer when a context is built.
void BM_Pack(benchmark::State& state, const Kernels* kernels, LayerShape shape) {
  GemmOperands d(1, shape.n, shape.k);
  void* packed = std::aligned_alloc(64, (kernels->packed_size(d.n, d.k) + 63) / 64 * 64);
  for (auto _ : state) {
    kernels->pack(d.w.data(), d.n, d.k, packed);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * d.n * d.k));
  std::free(packed);
}

void RegisterAll() {
  RegisterPeak();
  std::vector<const Kernels*> levels;
  for (int level = 0; level < qgemm::kX86LevelCount; ++level) {
    if (const Kernels* k = qgemm::X86KernelsForLevel(level)) levels.push_back(k);
  }
  for (const LayerShape& s : kLayerShapes) {
    for (size_t m : kRowCounts) {
      const std::string suffix = std::string("/") + s.name + "/M:" + std::to_string(m);
      for (const Kernels* k : levels) {
        benchmark::RegisterBenchmark(("gemm/" + std::string(k->name) + suffix).c_str(), BM_Gemm, k, s, m)
            ->Unit(benchmark::kMicrosecond);
      }
      RegisterXnnpackQc8(suffix, s, m);
      // The portable loops are ~50x slower: a few row counts show the ratio.
      if (m == 1 || m == 32 || m == 128) {
        benchmark::RegisterBenchmark(("gemm/reference" + suffix).c_str(), BM_Gemm, &qgemm::ReferenceKernels(), s, m)
            ->Unit(benchmark::kMicrosecond);
      }
    }
  }
  for (const Kernels* k : levels) {
    const LayerShape& s = kLayerShapes[2];  // base_ffn_up, 768 x 3072
    benchmark::RegisterBenchmark(("pack/" + std::string(k->name) + "/" + s.name).c_str(), BM_Pack, k, s)
        ->Unit(benchmark::kMicrosecond);
  }
  for (size_t k : {768, 3072}) {
    for (const Kernels* kk : levels) {
      benchmark::RegisterBenchmark(("quantize/" + std::string(kk->name) + "/K:" + std::to_string(k) + "/M:128").c_str(),
                                   BM_Quantize, kk, k, size_t{128})
          ->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark(("quantize/reference/K:" + std::to_string(k) + "/M:128").c_str(), BM_Quantize,
                                 &qgemm::ReferenceKernels(), k, size_t{128})
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace embert::bench

int main(int argc, char** argv) {
  embert::bench::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
