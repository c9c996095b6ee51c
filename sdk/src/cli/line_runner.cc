#include "line_runner.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "diagnostics.h"
#include "exit_codes.h"
#include "json_writer.h"

namespace embert_cli {
namespace {

bool WriteLine(const std::string& line) {
  return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() && std::fputc('\n', stdout) != EOF;
}

}  // namespace

bool OpenSession(const Options& options, Session* session) {
  if (!session->LoadModel(options.model.c_str())) return false;
  return session->CreateContext(ContextOptionsFor(options, options.has_max_seq_len ? options.max_seq_len : 0));
}

bool AllFinite(const float* values, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) return false;
  }
  return true;
}

LineResult NonFiniteResult() {
  LineResult r;
  r.error = "the result holds NaN or infinity";
  return r;
}

namespace {

// Writes each input's output line, or reports its failure, per the policy
// of line_runner.h; counts failures and remembers a failed write.
class LineWriter {
 public:
  LineWriter(const Options& options, const InputSource& source, embert_context* ctx)
      : options_(options), source_(source), ctx_(ctx), flush_each_(options.has_input && options.input == "-") {}

  // False once the output cannot be written (stop reading then).
  bool Emit(const TextInput& input, const LineResult& result, std::string out) {
    if (!result.ok()) {
      ++failed_;
      const std::string what =
          !result.error.empty() ? result.error : DescribeStatus(result.status, embert_context_last_error(ctx_));
      if (source_.single()) {
        PrintError("%s: %s", CommandName(options_.command), what.c_str());
      } else {
        PrintError("line %zu: %s", input.line, what.c_str());
      }
      if (!options_.jsonl) return true;  // human-readable mode: stderr only
      JsonWriter w;
      w.BeginObject().Key("error").String(what);
      if (result.status != EMBERT_STATUS_OK) w.Key("status").String(embert_status_string(result.status));
      if (!source_.single()) w.Key("line").Uint(input.line);
      w.EndObject();
      out = w.str();
    }
    if (!WriteLine(out)) {
      write_ok_ = false;
      return false;
    }
    if (flush_each_) std::fflush(stdout);
    return true;
  }

  int Finish() {
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) write_ok_ = false;
    if (!write_ok_) {
      PrintError("cannot write the output: %s", std::strerror(errno));
      return kExitRuntimeError;
    }
    if (source_.failed()) return kExitRuntimeError;
    if (failed_ > 0) {
      if (!source_.single()) PrintError("%zu input line(s) failed", failed_);
      return kExitRuntimeError;
    }
    return kExitOk;
  }

 private:
  const Options& options_;
  const InputSource& source_;
  embert_context* ctx_;
  const bool flush_each_;
  size_t failed_ = 0;
  bool write_ok_ = true;
};

}  // namespace

int RunLines(Session& session, const Options& options, const LineTask& task, bool tokenize) {
  InputSource source;
  if (!source.Open(options)) return kExitRuntimeError;
  embert_context* ctx = session.context();
  LineWriter writer(options, source, ctx);
  TextInput input;
  std::string out;
  while (source.Next(&input)) {
    out.clear();
    LineResult result;
    if (tokenize) {
      result.status =
          embert_tokenize(ctx, input.text.data(), input.text.size(), input.has_pair ? input.pair.data() : nullptr,
                          input.has_pair ? input.pair.size() : 0);
    }
    if (result.ok()) result = task(session, input, &out);
    if (!writer.Emit(input, result, out)) break;
  }
  return writer.Finish();
}

int RunBatchedLines(Session& session, const Options& options, const LineTask& single, const BatchTask& batch) {
  if (BatchTokens(options) == 0) return RunLines(session, options, single);
  InputSource source;
  if (!source.Open(options)) return kExitRuntimeError;
  embert_context* ctx = session.context();
  LineWriter writer(options, source, ctx);
  // Lines read ahead: enough to fill a run of short inputs several times.
  constexpr size_t kReadAhead = 1024;
  std::vector<TextInput> pending;
  std::vector<embert_text> texts;
  std::vector<LineResult> results;
  std::vector<std::string> outs;
  size_t first = 0;  // pending[first..) are waiting
  bool more = true;
  while (true) {
    if (more && pending.size() - first < kReadAhead / 2) {
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(first));
      first = 0;
      TextInput input;
      while (pending.size() < kReadAhead && (more = source.Next(&input))) pending.push_back(std::move(input));
    }
    if (first == pending.size()) break;
    texts.clear();
    for (size_t i = first; i < pending.size(); ++i) {
      const TextInput& in = pending[i];
      texts.push_back(embert_text{in.text.data(), in.text.size(), in.has_pair ? in.pair.data() : nullptr,
                                  in.has_pair ? in.pair.size() : 0});
    }
    size_t taken = 0;
    LineResult tokenized;
    tokenized.status = embert_tokenize_batch(ctx, texts.data(), texts.size(), &taken);
    if (!tokenized.ok()) {  // the first waiting input failed alone
      if (!writer.Emit(pending[first], tokenized, std::string())) break;
      ++first;
      continue;
    }
    results.assign(taken, LineResult());
    outs.assign(taken, std::string());
    batch(session, taken, &results, &outs);
    bool written = true;
    for (size_t i = 0; i < taken && written; ++i) written = writer.Emit(pending[first + i], results[i], outs[i]);
    if (!written) break;
    first += taken;
  }
  return writer.Finish();
}

}  // namespace embert_cli
