// embert tokenize: the tokens, ids, token types and byte offsets of each input.
#include "commands.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

LineResult TokenizeLine(Session& session, bool jsonl, std::string* out) {
  LineResult r;
  embert_tokens t;
  t.struct_size = sizeof t;
  r.status = embert_get_tokens(session.context(), &t);
  if (!r.ok()) return r;
  if (!jsonl) {
    for (size_t i = 0; i < t.count; ++i) {
      if (i > 0) out->push_back(' ');
      *out += session.Token(t.input_ids[i]);
    }
    return r;
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("tokens").BeginArray();
  for (size_t i = 0; i < t.count; ++i) w.String(session.Token(t.input_ids[i]));
  w.EndArray();
  w.Key("input_ids").IntArray(t.input_ids, t.count);
  w.Key("token_type_ids").IntArray(t.token_type_ids, t.count);
  w.Key("offsets").BeginArray();
  for (size_t i = 0; i < t.count; ++i) {
    w.BeginArray().Uint(t.spans[i].begin).Uint(t.spans[i].end).EndArray();
  }
  w.EndArray();
  w.Key("truncated").Uint(t.truncated);
  w.EndObject();
  *out = w.str();
  return r;
}

}  // namespace

int RunTokenize(const Options& options) {
  Session session;
  if (!OpenSession(options, &session)) return kExitRuntimeError;
  const bool jsonl = options.jsonl;
  return RunLines(session, options,
                  [jsonl](Session& s, const TextInput&, std::string* out) { return TokenizeLine(s, jsonl, out); });
}

}  // namespace embert_cli
