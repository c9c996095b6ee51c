// embert search: the lines of --input ranked by the cosine similarity of
// their sentence embeddings to --query's (semantic search over a file).
//
// A line that fails (e.g. invalid UTF-8) is reported as "embert: line N: ..."
// on stderr, left out of the results (listed under "errors" with --jsonl),
// and the exit status is 1, as in rerank.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"
#include "diagnostics.h"
#include "embedding.h"
#include "exit_codes.h"
#include "input_source.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {

int RunSearch(const Options& options) {
  Session session;
  if (!OpenSession(options, &session)) return kExitRuntimeError;
  std::vector<std::string> texts;
  std::vector<size_t> lines;  // 1-based
  {
    InputSource source;
    if (!source.Open(options)) return kExitRuntimeError;
    TextInput input;
    while (source.Next(&input)) {
      texts.push_back(std::move(input.text));
      lines.push_back(input.line);
    }
    if (source.failed()) return kExitRuntimeError;
  }
  const std::vector<Embedding> query = EmbedTexts(session, options, {options.query});
  if (!query[0].ok()) {
    PrintError("search: --query: %s", query[0].error.c_str());
    return kExitRuntimeError;
  }
  const std::vector<Embedding> embedded = EmbedTexts(session, options, texts);
  std::vector<double> scores(texts.size(), 0.0);
  std::vector<size_t> order;
  size_t failed = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (embedded[i].ok()) {
      scores[i] = Cosine(query[0].values, embedded[i].values);
      order.push_back(i);
    } else {
      ++failed;
      PrintError("line %zu: %s", lines[i], embedded[i].error.c_str());
    }
  }
  // Best first; ties keep the input order.
  std::stable_sort(order.begin(), order.end(), [&scores](size_t a, size_t b) { return scores[a] > scores[b]; });
  if (options.has_top_k && order.size() > options.top_k) order.resize(options.top_k);

  std::string out;
  if (options.jsonl) {
    JsonWriter w;
    w.BeginObject();
    w.Key("results").BeginArray();
    for (size_t i : order) {
      w.BeginObject();
      w.Key("index").Uint(i);
      w.Key("text").String(texts[i]);
      w.Key("score").Double(scores[i]);
      w.EndObject();
    }
    w.EndArray();
    if (failed > 0) {
      w.Key("errors").BeginArray();
      for (size_t i = 0; i < texts.size(); ++i) {
        if (embedded[i].ok()) continue;
        w.BeginObject();
        w.Key("index").Uint(i);
        w.Key("line").Uint(lines[i]);
        w.Key("error").String(embedded[i].error);
        if (embedded[i].status != EMBERT_STATUS_OK) w.Key("status").String(embert_status_string(embedded[i].status));
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
    out = w.str();
    out += '\n';
  } else {
    // One line per result: <index> <score> <text>.
    char head[64];
    for (size_t i : order) {
      std::snprintf(head, sizeof head, "%zu %.4f ", i, scores[i]);
      out += head;
      out += texts[i];
      out += '\n';
    }
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0 || std::ferror(stdout)) {
    PrintError("cannot write the output: %s", std::strerror(errno));
    return kExitRuntimeError;
  }
  if (failed > 0) {
    PrintError("%zu input line(s) failed", failed);
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace embert_cli
