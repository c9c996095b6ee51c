// embert search: the lines of --input ranked by the cosine similarity of
// their sentence embeddings to --query's (semantic search over a file).
//
// A line that fails (e.g. invalid UTF-8) is reported as "embert: line N: ..."
// on stderr, left out of the results (listed under "errors" with --jsonl),
// and the exit status is 1, as in rerank.
#include <string>
#include <vector>

#include "commands.h"
#include "diagnostics.h"
#include "embedding.h"
#include "exit_codes.h"
#include "line_runner.h"
#include "ranking.h"

namespace embert_cli {

int RunSearch(const Options& options) {
  Session session;
  if (!OpenSession(options, &session)) return kExitRuntimeError;
  std::vector<RankedLine> lines;
  if (!ReadRankedLines(options, &lines)) return kExitRuntimeError;
  const std::vector<Embedding> query = EmbedTexts(session, options, {options.query});
  if (!query[0].ok()) {
    PrintError("search: --query: %s", query[0].error.c_str());
    return kExitRuntimeError;
  }
  std::vector<std::string> texts;
  for (const auto& l : lines) texts.push_back(l.text);
  const std::vector<Embedding> embedded = EmbedTexts(session, options, texts);
  for (size_t i = 0; i < lines.size(); ++i) {
    RankedLine& l = lines[i];
    l.ok = embedded[i].ok();
    if (l.ok) {
      l.score = Cosine(query[0].values, embedded[i].values);
    } else {
      l.error = embedded[i].error;
      l.status = embedded[i].status;
    }
  }
  return WriteRanking(options, lines, 4);
}

}  // namespace embert_cli
