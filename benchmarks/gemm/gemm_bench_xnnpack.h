// XNNPACK 2022's per-channel int8 GEMM (qc8, a 1x1 convolution, as the
// notes in /work/shared/notes/xnnpack-2022.md found it) on the same shapes,
// for comparison. Its output is requantized int8, ours fp32 with bias; the
// multiply-accumulate work is the same.
#ifndef EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_XNNPACK_H_
#define EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_XNNPACK_H_

#include <string>

#include "gemm_bench_data.h"

namespace embert::bench {

// Registers "gemm/xnnpack-qc8<suffix>"; nothing without XNNPACK.
void RegisterXnnpackQc8(const std::string& suffix, LayerShape shape, size_t m);

}  // namespace embert::bench

#endif  // EMBERT_BENCHMARKS_GEMM_GEMM_BENCH_XNNPACK_H_
