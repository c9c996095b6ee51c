// embert similarity: the cosine similarity of two texts' sentence embeddings.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "diagnostics.h"
#include "embedding.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {

int RunSimilarity(const Options& options) {
  Session session;
  if (!OpenSession(options, &session)) return kExitRuntimeError;
  const std::vector<Embedding> e = EmbedTexts(session, options, {options.text, options.pair});
  for (size_t i = 0; i < e.size(); ++i) {
    if (!e[i].ok()) {
      PrintError("similarity: %s: %s", i == 0 ? "--text" : "--pair", e[i].error.c_str());
      return kExitRuntimeError;
    }
  }
  const double cosine = Cosine(e[0].values, e[1].values);
  std::string out;
  if (options.jsonl) {
    JsonWriter w;
    w.BeginObject().Key("similarity").Double(cosine).EndObject();
    out = w.str();
  } else {
    char number[32];
    std::snprintf(number, sizeof number, "%.6f", cosine);
    out = number;
  }
  out += '\n';
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    PrintError("cannot write the output: %s", std::strerror(errno));
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace embert_cli
