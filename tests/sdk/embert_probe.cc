// Test tool: runs a model on token ids given on stdin and prints every output
// the model has as one JSON object per line, so that tests written in Python
// can compare them with the independent numpy reference (tests/reference).
//
//   embert_probe MODEL.embert [--engine auto|reference|xnnpack] [--threads N]
//   stdin, one case per line:  ids;token_types;mask  (comma-separated ints;
//   the last two parts may be empty)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "embert/embert.h"

namespace {

std::vector<int32_t> ParseInts(const std::string& s) {
  std::vector<int32_t> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) v.push_back(static_cast<int32_t>(std::strtol(item.c_str(), nullptr, 10)));
  }
  return v;
}

void PrintFloats(const char* name, const float* v, size_t n) {
  std::printf("\"%s\":[", name);
  for (size_t i = 0; i < n; ++i) std::printf("%s%.9g", i ? "," : "", v[i]);
  std::printf("]");
}

int Fail(const char* what, embert_context* ctx) {
  std::fprintf(stderr, "embert_probe: %s: %s\n", what, embert_context_last_error(ctx));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: embert_probe MODEL [--engine E] [--threads N]\n");
    return 2;
  }
  embert_context_options opt;
  embert_context_options_init(&opt);
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--engine") == 0) {
      const std::string e = argv[i + 1];
      opt.engine = e == "reference" ? EMBERT_ENGINE_REFERENCE
                   : e == "xnnpack" ? EMBERT_ENGINE_XNNPACK
                                    : EMBERT_ENGINE_AUTO;
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      opt.num_threads = static_cast<uint32_t>(std::atoi(argv[i + 1]));
    }
  }
  char err[256];
  embert_model* model = nullptr;
  if (embert_model_load_file(argv[1], &model, err, sizeof err) != EMBERT_STATUS_OK) {
    std::fprintf(stderr, "embert_probe: %s\n", err);
    return 1;
  }
  size_t size = 0;
  if (embert_context_arena_size(model, &opt, &size) != EMBERT_STATUS_OK) return 1;
  size = (size + EMBERT_ARENA_ALIGNMENT - 1) / EMBERT_ARENA_ALIGNMENT * EMBERT_ARENA_ALIGNMENT;
  void* arena = std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, size);
  embert_context* ctx = nullptr;
  if (embert_context_create(model, &opt, arena, size, &ctx, err, sizeof err) != EMBERT_STATUS_OK) {
    std::fprintf(stderr, "embert_probe: %s\n", err);
    return 1;
  }
  uint32_t labels = 0, mlm = 0, nsp = 0, pooler = 0;
  embert_model_get(model, EMBERT_MODEL_NUM_LABELS, &labels);
  embert_model_get(model, EMBERT_MODEL_HAS_MASKED_LM, &mlm);
  embert_model_get(model, EMBERT_MODEL_HAS_NEXT_SENTENCE, &nsp);
  embert_model_get(model, EMBERT_MODEL_HAS_POOLER, &pooler);

  std::string line;
  int c;
  int status = 0;
  while (true) {
    line.clear();
    while ((c = std::getchar()) != EOF && c != '\n') line.push_back(static_cast<char>(c));
    if (line.empty() && c == EOF) break;
    if (line.empty()) continue;
    std::vector<std::string> parts(3);
    size_t p = 0;
    for (char ch : line) {
      if (ch == ';' && p < 2) {
        ++p;
      } else {
        parts[p].push_back(ch);
      }
    }
    const auto ids = ParseInts(parts[0]);
    const auto types = ParseInts(parts[1]);
    const auto mask = ParseInts(parts[2]);
    if (embert_set_tokens(ctx, ids.data(), types.empty() ? nullptr : types.data(), mask.empty() ? nullptr : mask.data(),
                          ids.size()) != EMBERT_STATUS_OK) {
      status = Fail("set_tokens", ctx);
      break;
    }
    const float* states = nullptr;
    size_t rows = 0, cols = 0;
    if (embert_hidden_states(ctx, &states, &rows, &cols) != EMBERT_STATUS_OK) {
      status = Fail("hidden_states", ctx);
      break;
    }
    std::printf("{");
    PrintFloats("sequence_output", states, rows * cols);
    const float* vec = nullptr;
    size_t n = 0;
    if (embert_embed(ctx, EMBERT_POOLING_MEAN, 0, &vec, &n) != EMBERT_STATUS_OK) {
      status = Fail("embed", ctx);
      break;
    }
    std::printf(",");
    PrintFloats("mean_pooled", vec, n);
    if (pooler) {
      embert_embed(ctx, EMBERT_POOLING_CLS, 0, &vec, &n);
      std::printf(",");
      PrintFloats("pooled_output", vec, n);
    }
    if (labels) {
      embert_classification r;
      r.struct_size = sizeof r;
      if (embert_classify(ctx, &r) != EMBERT_STATUS_OK) {
        status = Fail("classify", ctx);
        break;
      }
      std::printf(",");
      PrintFloats("logits", r.logits, r.num_labels);
      std::printf(",");
      PrintFloats("probs", r.probabilities, r.num_labels);
      std::printf(",\"label\":\"%s\",\"index\":%zu", r.label, r.index);
    }
    if (nsp) {
      float prob = 0;
      embert_next_sentence(ctx, &prob);
      std::printf(",\"nsp_is_next\":%.9g", prob);
    }
    if (mlm) {
      embert_mask_predictions m;
      m.struct_size = sizeof m;
      if (embert_fill_mask(ctx, 5, &m) != EMBERT_STATUS_OK) {
        status = Fail("fill_mask", ctx);
        break;
      }
      std::printf(",\"mlm_positions\":[");
      for (size_t i = 0; i < m.num_masks; ++i) std::printf("%s%zu", i ? "," : "", m.positions[i]);
      std::printf("],\"mlm_top5_ids\":[");
      for (size_t i = 0; i < m.num_masks * m.top_k; ++i) {
        std::printf("%s%d", i ? "," : "", m.token_ids[i]);
      }
      std::printf("],");
      PrintFloats("mlm_top5_probs", m.scores, m.num_masks * m.top_k);
    }
    std::printf(",\"engine\":\"%s\"}\n", embert_context_engine_description(ctx));
  }
  embert_context_destroy(ctx);
  std::free(arena);
  embert_model_destroy(model);
  return status;
}
