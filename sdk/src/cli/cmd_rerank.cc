// embert rerank: passages sorted by their relevance to a query, scored by a
// cross-encoder (the sequence classifier on query/passage pairs).
//
// The passages are the lines of --input (the whole line, TABs included). They
// are scored by embert_rerank in chunks; when a chunk fails, its passages are
// scored one by one so that a bad passage (e.g. invalid UTF-8) fails only its
// line, as in the other commands: "embert: line N: ..." on stderr, left out of
// the results (listed under "errors" with --jsonl), exit status 1.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "input_source.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

constexpr size_t kChunk = 64;  // passages per embert_rerank call

struct Passage {
  std::string text;
  size_t line = 0;  // 1-based
  float score = 0;
  bool ok = false;
  std::string error;  // why it failed
  embert_status status = EMBERT_STATUS_OK;
};

// Scores passages [begin, end); a failed call is retried passage by passage.
void Score(embert_context* ctx, const std::string& query, std::vector<Passage>* passages, size_t begin, size_t end) {
  std::vector<const char*> texts;
  std::vector<size_t> sizes;
  for (size_t i = begin; i < end; ++i) {
    texts.push_back((*passages)[i].text.data());
    sizes.push_back((*passages)[i].text.size());
  }
  std::vector<float> scores(end - begin, 0.0f);
  const embert_status s =
      embert_rerank(ctx, query.data(), query.size(), texts.data(), sizes.data(), end - begin, scores.data());
  if (s == EMBERT_STATUS_OK) {
    for (size_t i = begin; i < end; ++i) {
      Passage& p = (*passages)[i];
      p.score = scores[i - begin];
      p.ok = AllFinite(&p.score, 1);
      if (!p.ok) p.error = NonFiniteResult().error;
    }
    return;
  }
  if (end - begin == 1) {
    Passage& p = (*passages)[begin];
    p.status = s;
    p.error = DescribeStatus(s, embert_context_last_error(ctx));
    return;
  }
  for (size_t i = begin; i < end; ++i) Score(ctx, query, passages, i, i + 1);
}

}  // namespace

int RunRerank(const Options& options) {
  Session session;
  if (!session.LoadModel(options.model.c_str())) return kExitRuntimeError;
  if (session.Property(EMBERT_MODEL_NUM_LABELS) == 0) {
    PrintError("rerank: %s has no sequence classification head (a cross-encoder is a classifier of pairs)",
               options.model.c_str());
    return kExitRuntimeError;
  }
  if (!session.CreateContext(ContextOptionsFor(options, options.has_max_seq_len ? options.max_seq_len : 0))) {
    return kExitRuntimeError;
  }
  embert_context* ctx = session.context();
  // A query the tokenizer refuses would fail every passage: say so once.
  embert_status s = embert_tokenize(ctx, options.query.data(), options.query.size(), nullptr, 0);
  if (s != EMBERT_STATUS_OK) {
    PrintStatusError("rerank: --query", s, embert_context_last_error(ctx));
    return kExitRuntimeError;
  }

  std::vector<Passage> passages;
  {
    InputSource source;
    if (!source.Open(options)) return kExitRuntimeError;
    TextInput input;
    while (source.Next(&input)) {
      Passage p;
      p.text = std::move(input.text);
      p.line = input.line;
      passages.push_back(std::move(p));
    }
    if (source.failed()) return kExitRuntimeError;
  }
  for (size_t begin = 0; begin < passages.size(); begin += kChunk) {
    Score(ctx, options.query, &passages, begin, std::min(passages.size(), begin + kChunk));
  }

  std::vector<size_t> order;
  size_t failed = 0;
  for (size_t i = 0; i < passages.size(); ++i) {
    if (passages[i].ok) {
      order.push_back(i);
    } else {
      ++failed;
      PrintError("line %zu: %s", passages[i].line, passages[i].error.c_str());
    }
  }
  // Best first; ties keep the input order.
  std::stable_sort(order.begin(), order.end(),
                   [&passages](size_t a, size_t b) { return passages[a].score > passages[b].score; });
  if (options.has_top_k && order.size() > options.top_k) order.resize(options.top_k);

  std::string out;
  if (options.jsonl) {
    JsonWriter w;
    w.BeginObject();
    w.Key("results").BeginArray();
    for (size_t i : order) {
      w.BeginObject();
      w.Key("index").Uint(i);
      w.Key("text").String(passages[i].text);
      w.Key("score").Double(passages[i].score);
      w.EndObject();
    }
    w.EndArray();
    if (failed > 0) {
      w.Key("errors").BeginArray();
      for (size_t i = 0; i < passages.size(); ++i) {
        const Passage& p = passages[i];
        if (p.ok) continue;
        w.BeginObject();
        w.Key("index").Uint(i);
        w.Key("line").Uint(p.line);
        w.Key("error").String(p.error);
        if (p.status != EMBERT_STATUS_OK) w.Key("status").String(embert_status_string(p.status));
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
    out = w.str();
    out += '\n';
  } else {
    // One line per result: <index> <score> <passage>.
    char head[64];
    for (size_t i : order) {
      std::snprintf(head, sizeof head, "%zu %.3f ", i, static_cast<double>(passages[i].score));
      out += head;
      out += passages[i].text;
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
