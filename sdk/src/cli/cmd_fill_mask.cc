// embert fill-mask: the top-k tokens for every [MASK] of each input.
#include <cstdio>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

LineResult FillMaskLine(Session& session, const Options& options, std::string* out) {
  LineResult r;
  embert_mask_predictions p;
  p.struct_size = sizeof p;
  r.status = embert_fill_mask(session.context(), options.top_k, &p);
  if (!r.ok()) return r;
  const size_t k = p.top_k;
  if (!AllFinite(p.scores, p.num_masks * k)) return NonFiniteResult();
  if (!options.jsonl) {
    if (p.num_masks == 0) *out = "(no [MASK] token)";
    char score[32];
    for (size_t m = 0; m < p.num_masks; ++m) {
      if (m > 0) *out += " | ";
      for (size_t j = 0; j < k; ++j) {
        if (j > 0) *out += ", ";
        *out += session.Token(p.token_ids[m * k + j]);
        std::snprintf(score, sizeof score, " %.3f", static_cast<double>(p.scores[m * k + j]));
        *out += score;
      }
    }
    return r;
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("positions").BeginArray();
  for (size_t m = 0; m < p.num_masks; ++m) w.Uint(p.positions[m]);
  w.EndArray();
  w.Key("predictions").BeginArray();
  for (size_t m = 0; m < p.num_masks; ++m) {
    w.BeginArray();
    for (size_t j = 0; j < k; ++j) {
      const int32_t id = p.token_ids[m * k + j];
      w.BeginObject();
      w.Key("token").String(session.Token(id));
      w.Key("id").Int(id);
      w.Key("score").Double(p.scores[m * k + j]);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  *out = w.str();
  return r;
}

}  // namespace

int RunFillMask(const Options& options) {
  Session session;
  if (!session.LoadModel(options.model.c_str())) return kExitRuntimeError;
  if (session.Property(EMBERT_MODEL_HAS_MASKED_LM) == 0) {
    PrintError("fill-mask: %s has no masked-LM head", options.model.c_str());
    return kExitRuntimeError;
  }
  if (!session.CreateContext(ContextOptionsFor(options, options.has_max_seq_len ? options.max_seq_len : 0))) {
    return kExitRuntimeError;
  }
  return RunLines(session, options,
                  [&options](Session& s, const TextInput&, std::string* out) { return FillMaskLine(s, options, out); });
}

}  // namespace embert_cli
