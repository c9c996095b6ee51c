// Embedding throughput of a corpus of short texts through the C API: one
// text per run (embert_tokenize + embert_embed) or packed runs
// (embert_tokenize_batch + embert_embed_batch of max_batch_tokens tokens).
// Every repetition embeds the whole corpus (tokenization included); prints
// one JSON line with the median and every repetition's lines per second.
//
//   embed_throughput --model M.embert --texts FILE [--threads T] [--batch-tokens N (0: one per run)]
//                    [--repeats R] [--pooling mean|cls]
//
// No Google Benchmark: a repetition is a fixed amount of work (the corpus),
// the figure users get from `embert embed --input FILE`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "embert/embert.h"

namespace {

const char* Arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

[[noreturn]] void Fail(const char* what, const char* detail) {
  std::fprintf(stderr, "embed_throughput: %s: %s\n", what, detail);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const char* model_path = Arg(argc, argv, "--model", nullptr);
  const char* texts_path = Arg(argc, argv, "--texts", nullptr);
  if (model_path == nullptr || texts_path == nullptr) {
    std::fprintf(stderr, "usage: embed_throughput --model M --texts FILE [--threads T] [--batch-tokens N] "
                         "[--repeats R] [--pooling mean|cls]\n");
    return 2;
  }
  const uint32_t threads = static_cast<uint32_t>(std::atoi(Arg(argc, argv, "--threads", "1")));
  const uint32_t batch_tokens = static_cast<uint32_t>(std::atoi(Arg(argc, argv, "--batch-tokens", "0")));
  const int repeats = std::atoi(Arg(argc, argv, "--repeats", "5"));
  const embert_pooling pooling =
      std::strcmp(Arg(argc, argv, "--pooling", "mean"), "cls") == 0 ? EMBERT_POOLING_CLS : EMBERT_POOLING_MEAN;

  std::vector<std::string> texts;
  std::ifstream in(texts_path);
  for (std::string line; std::getline(in, line);) texts.push_back(line);
  if (texts.empty()) Fail("no texts in", texts_path);

  char err[256];
  embert_model* model = nullptr;
  if (embert_model_load_file(model_path, &model, err, sizeof err) != EMBERT_STATUS_OK) Fail(model_path, err);
  embert_context_options o;
  embert_context_options_init(&o);
  o.num_threads = threads;
  o.max_seq_len = 128;  // every text of a short-text corpus fits
  o.max_batch_tokens = batch_tokens;
  size_t size = 0;
  if (embert_context_arena_size_ex(model, &o, &size, err, sizeof err) != EMBERT_STATUS_OK) Fail("plan", err);
  void* arena = std::aligned_alloc(2u << 20, (size + (2u << 20) - 1) / (2u << 20) * (2u << 20));
  embert_context* ctx = nullptr;
  if (embert_context_create(model, &o, arena, size, &ctx, err, sizeof err) != EMBERT_STATUS_OK) Fail("create", err);

  std::vector<embert_text> items;
  size_t tokens = 0;
  for (const auto& t : texts) {
    items.push_back(embert_text{t.data(), t.size(), nullptr, 0});
    embert_tokens tk;
    tk.struct_size = sizeof tk;
    if (embert_tokenize(ctx, t.data(), t.size(), nullptr, 0) == EMBERT_STATUS_OK &&
        embert_get_tokens(ctx, &tk) == EMBERT_STATUS_OK) {
      tokens += tk.count;
    }
  }
  double checksum = 0.0;  // keeps the results alive
  auto embed_corpus = [&]() {
    size_t runs = 0;
    const float* v = nullptr;
    size_t n = 0, dim = 0;
    if (batch_tokens == 0) {
      for (const auto& t : texts) {
        if (embert_tokenize(ctx, t.data(), t.size(), nullptr, 0) != EMBERT_STATUS_OK ||
            embert_embed(ctx, pooling, 1, &v, &dim) != EMBERT_STATUS_OK) {
          Fail("embed", embert_context_last_error(ctx));
        }
        checksum += v[0];
        ++runs;
      }
      return runs;
    }
    for (size_t next = 0; next < items.size();) {
      size_t taken = 0;
      if (embert_tokenize_batch(ctx, items.data() + next, items.size() - next, &taken) != EMBERT_STATUS_OK ||
          embert_embed_batch(ctx, pooling, 1, &v, &n, &dim) != EMBERT_STATUS_OK) {
        Fail("embed_batch", embert_context_last_error(ctx));
      }
      checksum += v[0];
      next += taken;
      ++runs;
    }
    return runs;
  };
  embed_corpus();  // warm-up: page in the weights, pack nothing twice
  std::vector<double> rates;
  size_t runs = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    runs = embed_corpus();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(texts.size()) / s);
  }
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  std::printf("{\"system\":\"embert\",\"model\":\"%s\",\"threads\":%u,\"batch_tokens\":%u,\"texts\":%zu,\"tokens\":%zu,"
              "\"runs\":%zu,\"lines_per_s\":%.2f,\"all\":[",
              model_path, threads, batch_tokens, texts.size(), tokens, runs, sorted[sorted.size() / 2]);
  for (size_t i = 0; i < rates.size(); ++i) std::printf("%s%.2f", i ? "," : "", rates[i]);
  std::printf("],\"checksum\":%.6g}\n", checksum);
  embert_context_destroy(ctx);
  std::free(arena);
  embert_model_destroy(model);
  return 0;
}
