// embert bench: latency of one encoder run from token ids, in process.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "session.h"

namespace embert_cli {
namespace {

constexpr uint32_t kDefaultSeqLen = 128;

struct Stats {
  double median_ms;
  double p90_ms;
  double min_ms;
  double mean_ms;
};

Stats Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  Stats s;
  s.min_ms = ms.front();
  s.median_ms = n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  const size_t rank = (9 * n + 9) / 10;  // nearest rank: ceil(0.9 n)
  s.p90_ms = ms[std::max<size_t>(rank, 1) - 1];
  double sum = 0;
  for (double v : ms) sum += v;
  s.mean_ms = sum / static_cast<double>(n);
  return s;
}

// [CLS] + (n - 2) x the id of "the" + [SEP], with the ids the model's own
// tokenizer gives.
embert_status SyntheticIds(embert_context* ctx, uint32_t n, std::vector<int32_t>* ids) {
  static const char kWord[] = "the";
  embert_status s = embert_tokenize(ctx, kWord, sizeof kWord - 1, nullptr, 0);
  if (s != EMBERT_STATUS_OK) return s;
  embert_tokens t;
  t.struct_size = sizeof t;
  s = embert_get_tokens(ctx, &t);
  if (s != EMBERT_STATUS_OK) return s;
  if (t.count < 3) return EMBERT_STATUS_INTERNAL;
  ids->assign(n, t.input_ids[1]);
  ids->front() = t.input_ids[0];
  ids->back() = t.input_ids[t.count - 1];
  return EMBERT_STATUS_OK;
}

// The process's peak resident memory so far (mapped model pages, arena, the
// program itself), or 0 where the system does not say. On a Pi this is the
// device's figure; under qemu-user it is qemu's, emulator included.
uint64_t PeakRssBytes() {
  struct rusage u;
  if (getrusage(RUSAGE_SELF, &u) != 0 || u.ru_maxrss <= 0) return 0;
  return static_cast<uint64_t>(u.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace

int RunBench(const Options& options) {
  Session session;
  if (!session.LoadModel(options.model.c_str())) return kExitRuntimeError;
  const uint32_t model_max = session.Property(EMBERT_MODEL_MAX_SEQ_LEN);
  const uint32_t seq_len = options.has_seq_len       ? options.seq_len
                           : options.has_max_seq_len ? options.max_seq_len
                                                     : std::min(kDefaultSeqLen, model_max);
  if (seq_len < 3 || seq_len > model_max) {
    PrintError("bench: --seq-len %u is outside the model's range 3..%u", static_cast<unsigned>(seq_len),
               static_cast<unsigned>(model_max));
    return kExitRuntimeError;
  }
  const uint32_t context_len = options.has_max_seq_len ? options.max_seq_len : seq_len;
  // --batch K: K inputs of seq_len tokens packed into each run.
  embert_context_options context_options = ContextOptionsFor(options, context_len);
  context_options.max_batch_tokens = options.batch > 1 ? options.batch * seq_len : 0;
  if (!session.CreateContext(context_options)) return kExitRuntimeError;
  embert_context* ctx = session.context();

  std::vector<int32_t> ids;
  embert_status s = SyntheticIds(ctx, seq_len, &ids);
  if (s != EMBERT_STATUS_OK) {
    PrintStatusError("bench: cannot make token ids", s, embert_context_last_error(ctx));
    return kExitRuntimeError;
  }
  const bool classify = session.Property(EMBERT_MODEL_NUM_LABELS) > 0;
  const uint32_t batch = options.batch;
  std::vector<int32_t> packed;
  for (uint32_t i = 0; i < batch; ++i) packed.insert(packed.end(), ids.begin(), ids.end());
  const std::vector<size_t> lengths(batch, seq_len);
  std::vector<embert_classification> results(batch);
  for (auto& r : results) r.struct_size = sizeof r;
  auto run_once = [&]() {
    if (batch > 1) {
      embert_status st = embert_set_batch_tokens(ctx, packed.data(), nullptr, lengths.data(), batch);
      if (st != EMBERT_STATUS_OK || !classify) {
        const float* states = nullptr;
        size_t rows = 0, cols = 0;
        return st != EMBERT_STATUS_OK ? st : embert_hidden_states(ctx, &states, &rows, &cols);
      }
      return embert_classify_batch(ctx, results.data(), batch);
    }
    embert_status st = embert_set_tokens(ctx, ids.data(), nullptr, nullptr, ids.size());
    if (st != EMBERT_STATUS_OK) return st;
    if (classify) {
      embert_classification c;
      c.struct_size = sizeof c;
      return embert_classify(ctx, &c);
    }
    const float* states = nullptr;
    size_t rows = 0;
    size_t cols = 0;
    return embert_hidden_states(ctx, &states, &rows, &cols);
  };

  for (uint32_t i = 0; i < options.warmup; ++i) {
    if ((s = run_once()) != EMBERT_STATUS_OK) break;
  }
  std::vector<double> ms;
  ms.reserve(options.iterations);
  for (uint32_t i = 0; i < options.iterations && s == EMBERT_STATUS_OK; ++i) {
    const auto start = std::chrono::steady_clock::now();
    s = run_once();
    const auto end = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  if (s != EMBERT_STATUS_OK) {
    PrintStatusError("bench: run failed", s, embert_context_last_error(ctx));
    return kExitRuntimeError;
  }
  const Stats st = Summarize(ms);
  const char* task = classify ? "classify" : "hidden_states";
  const char* engine = embert_context_engine_description(ctx);

  if (options.jsonl) {
    JsonWriter w;
    w.BeginObject();
    w.Key("seq_len").Uint(seq_len);
    w.Key("batch").Uint(batch);
    w.Key("max_seq_len").Uint(context_len);
    w.Key("threads").Uint(options.threads);
    w.Key("engine").String(engine);
    w.Key("task").String(task);
    w.Key("iterations").Uint(options.iterations);
    w.Key("warmup").Uint(options.warmup);
    w.Key("median_ms").Double(st.median_ms);
    w.Key("p90_ms").Double(st.p90_ms);
    w.Key("min_ms").Double(st.min_ms);
    w.Key("mean_ms").Double(st.mean_ms);
    w.Key("arena_bytes").Uint(session.arena_size());
    w.Key("peak_rss_bytes").Uint(PeakRssBytes());
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
  } else {
    std::printf(
        "%s, seq_len %u, threads %u, %s: median %.3f ms, p90 %.3f ms, min %.3f ms (%u iterations), "
        "peak RSS %.1f MiB\n",
        task, static_cast<unsigned>(seq_len), static_cast<unsigned>(options.threads), engine, st.median_ms, st.p90_ms,
        st.min_ms, static_cast<unsigned>(options.iterations), static_cast<double>(PeakRssBytes()) / (1024.0 * 1024.0));
  }
  if (std::fflush(stdout) != 0) {
    PrintError("cannot write the output");
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace embert_cli
