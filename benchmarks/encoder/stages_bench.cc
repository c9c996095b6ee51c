// Where a BERT-base run spends its time, stage by stage, single thread, on
// the SDK's own kernels with BERT-base shapes (hidden 768, 12 heads, FFN 3072)
// and random data: each of the four GEMMs of a layer (with the activation
// quantization before it), attention, the residual add + LayerNorm, GELU.
// One layer of BERT-base is: quantize+GEMM query/key/value (3 x 768x768, one
// quantization), attention, attention output (768x768), add+LayerNorm,
// intermediate (3072x768), GELU, output (768x3072), add+LayerNorm; a run is 12
// of them plus the embeddings and the pooler. The tokenizer has its own
// benchmark (benchmarks/tokenizer).
//
//   stages_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "backend/qgemm.h"
#include "bert_base_shapes.h"
#include "kernels/activations.h"
#include "kernels/attention.h"
#include "kernels/layer_norm.h"

namespace {

using embert::qgemm::Kernels;

using embert::bench::kHeadDim;
using embert::bench::kHeads;
using embert::bench::kHidden;
using embert::bench::kInter;
using embert::bench::Random;

// Quantize the input rows, then the GEMM, as an int8 linear layer runs.
void BM_Linear(benchmark::State& state, size_t out, size_t in) {
  const size_t seq = static_cast<size_t>(state.range(0));
  const Kernels& k = embert::qgemm::BestKernels();
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> q(-127, 127);
  std::vector<int8_t> w(out * in);
  for (auto& x : w) x = static_cast<int8_t>(q(rng));
  std::vector<uint8_t> packed(k.packed_size(out, in));
  if (!packed.empty()) k.pack(w.data(), out, in, packed.data());
  const void* b = packed.empty() ? static_cast<const void*>(w.data()) : packed.data();
  const std::vector<float> x = Random(seq * in, 1.0f, 2), w_scales(out, 0.01f), bias(out, 0.1f);
  const size_t stride = embert::qgemm::PaddedK(in);
  std::vector<int8_t> a(embert::qgemm::RowsToPlan(seq) * stride);
  std::vector<float> a_scales(seq), y(seq * out);
  for (auto _ : state) {
    k.quantize({x.data(), in, seq, in, nullptr, a.data(), stride, a_scales.data(), k.a_layout});
    k.gemm({a.data(), stride, a_scales.data(), b, w_scales.data(), bias.data(), y.data(), out, seq, out, in}, 0, seq, 0,
           out);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetLabel(k.name);
  state.counters["MAC/s"] =
      benchmark::Counter(static_cast<double>(seq * out * in), benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::OneK::kIs1000);
}

void BM_Attention(benchmark::State& state) {
  const size_t seq = static_cast<size_t>(state.range(0));
  const std::vector<float> qkv = Random(seq * 3 * kHidden, 1.0f, 3);
  std::vector<float> out(seq * kHidden), scratch(embert::kernels::AttentionScratchFloats(seq, kHeadDim));
  const embert::kernels::AttentionArgs args{qkv.data(),
                                            qkv.data() + kHidden,
                                            qkv.data() + 2 * kHidden,
                                            3 * kHidden,
                                            nullptr,
                                            out.data(),
                                            kHidden,
                                            seq,
                                            kHeads,
                                            kHeadDim,
                                            scratch.data()};
  for (auto _ : state) {
    embert::kernels::Attention(args, 0, kHeads);
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_AddLayerNorm(benchmark::State& state) {
  const size_t seq = static_cast<size_t>(state.range(0));
  const std::vector<float> x0 = Random(seq * kHidden, 1.0f, 4), residual = Random(seq * kHidden, 1.0f, 5);
  const std::vector<float> gamma(kHidden, 1.0f), beta(kHidden, 0.0f);
  std::vector<float> x = x0;
  for (auto _ : state) {
    state.PauseTiming();
    x = x0;  // LayerNorm works in place
    state.ResumeTiming();
    embert::kernels::AddLayerNorm(x.data(), kHidden, residual.data(), kHidden, seq, kHidden, gamma.data(), beta.data(),
                                  1e-12f);
    benchmark::DoNotOptimize(x.data());
  }
}

void BM_Gelu(benchmark::State& state) {
  const size_t seq = static_cast<size_t>(state.range(0));
  const std::vector<float> x0 = Random(seq * kInter, 2.0f, 6);
  std::vector<float> x = x0;
  for (auto _ : state) {
    state.PauseTiming();
    x = x0;
    state.ResumeTiming();
    embert::kernels::Activate(embert::kernels::Activation::kGeluErf, x.data(), kInter, seq, kInter);
    benchmark::DoNotOptimize(x.data());
  }
}

void Lengths(benchmark::internal::Benchmark* b) {
  b->ArgName("seq")->Arg(8)->Arg(32)->Arg(128)->Arg(256)->Unit(benchmark::kMicrosecond);
}

BENCHMARK_CAPTURE(BM_Linear, qkv_one_of_three_768x768, kHidden, kHidden)->Apply(Lengths);
BENCHMARK_CAPTURE(BM_Linear, attention_output_768x768, kHidden, kHidden)->Apply(Lengths);
BENCHMARK_CAPTURE(BM_Linear, intermediate_3072x768, kInter, kHidden)->Apply(Lengths);
BENCHMARK_CAPTURE(BM_Linear, output_768x3072, kHidden, kInter)->Apply(Lengths);
BENCHMARK(BM_Attention)->Apply(Lengths);
BENCHMARK(BM_AddLayerNorm)->Apply(Lengths);
BENCHMARK(BM_Gelu)->Apply(Lengths);

}  // namespace

BENCHMARK_MAIN();
