// The embert tool's commands; each returns the process exit status.
#ifndef EMBERT_CLI_COMMANDS_H_
#define EMBERT_CLI_COMMANDS_H_

#include "args.h"

namespace embert_cli {

int RunInfo(const Options& options);
int RunTokenize(const Options& options);
int RunClassify(const Options& options);
int RunEmbed(const Options& options);
int RunFillMask(const Options& options);
int RunBench(const Options& options);
int RunNer(const Options& options);
int RunQa(const Options& options);
int RunRerank(const Options& options);
int RunSimilarity(const Options& options);
int RunSearch(const Options& options);

}  // namespace embert_cli

#endif  // EMBERT_CLI_COMMANDS_H_
