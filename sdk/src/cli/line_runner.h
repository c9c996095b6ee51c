// The loop shared by the text commands: read each input, tokenize it, run the
// command's task, print one output line, and report failed lines.
//
// Policy for a failed input (e.g. invalid UTF-8 on one line): the error goes
// to stderr as "embert: line N: <status>: <message>"; with --jsonl the line's
// output is {"error":"<status>: <message>","status":"<status>","line":N}
// ("status" only for errors of the SDK, "line" only with --input) so
// that output lines stay aligned with input lines. The remaining lines are
// still processed and the exit status is 1. A task whose result holds NaN or
// infinity fails its line the same way (the values are not printed).
#ifndef EMBERT_CLI_LINE_RUNNER_H_
#define EMBERT_CLI_LINE_RUNNER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "args.h"
#include "embert/embert.h"
#include "input_source.h"
#include "session.h"

namespace embert_cli {

struct LineResult {
  embert_status status = EMBERT_STATUS_OK;  // of the failed SDK call
  std::string error;                        // a failure the SDK did not report
  bool ok() const { return status == EMBERT_STATUS_OK && error.empty(); }
};

// Runs the task on the current (tokenized) input and writes one line of
// output, without the newline, to *out.
using LineTask = std::function<LineResult(Session& session, const TextInput& input, std::string* out)>;

// Loads --model and creates a context for --max-seq-len/--threads/--engine.
// Prints the error and returns false on failure.
bool OpenSession(const Options& options, Session* session);

// Runs `task` on every input; returns the exit status. With tokenize (the
// default) each input is first given to embert_tokenize (text and pair);
// without, the task reads the input's texts itself (qa).
int RunLines(Session& session, const Options& options, const LineTask& task, bool tokenize = true);

// The task on `count` packed inputs (the current input of embert_tokenize_batch):
// each input's result and output line, in order.
using BatchTask = std::function<void(Session& session, size_t count, std::vector<LineResult>* results,
                                     std::vector<std::string>* outs)>;

// As RunLines, with the inputs packed into runs of BatchTokens(options)
// tokens and `batch` run once per run; `single` when that is 0. Outputs and
// failures per line as RunLines' (an input embert_tokenize_batch refuses
// fails alone).
int RunBatchedLines(Session& session, const Options& options, const LineTask& single, const BatchTask& batch);

// Helpers for tasks.
bool AllFinite(const float* values, size_t count);
LineResult NonFiniteResult();

}  // namespace embert_cli

#endif  // EMBERT_CLI_LINE_RUNNER_H_
