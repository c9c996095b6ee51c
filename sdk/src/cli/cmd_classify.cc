// embert classify: the top label of each input, with all logits and scores.
#include <cstdio>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

LineResult ClassifyLine(Session& session, bool jsonl, std::string* out) {
  LineResult r;
  embert_classification c;
  c.struct_size = sizeof c;
  r.status = embert_classify(session.context(), &c);
  if (!r.ok()) return r;
  if (!AllFinite(c.logits, c.num_labels) || !AllFinite(c.probabilities, c.num_labels)) {
    return NonFiniteResult();
  }
  const char* label = c.label != nullptr ? c.label : "";
  if (!jsonl) {
    char score[32];
    std::snprintf(score, sizeof score, " %.3f", static_cast<double>(c.probabilities[c.index]));
    *out = label;
    *out += score;
    return r;
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("label").String(label);
  w.Key("index").Uint(c.index);
  w.Key("logits").FloatArray(c.logits, c.num_labels);
  w.Key("probs").FloatArray(c.probabilities, c.num_labels);
  w.EndObject();
  *out = w.str();
  return r;
}

}  // namespace

int RunClassify(const Options& options) {
  Session session;
  if (!session.LoadModel(options.model.c_str())) return kExitRuntimeError;
  if (session.Property(EMBERT_MODEL_NUM_LABELS) == 0) {
    PrintError("classify: %s has no sequence classification head", options.model.c_str());
    return kExitRuntimeError;
  }
  if (!session.CreateContext(ContextOptionsFor(options, options.has_max_seq_len ? options.max_seq_len : 0))) {
    return kExitRuntimeError;
  }
  const bool jsonl = options.jsonl;
  return RunLines(session, options,
                  [jsonl](Session& s, const TextInput&, std::string* out) { return ClassifyLine(s, jsonl, out); });
}

}  // namespace embert_cli
