// embert qa: extractive question answering, the best answer spans of a
// context for a question.
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "commands.h"
#include "diagnostics.h"
#include "exit_codes.h"
#include "json_writer.h"
#include "line_runner.h"

namespace embert_cli {
namespace {

LineResult QaLine(Session& session, const Options& options, const TextInput& input, std::string* out) {
  LineResult r;
  if (!input.has_pair) {
    r.error = "expected question<TAB>context, found no TAB";
    return r;
  }
  const std::string& context = input.pair;
  embert_qa_options qa;
  embert_qa_options_init(&qa);
  // Only what was given: the rest are embert_qa_options_init's defaults.
  if (options.has_top_k) qa.top_k = options.top_k;
  if (options.has_max_answer_len) qa.max_answer_len = options.max_answer_len;
  if (options.has_doc_stride) qa.doc_stride = options.doc_stride;
  embert_answers a;
  a.struct_size = sizeof a;
  r.status = embert_answer_question(session.context(), input.text.data(), input.text.size(), context.data(),
                                    context.size(), &qa, &a);
  if (!r.ok()) return r;
  for (size_t i = 0; i < a.count; ++i) {
    const embert_answer& x = a.answers[i];
    if (!AllFinite(&x.score, 1)) return NonFiniteResult();
    if (x.begin > x.end || x.end > context.size()) {
      r.error = "answer " + std::to_string(i) + " has the byte range [" + std::to_string(x.begin) + ", " +
                std::to_string(x.end) + ") outside the context of " + std::to_string(context.size()) + " bytes";
      return r;
    }
  }
  if (a.truncated > 0) {
    const std::string where = input.line == 0 ? std::string("qa") : "line " + std::to_string(input.line);
    PrintError("%s: warning: the context is longer than --max-document-tokens; its last %zu token(s) were left out",
               where.c_str(), a.truncated);
  }
  auto text_of = [&context](const embert_answer& x) {
    return std::string_view(context).substr(x.begin, x.end - x.begin);
  };
  if (!options.jsonl) {
    // "answer" score; ... best first (the text quoted and escaped as in JSON).
    if (a.count == 0) *out = "(no answer)";
    char score[32];
    for (size_t i = 0; i < a.count; ++i) {
      if (i > 0) *out += "; ";
      AppendJsonString(out, text_of(a.answers[i]));
      std::snprintf(score, sizeof score, " %.3f", static_cast<double>(a.answers[i].score));
      *out += score;
    }
    return r;
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("answers").BeginArray();
  for (size_t i = 0; i < a.count; ++i) {
    const embert_answer& x = a.answers[i];
    w.BeginObject();
    w.Key("text").String(text_of(x));
    w.Key("begin").Uint(x.begin);
    w.Key("end").Uint(x.end);
    w.Key("score").Double(x.score);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  *out = w.str();
  return r;
}

}  // namespace

int RunQa(const Options& options) {
  Session session;
  if (!session.LoadModel(options.model.c_str())) return kExitRuntimeError;
  if (session.Property(EMBERT_MODEL_HAS_QUESTION_ANSWERING) == 0) {
    PrintError("qa: %s has no extractive question answering head (BertForQuestionAnswering)", options.model.c_str());
    return kExitRuntimeError;
  }
  // Windows of 384 tokens as Hugging Face's pipeline, or the model's maximum
  // when smaller; --max-seq-len as given (the context refuses one above the
  // model's maximum).
  const uint32_t max_seq_len = options.has_max_seq_len
                                   ? options.max_seq_len
                                   : std::min(kQaDefaultMaxSeqLen, session.Property(EMBERT_MODEL_MAX_SEQ_LEN));
  embert_context_options context_options = ContextOptionsFor(options, max_seq_len);
  context_options.max_document_tokens = options.max_document_tokens;
  if (!session.CreateContext(context_options)) return kExitRuntimeError;
  return RunLines(
      session, options,
      [&options](Session& s, const TextInput& input, std::string* out) { return QaLine(s, options, input, out); },
      /*tokenize=*/false);
}

}  // namespace embert_cli
