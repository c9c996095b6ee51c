// The output of the ranking commands (rerank, search): the lines of --input
// with a score each, best first (ties in input order), --top-k of them;
// a line that failed is reported as "embert: line N: ..." on stderr, left
// out of the results (listed under "errors" with --jsonl), and the exit
// status is 1.
#ifndef EMBERT_CLI_RANKING_H_
#define EMBERT_CLI_RANKING_H_

#include <cstddef>
#include <string>
#include <vector>

#include "args.h"
#include "embert/embert.h"

namespace embert_cli {

struct RankedLine {
  std::string text;
  size_t line = 0;  // 1-based
  double score = 0;
  bool ok = false;
  std::string error;  // why it failed
  embert_status status = EMBERT_STATUS_OK;
};

// Every line of --input (the whole line, TABs included); false (printed) on a
// read error.
bool ReadRankedLines(const Options& options, std::vector<RankedLine>* lines);

// Reports the failed lines, ranks the others and writes the output (plain:
// "<index> <score> <text>" per line, the score with `digits` decimals);
// returns the exit status.
int WriteRanking(const Options& options, const std::vector<RankedLine>& lines, int digits);

}  // namespace embert_cli

#endif  // EMBERT_CLI_RANKING_H_
