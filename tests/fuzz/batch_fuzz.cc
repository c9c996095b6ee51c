// Fuzzes the batch calls on the demo model (EMBERT_FUZZ_MODEL, converted by
// run-fuzzers.sh): arbitrary bytes split into texts at 0x00 (a 0x01 byte
// starts a text's pair) are packed with embert_tokenize_batch until every
// text is taken or refused, and each run is embedded and classified; the
// same bytes read as token ids and lengths go to embert_set_batch_tokens.
// Nothing may crash or read out of bounds, and the packing must keep its
// promises: at least one input per successful call, offsets increasing
// within max_batch_tokens, each input within max_seq_len.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "embert/embert.h"

namespace {

constexpr uint32_t kMaxSeqLen = 16;
constexpr uint32_t kBatchTokens = 40;

embert_model* g_model = nullptr;
embert_context* g_ctx = nullptr;

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "batch_fuzz: %s\n", what);
    std::abort();
  }
}

void CheckPacking(size_t taken) {
  embert_tokens t;
  t.struct_size = sizeof t;
  Require(embert_get_tokens(g_ctx, &t) == EMBERT_STATUS_OK, "get_tokens after a packed run");
  Require(t.num_inputs == taken && taken >= 1, "num_inputs is what was taken");
  Require(t.input_offsets[0] == 0 && t.input_offsets[taken] == t.count && t.count <= kBatchTokens, "offsets span");
  for (size_t i = 0; i < taken; ++i) {
    const size_t n = t.input_offsets[i + 1] - t.input_offsets[i];
    Require(n >= 1 && n <= kMaxSeqLen, "an input within max_seq_len");
  }
}

void RunTasks(size_t taken) {
  const float* v = nullptr;
  size_t count = 0, dim = 0;
  Require(embert_embed_batch(g_ctx, EMBERT_POOLING_MEAN, 1, &v, &count, &dim) == EMBERT_STATUS_OK, "embed_batch");
  Require(count == taken, "one embedding per input");
  std::vector<embert_classification> c(taken);
  for (auto& r : c) r.struct_size = sizeof r;
  Require(embert_classify_batch(g_ctx, c.data(), taken) == EMBERT_STATUS_OK, "classify_batch");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* path = std::getenv("EMBERT_FUZZ_MODEL");
  Require(path != nullptr, "set EMBERT_FUZZ_MODEL to a .embert file with a classifier (run-fuzzers.sh does)");
  char err[256];
  Require(embert_model_load_file(path, &g_model, err, sizeof err) == EMBERT_STATUS_OK, err);
  embert_context_options o;
  embert_context_options_init(&o);
  o.max_seq_len = kMaxSeqLen;
  o.max_batch_tokens = kBatchTokens;
  o.invalid_utf8 = EMBERT_INVALID_UTF8_ERROR;
  size_t size = 0;
  Require(embert_context_arena_size(g_model, &o, &size) == EMBERT_STATUS_OK, "arena size");
  void* arena = std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, (size + 63) / 64 * 64);  // lives as long as the process
  Require(embert_context_create(g_model, &o, arena, size, &g_ctx, err, sizeof err) == EMBERT_STATUS_OK, err);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Texts at 0x00, each with its pair after a 0x01.
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      parts.emplace_back();
    } else {
      parts.back().push_back(static_cast<char>(data[i]));
    }
  }
  std::vector<embert_text> texts;
  for (const auto& p : parts) {
    const size_t cut = p.find('\x01');
    if (cut == std::string::npos) {
      texts.push_back(embert_text{p.data(), p.size(), nullptr, 0});
    } else {
      texts.push_back(embert_text{p.data(), cut, p.data() + cut + 1, p.size() - cut - 1});
    }
  }
  size_t next = 0;
  while (next < texts.size()) {
    size_t taken = 0;
    const embert_status s = embert_tokenize_batch(g_ctx, texts.data() + next, texts.size() - next, &taken);
    if (s != EMBERT_STATUS_OK) {
      Require(taken == 0, "nothing taken on failure");
      ++next;  // the first text failed alone: skip it
      continue;
    }
    CheckPacking(taken);
    RunTasks(taken);
    next += taken;
  }
  // The same bytes as token ids (bytes 0..) and lengths (every 7th byte).
  uint32_t vocab = 0;
  embert_model_get(g_model, EMBERT_MODEL_VOCAB_SIZE, &vocab);
  std::vector<int32_t> ids;
  std::vector<size_t> lengths;
  for (size_t i = 0; i < size; ++i) {
    ids.push_back(static_cast<int32_t>(data[i] * 37u % (vocab + 2)) - 1);  // -1 and vocab: out of range
    if (i % 7 == 6) lengths.push_back(data[i] % (kMaxSeqLen + 2));
  }
  if (!lengths.empty()) {
    size_t total = 0;
    for (size_t n : lengths) total += n;
    ids.resize(total, 5);
    const embert_status s = embert_set_batch_tokens(g_ctx, ids.data(), nullptr, lengths.data(), lengths.size());
    if (s == EMBERT_STATUS_OK) {
      CheckPacking(lengths.size());
      RunTasks(lengths.size());
    }
  }
  return 0;
}
