// embert classify: the top label of each input, with all logits and scores.
#include <cstdio>
#include <vector>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

LineResult FormatClassification(const embert_classification& c, bool jsonl, std::string* out) {
  LineResult r;
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

LineResult ClassifyLine(Session& session, bool jsonl, std::string* out) {
  embert_classification c;
  c.struct_size = sizeof c;
  LineResult r;
  r.status = embert_classify(session.context(), &c);
  if (!r.ok()) return r;
  return FormatClassification(c, jsonl, out);
}

void ClassifyBatch(Session& session, bool jsonl, size_t count, std::vector<LineResult>* results,
                   std::vector<std::string>* outs) {
  std::vector<embert_classification> c(count);
  for (auto& x : c) x.struct_size = sizeof x;
  const embert_status s = embert_classify_batch(session.context(), c.data(), count);
  for (size_t i = 0; i < count; ++i) {
    if (s != EMBERT_STATUS_OK) {
      (*results)[i].status = s;
    } else {
      (*results)[i] = FormatClassification(c[i], jsonl, &(*outs)[i]);
    }
  }
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
  return RunBatchedLines(
      session, options, [jsonl](Session& s, const TextInput&, std::string* out) { return ClassifyLine(s, jsonl, out); },
      [jsonl](Session& s, size_t count, std::vector<LineResult>* results, std::vector<std::string>* outs) {
        ClassifyBatch(s, jsonl, count, results, outs);
      });
}

}  // namespace embert_cli
