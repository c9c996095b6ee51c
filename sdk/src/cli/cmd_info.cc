// embert info: what a model holds and what running it costs, as JSON.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "session.h"

namespace embert_cli {
namespace {

const char* EngineName(embert_engine e) {
  switch (e) {
    case EMBERT_ENGINE_AUTO: return "auto";
    case EMBERT_ENGINE_REFERENCE: return "reference";
    case EMBERT_ENGINE_XNNPACK: return "xnnpack";
  }
  return "?";
}

// 16, 32, 64, 128, the model's maximum and --max-seq-len, those the model
// accepts, ascending.
std::vector<uint32_t> ArenaLengths(const Options& options, uint32_t model_max) {
  std::vector<uint32_t> lengths = {16, 32, 64, 128, model_max};
  if (options.has_max_seq_len) lengths.push_back(options.max_seq_len);
  lengths.erase(std::remove_if(lengths.begin(), lengths.end(), [&](uint32_t n) { return n == 0 || n > model_max; }),
                lengths.end());
  std::sort(lengths.begin(), lengths.end());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
  return lengths;
}

}  // namespace

int RunInfo(const Options& options) {
  Session session;
  if (!session.LoadModel(options.model.c_str())) return kExitRuntimeError;
  const embert_model* model = session.model();
  const uint32_t model_max = session.Property(EMBERT_MODEL_MAX_SEQ_LEN);
  if (options.has_max_seq_len && options.max_seq_len > model_max) {
    PrintError("info: --max-seq-len %u exceeds the model's maximum of %u", static_cast<unsigned>(options.max_seq_len),
               static_cast<unsigned>(model_max));
    return kExitRuntimeError;
  }

  JsonWriter w(/*pretty=*/!options.jsonl);
  w.BeginObject();
  w.Key("model").String(options.model);
  w.Key("library_version").String(embert_version_string());
  w.Key("schema_version").Uint(embert_schema_version());

  static const struct {
    const char* key;
    embert_model_property property;
  } kConfig[] = {
      {"vocab_size", EMBERT_MODEL_VOCAB_SIZE},
      {"hidden_size", EMBERT_MODEL_HIDDEN_SIZE},
      {"num_layers", EMBERT_MODEL_NUM_LAYERS},
      {"num_heads", EMBERT_MODEL_NUM_HEADS},
      {"intermediate_size", EMBERT_MODEL_INTERMEDIATE_SIZE},
      {"max_seq_len", EMBERT_MODEL_MAX_SEQ_LEN},
      {"embedding_size", EMBERT_MODEL_EMBEDDING_SIZE},  // embed's floats with the file's pooling
  };
  w.Key("config").BeginObject();
  for (const auto& c : kConfig) {
    uint32_t value = 0;
    const embert_status s = embert_model_get(model, c.property, &value);
    if (s != EMBERT_STATUS_OK) {
      PrintStatusError(c.key, s, "");
      return kExitRuntimeError;
    }
    w.Key(c.key).Uint(value);
  }
  w.EndObject();

  w.Key("quantization").BeginObject();
  w.Key("is_quantized").Bool(session.Property(EMBERT_MODEL_IS_QUANTIZED) != 0);
  w.EndObject();

  const uint32_t num_labels = session.Property(EMBERT_MODEL_NUM_LABELS);
  w.Key("heads").BeginObject();
  w.Key("classifier").Bool(num_labels > 0);
  w.Key("num_labels").Uint(num_labels);
  w.Key("multi_label").Bool(session.Property(EMBERT_MODEL_MULTI_LABEL) != 0);
  w.Key("pooler").Bool(session.Property(EMBERT_MODEL_HAS_POOLER) != 0);
  w.Key("masked_lm").Bool(session.Property(EMBERT_MODEL_HAS_MASKED_LM) != 0);
  w.Key("next_sentence").Bool(session.Property(EMBERT_MODEL_HAS_NEXT_SENTENCE) != 0);
  const uint32_t num_token_labels = session.Property(EMBERT_MODEL_NUM_TOKEN_LABELS);
  w.Key("token_classifier").Bool(num_token_labels > 0);
  w.Key("num_token_labels").Uint(num_token_labels);
  w.Key("question_answering").Bool(session.Property(EMBERT_MODEL_HAS_QUESTION_ANSWERING) != 0);
  w.EndObject();

  w.Key("labels").BeginArray();
  for (uint32_t i = 0; i < num_labels; ++i) {
    const char* label = nullptr;
    const embert_status s = embert_model_label(model, i, &label);
    if (s != EMBERT_STATUS_OK || label == nullptr) {
      PrintStatusError("label", s, "");
      return kExitRuntimeError;
    }
    w.String(label);
  }
  w.EndArray();

  w.Key("token_labels").BeginArray();
  for (uint32_t i = 0; i < num_token_labels; ++i) {
    const char* label = nullptr;
    const embert_status s = embert_model_token_label(model, i, &label);
    if (s != EMBERT_STATUS_OK || label == nullptr) {
      PrintStatusError("token label", s, "");
      return kExitRuntimeError;
    }
    w.String(label);
  }
  w.EndArray();

  const std::vector<uint32_t> lengths = ArenaLengths(options, model_max);
  w.Key("arena_sizes").BeginArray();
  for (uint32_t n : lengths) {
    const embert_context_options o = ContextOptionsFor(options, n);
    size_t bytes = 0;
    char message[512] = "";
    const embert_status s = embert_context_arena_size_ex(model, &o, &bytes, message, sizeof message);
    if (s != EMBERT_STATUS_OK) {
      char what[64];
      std::snprintf(what, sizeof what, "arena size for max_seq_len %u", static_cast<unsigned>(n));
      PrintStatusError(what, s, message);
      return kExitRuntimeError;
    }
    w.BeginObject().Key("max_seq_len").Uint(n).Key("bytes").Uint(bytes).EndObject();
  }
  w.EndArray();

  // A context of the requested options shows which engine a run would use.
  const uint32_t context_len =
      options.has_max_seq_len ? options.max_seq_len : (lengths.empty() ? model_max : lengths.front());
  if (!session.CreateContext(ContextOptionsFor(options, context_len))) return kExitRuntimeError;
  w.Key("context").BeginObject();
  w.Key("max_seq_len").Uint(context_len);
  w.Key("threads").Uint(options.threads);
  w.Key("engine_option").String(EngineName(options.engine));
  w.Key("arena_bytes").Uint(session.arena_size());
  w.EndObject();
  w.Key("engine").String(embert_context_engine_description(session.context()));
  w.EndObject();

  const std::string& text = w.str();
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fputc('\n', stdout) == EOF ||
      std::fflush(stdout) != 0) {
    PrintError("cannot write the output");
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace embert_cli
