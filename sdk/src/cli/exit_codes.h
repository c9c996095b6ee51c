// Exit statuses of the embert tool.
#ifndef EMBERT_CLI_EXIT_CODES_H_
#define EMBERT_CLI_EXIT_CODES_H_

namespace embert_cli {

constexpr int kExitOk = 0;
constexpr int kExitRuntimeError = 1;  // model, context, I/O or a failed input line
constexpr int kExitUsageError = 2;    // bad command line

}  // namespace embert_cli

#endif  // EMBERT_CLI_EXIT_CODES_H_
