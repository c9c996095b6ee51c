// embert ner: the named entities (token classification) of each input.
#include <cstdio>
#include <string>
#include <string_view>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

LineResult NerLine(Session& session, const Options& options, const TextInput& input, std::string* out) {
  LineResult r;
  embert_entities e;
  e.struct_size = sizeof e;
  r.status = embert_extract_entities(session.context(), options.aggregation, &e);
  if (!r.ok()) return r;
  for (size_t i = 0; i < e.count; ++i) {
    const embert_entity& x = e.entities[i];
    if (!AllFinite(&x.score, 1)) return NonFiniteResult();
    if (x.begin > x.end || x.end > input.text.size()) {
      r.error = "entity " + std::to_string(i) + " has the byte range [" + std::to_string(x.begin) + ", " +
                std::to_string(x.end) + ") outside the text of " + std::to_string(input.text.size()) + " bytes";
      return r;
    }
  }
  auto label_of = [](const embert_entity& x) { return x.label != nullptr ? x.label : ""; };
  auto text_of = [&input](const embert_entity& x) {
    return std::string_view(input.text).substr(x.begin, x.end - x.begin);
  };
  if (!options.jsonl) {
    // LABEL "text" score; ... (the text quoted and escaped as in JSON).
    if (e.count == 0) *out = "(no entities)";
    char score[32];
    for (size_t i = 0; i < e.count; ++i) {
      if (i > 0) *out += "; ";
      *out += label_of(e.entities[i]);
      *out += ' ';
      AppendJsonString(out, text_of(e.entities[i]));
      std::snprintf(score, sizeof score, " %.3f", static_cast<double>(e.entities[i].score));
      *out += score;
    }
    return r;
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("entities").BeginArray();
  for (size_t i = 0; i < e.count; ++i) {
    const embert_entity& x = e.entities[i];
    w.BeginObject();
    w.Key("label").String(label_of(x));
    w.Key("text").String(text_of(x));
    w.Key("begin").Uint(x.begin);
    w.Key("end").Uint(x.end);
    w.Key("score").Double(x.score);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  *out = w.str();
  return r;
}

}  // namespace

int RunNer(const Options& options) {
  Session session;
  if (!session.LoadModel(options.model.c_str())) return kExitRuntimeError;
  if (session.Property(EMBERT_MODEL_NUM_TOKEN_LABELS) == 0) {
    PrintError("ner: %s has no token classification head (BertForTokenClassification)", options.model.c_str());
    return kExitRuntimeError;
  }
  if (!session.CreateContext(ContextOptionsFor(options, options.has_max_seq_len ? options.max_seq_len : 0))) {
    return kExitRuntimeError;
  }
  return RunLines(session, options, [&options](Session& s, const TextInput& input, std::string* out) {
    return NerLine(s, options, input, out);
  });
}

}  // namespace embert_cli
