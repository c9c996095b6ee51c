// End-to-end encoder latency (token ids in, last hidden states and the head
// out), per sequence length and thread count, plus model load and context
// creation. The model comes from $EMBERT_BENCH_MODEL (see
// benchmarks/make-bench-models.sh for the BERT-base and small configs).
//
//   EMBERT_BENCH_MODEL=build/bench/bert-base.embert build/bin/encoder_bench
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <sys/resource.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "embert/embert.h"

namespace {

const char* ModelPath() {
  const char* p = std::getenv("EMBERT_BENCH_MODEL");
  return p ? p : "";
}

struct Session {
  embert_model* model = nullptr;
  embert_context* ctx = nullptr;
  void* arena = nullptr;
  size_t arena_size = 0;
  ~Session() {
    embert_context_destroy(ctx);
    std::free(arena);
    embert_model_destroy(model);
  }
};

bool Open(Session* s, uint32_t seq, uint32_t threads, std::string* error) {
  char err[256];
  if (embert_model_load_file(ModelPath(), &s->model, err, sizeof err) != EMBERT_STATUS_OK) {
    *error = err;
    return false;
  }
  embert_context_options opt;
  embert_context_options_init(&opt);
  opt.max_seq_len = seq;
  opt.num_threads = threads;
  if (embert_context_arena_size(s->model, &opt, &s->arena_size) != EMBERT_STATUS_OK) {
    *error = "arena size";
    return false;
  }
  s->arena = std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, (s->arena_size + 63) / 64 * 64);
  if (embert_context_create(s->model, &opt, s->arena, s->arena_size, &s->ctx, err, sizeof err) != EMBERT_STATUS_OK) {
    *error = err;
    return false;
  }
  return true;
}

// The process's peak resident set so far (the model's mapped pages that were
// touched, the arena, the code): getrusage reports it in KiB on Linux.
double PeakRssBytes() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

void BM_Encoder(benchmark::State& state) {
  const auto seq = static_cast<uint32_t>(state.range(0));
  const auto threads = static_cast<uint32_t>(state.range(1));
  Session s;
  std::string error;
  uint32_t max_seq = 0, vocab = 0, labels = 0;
  if (!Open(&s, 0, threads, &error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  embert_model_get(s.model, EMBERT_MODEL_MAX_SEQ_LEN, &max_seq);
  embert_model_get(s.model, EMBERT_MODEL_VOCAB_SIZE, &vocab);
  embert_model_get(s.model, EMBERT_MODEL_NUM_LABELS, &labels);
  if (seq > max_seq) {
    state.SkipWithError("sequence longer than the model allows");
    return;
  }
  // Re-open with a context sized for this length only.
  Session sized;
  if (!Open(&sized, seq, threads, &error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::vector<int32_t> ids(seq);
  for (uint32_t i = 0; i < seq; ++i) ids[i] = static_cast<int32_t>((1000 + 37 * i) % vocab);
  for (auto _ : state) {
    embert_set_tokens(sized.ctx, ids.data(), nullptr, nullptr, seq);
    if (labels > 0) {
      embert_classification r;
      r.struct_size = sizeof r;
      embert_classify(sized.ctx, &r);
    } else {
      const float* h = nullptr;
      size_t rows = 0, cols = 0;
      embert_hidden_states(sized.ctx, &h, &rows, &cols);
    }
  }
  state.counters["arena_bytes"] = static_cast<double>(sized.arena_size);
  state.counters["peak_rss_bytes"] = PeakRssBytes();
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(seq) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetLabel(embert_context_engine_description(sized.ctx));
}
BENCHMARK(BM_Encoder)
    ->ArgsProduct({{8, 16, 32, 64, 128, 256}, {1, 2}})
    ->ArgNames({"seq", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_LoadAndCreateContext(benchmark::State& state) {
  for (auto _ : state) {
    Session s;
    std::string error;
    if (!Open(&s, 128, 1, &error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    benchmark::DoNotOptimize(s.ctx);
  }
  state.counters["peak_rss_bytes"] = PeakRssBytes();
}
BENCHMARK(BM_LoadAndCreateContext)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
