// embert embed: a sentence embedding of each input.
#include <cstdio>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

LineResult FormatEmbedding(const Options& options, const float* values, size_t size, std::string* out) {
  LineResult r;
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

LineResult EmbedLine(Session& session, const Options& options, std::string* out) {
  LineResult r;
  const float* values = nullptr;
  size_t size = 0;
  r.status = embert_embed(session.context(), options.pooling, options.normalize, &values, &size);
  if (!r.ok()) return r;
  return FormatEmbedding(options, values, size, out);
}

void EmbedBatch(Session& session, const Options& options, size_t count, std::vector<LineResult>* results,
                std::vector<std::string>* outs) {
  const float* values = nullptr;
  size_t n = 0, dim = 0;
  const embert_status s = embert_embed_batch(session.context(), options.pooling, options.normalize, &values, &n, &dim);
  for (size_t i = 0; i < count; ++i) {
    if (s != EMBERT_STATUS_OK) {
      (*results)[i].status = s;
    } else {
      (*results)[i] = FormatEmbedding(options, values + i * dim, dim, &(*outs)[i]);
    }
  }
}

}  // namespace

int RunEmbed(const Options& options) {
  Session session;
  if (!OpenSession(options, &session)) return kExitRuntimeError;
  return RunBatchedLines(
      session, options,
      [&options](Session& s, const TextInput&, std::string* out) { return EmbedLine(s, options, out); },
      [&options](Session& s, size_t count, std::vector<LineResult>* results, std::vector<std::string>* outs) {
        EmbedBatch(s, options, count, results, outs);
      });
}

}  // namespace embert_cli
