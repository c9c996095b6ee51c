#include "line_runner.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

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

int RunLines(Session& session, const Options& options, const LineTask& task, bool tokenize) {
  InputSource source;
  if (!source.Open(options)) return kExitRuntimeError;
  const bool flush_each = options.has_input && options.input == "-";
  embert_context* ctx = session.context();
  size_t failed = 0;
  bool write_ok = true;
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

    if (!result.ok()) {
      ++failed;
      std::string what;
      if (!result.error.empty()) {
        what = result.error;
      } else {
        what = DescribeStatus(result.status, embert_context_last_error(ctx));
      }
      if (source.single()) {
        PrintError("%s: %s", CommandName(options.command), what.c_str());
      } else {
        PrintError("line %zu: %s", input.line, what.c_str());
      }
      if (!options.jsonl) continue;  // human-readable mode: stderr only
      JsonWriter w;
      w.BeginObject().Key("error").String(what);
      if (result.status != EMBERT_STATUS_OK) {
        w.Key("status").String(embert_status_string(result.status));
      }
      if (!source.single()) w.Key("line").Uint(input.line);
      w.EndObject();
      out = w.str();
    }
    if (!WriteLine(out)) {
      write_ok = false;
      break;
    }
    if (flush_each) std::fflush(stdout);
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) write_ok = false;
  if (!write_ok) {
    PrintError("cannot write the output: %s", std::strerror(errno));
    return kExitRuntimeError;
  }
  if (source.failed()) return kExitRuntimeError;
  if (failed > 0) {
    if (!source.single()) PrintError("%zu input line(s) failed", failed);
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace embert_cli
