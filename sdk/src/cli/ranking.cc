#include "ranking.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "diagnostics.h"
#include "exit_codes.h"
#include "input_source.h"
#include "json_writer.h"

namespace embert_cli {

bool ReadRankedLines(const Options& options, std::vector<RankedLine>* lines) {
  InputSource source;
  if (!source.Open(options)) return false;
  TextInput input;
  while (source.Next(&input)) {
    RankedLine r;
    r.text = std::move(input.text);
    r.line = input.line;
    lines->push_back(std::move(r));
  }
  return !source.failed();
}

int WriteRanking(const Options& options, const std::vector<RankedLine>& lines, int digits) {
  std::vector<size_t> order;
  size_t failed = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].ok) {
      order.push_back(i);
    } else {
      ++failed;
      PrintError("line %zu: %s", lines[i].line, lines[i].error.c_str());
    }
  }
  // Best first; ties keep the input order.
  std::stable_sort(order.begin(), order.end(),
                   [&lines](size_t a, size_t b) { return lines[a].score > lines[b].score; });
  if (options.has_top_k && order.size() > options.top_k) order.resize(options.top_k);

  std::string out;
  if (options.jsonl) {
    JsonWriter w;
    w.BeginObject();
    w.Key("results").BeginArray();
    for (size_t i : order) {
      w.BeginObject();
      w.Key("index").Uint(i);
      w.Key("text").String(lines[i].text);
      w.Key("score").Double(lines[i].score);
      w.EndObject();
    }
    w.EndArray();
    if (failed > 0) {
      w.Key("errors").BeginArray();
      for (size_t i = 0; i < lines.size(); ++i) {
        const RankedLine& r = lines[i];
        if (r.ok) continue;
        w.BeginObject();
        w.Key("index").Uint(i);
        w.Key("line").Uint(r.line);
        w.Key("error").String(r.error);
        if (r.status != EMBERT_STATUS_OK) w.Key("status").String(embert_status_string(r.status));
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
    out = w.str();
    out += '\n';
  } else {
    char head[64];
    for (size_t i : order) {
      std::snprintf(head, sizeof head, "%zu %.*f ", i, digits, lines[i].score);
      out += head;
      out += lines[i].text;
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
