// embert rerank: passages sorted by their relevance to a query, scored by a
// cross-encoder (the sequence classifier on query/passage pairs).
//
// The passages are the lines of --input (the whole line, TABs included). They
// are scored by embert_rerank in chunks; when a chunk fails, its passages are
// scored one by one so that a bad passage (e.g. invalid UTF-8) fails only its
// line, as in the other commands: "embert: line N: ..." on stderr, left out of
// the results (listed under "errors" with --jsonl), exit status 1.
#include <algorithm>
#include <string>
#include <vector>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "line_runner.h"
#include "ranking.h"

namespace embert_cli {
namespace {

constexpr size_t kChunk = 64;  // passages per embert_rerank call

using Passage = RankedLine;

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
      p.ok = AllFinite(&scores[i - begin], 1);
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
  if (!ReadRankedLines(options, &passages)) return kExitRuntimeError;
  for (size_t begin = 0; begin < passages.size(); begin += kChunk) {
    Score(ctx, options.query, &passages, begin, std::min(passages.size(), begin + kChunk));
  }
  return WriteRanking(options, passages, 3);
}

}  // namespace embert_cli
