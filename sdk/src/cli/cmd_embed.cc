// embert embed: a sentence embedding of each input.
#include <cstdio>

#include "commands.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

LineResult EmbedLine(Session& session, const Options& options, std::string* out) {
  LineResult r;
  const float* values = nullptr;
  size_t size = 0;
  r.status = embert_embed(session.context(), options.pooling, options.normalize, &values, &size);
  if (!r.ok()) return r;
  if (!AllFinite(values, size)) return NonFiniteResult();
  if (!options.jsonl) {
    char number[32];
    for (size_t i = 0; i < size; ++i) {
      std::snprintf(number, sizeof number, i == 0 ? "%.6g" : " %.6g", static_cast<double>(values[i]));
      *out += number;
    }
    return r;
  }
  JsonWriter w;
  w.BeginObject().Key("embedding").FloatArray(values, size).EndObject();
  *out = w.str();
  return r;
}

}  // namespace

int RunEmbed(const Options& options) {
  Session session;
  if (!OpenSession(options, &session)) return kExitRuntimeError;
  return RunLines(session, options,
                  [&options](Session& s, const TextInput&, std::string* out) { return EmbedLine(s, options, out); });
}

}  // namespace embert_cli
