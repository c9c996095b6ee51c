#include "gemm_bench_peak.h"

#include <benchmark/benchmark.h>

#include "backend/x86/qgemm_x86.h"

namespace embert::bench {
namespace {

constexpr int kAccumulators = 24;
constexpr long kStepsPerIteration = 4096;

// Inline assembly: compilers copy register arrays around in such loops, and
// the point here is the instruction's own throughput (24 independent
// accumulators hide its latency). The registers' values do not change it.
// Kept as laid out: clang-format 14 changes these bodies again on every pass.
// clang-format off
#define EMBERT_DP(reg, r) "vpdpbusd %%" reg "0, %%" reg "1, %%" reg #r "\n"
#define EMBERT_DP24(reg)                                                                             \
  EMBERT_DP(reg, 8) EMBERT_DP(reg, 9) EMBERT_DP(reg, 10) EMBERT_DP(reg, 11) EMBERT_DP(reg, 12)        \
  EMBERT_DP(reg, 13) EMBERT_DP(reg, 14) EMBERT_DP(reg, 15) EMBERT_DP(reg, 16) EMBERT_DP(reg, 17)      \
  EMBERT_DP(reg, 18) EMBERT_DP(reg, 19) EMBERT_DP(reg, 20) EMBERT_DP(reg, 21) EMBERT_DP(reg, 22)      \
  EMBERT_DP(reg, 23) EMBERT_DP(reg, 24) EMBERT_DP(reg, 25) EMBERT_DP(reg, 26) EMBERT_DP(reg, 27)      \
  EMBERT_DP(reg, 28) EMBERT_DP(reg, 29) EMBERT_DP(reg, 30) EMBERT_DP(reg, 31)
#define EMBERT_CLOBBERS                                                                              \
  "cc", "xmm0", "xmm1", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", \
      "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", \
      "xmm28", "xmm29", "xmm30", "xmm31"
// clang-format on

void SetPeakRate(benchmark::State& state, int macs_per_instruction) {
  const double macs = 1.0 * macs_per_instruction * kAccumulators * kStepsPerIteration;
  state.counters["MAC/s"] =
      benchmark::Counter(macs, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::OneK::kIs1000);
}

__attribute__((target("avx512f"))) void BM_PeakZmm(benchmark::State& state) {
  for (auto _ : state) {
    long steps = kStepsPerIteration;
    asm volatile("1:\n" EMBERT_DP24("zmm") "dec %0\njnz 1b\n" : "+r"(steps) : : EMBERT_CLOBBERS);
  }
  SetPeakRate(state, 64);
}

// ymm16..31 exist only with EVEX (AVX-512 VL): the same instruction as
// AVX-VNNI's, in the encoding this kind of machine has.
__attribute__((target("avx512f"))) void BM_PeakYmm(benchmark::State& state) {
  for (auto _ : state) {
    long steps = kStepsPerIteration;
    asm volatile("1:\n" EMBERT_DP24("ymm") "dec %0\njnz 1b\n" : "+r"(steps) : : EMBERT_CLOBBERS);
  }
  SetPeakRate(state, 32);
}

#undef EMBERT_CLOBBERS
#undef EMBERT_DP24
#undef EMBERT_DP

}  // namespace

void RegisterPeak() {
  if (qgemm::X86KernelsForLevel(qgemm::kX86Avx512Vnni) == nullptr) return;
  benchmark::RegisterBenchmark("peak/vpdpbusd-zmm", BM_PeakZmm)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("peak/vpdpbusd-ymm", BM_PeakYmm)->Unit(benchmark::kMicrosecond);
}

}  // namespace embert::bench
