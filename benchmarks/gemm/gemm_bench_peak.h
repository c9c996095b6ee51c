// The machine's int8 peak right now: a register-only vpdpbusd zmm loop (24
// independent accumulators, no memory). Reported in the same run as the
// kernels, so their share of the peak is meaningful on a shared, noisy VM.
#ifndef EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_PEAK_H_
#define EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_PEAK_H_

namespace embert::bench {

// Registers "peak/vpdpbusd-zmm" and "-ymm" if the CPU has AVX-512 VNNI.
void RegisterPeak();

}  // namespace embert::bench

#endif  // EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_PEAK_H_
