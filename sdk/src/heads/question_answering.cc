// Extractive question answering (BertForQuestionAnswering, Google's
// run_squad): a dense layer [2, hidden] gives every token a start and an end
// logit; the answer is the best span of context tokens, decoded as Hugging
// Face's question-answering pipeline does (decode/answers.h), over windows
// of a context longer than one input.
//
// TaskHead "question_answering": linears[0] = [2, hidden] (fp32), row 0 the
// start logits, row 1 the end logits; no labels.
#include <cstring>
#include <new>

#include "context/context_input.h"
#include "decode/answers.h"
#include "encoder/encoder.h"
#include "heads/head_unit.h"

namespace embert::heads {
namespace {

struct State {
  LinearOp dense;
  float* logits = nullptr;        // [S][2]: start, end
  uint8_t* is_context = nullptr;  // [S]
  float* span_scratch = nullptr;
  decode::AnswerSpan* spans = nullptr;       // [kMaxTopK]
  decode::Answer* window_answers = nullptr;  // [kMaxTopK]
  decode::Answer* best = nullptr;            // [kMaxTopK]
  embert_answer* answers = nullptr;          // [kMaxTopK]
  // The question alone: [CLS] q [SEP].
  int32_t* q_ids = nullptr;
  int32_t* q_types = nullptr;
  embert_token_span* q_spans = nullptr;
  // The document alone: [CLS] d [SEP], and whether each token continues the
  // word of the token before it.
  size_t doc_capacity = 0;
  int32_t* d_ids = nullptr;
  int32_t* d_types = nullptr;
  embert_token_span* d_spans = nullptr;
  uint8_t* continues = nullptr;
  void* d_scratch = nullptr;
  size_t d_scratch_size = 0;
};

Status Verify(const embert_model& model, const schema::TaskHead& head) {
  if (head.linears() == nullptr || head.linears()->size() != 1) {
    return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: question_answering needs one linear layer");
  }
  return CheckLinear(model, head.linears()->Get(0), "question_answering.dense", 2, model.dims.hidden, false, nullptr);
}

Status Plan(const embert_model& model, const schema::TaskHead& head, const ContextOptions& options, embert_context* ctx,
            Arena& arena, void** out) {
  const size_t S = options.max_seq_len;
  const size_t D = size_t{options.max_document_tokens} + 2;  // with [CLS] and [SEP]
  void* mem = arena.Allocate(sizeof(State));
  if (arena.overflowed()) return TooSmall();
  State measuring;
  State* st = ctx != nullptr ? new (mem) State() : &measuring;
  LinearView view;
  (void)CheckLinear(model, head.linears()->Get(0), "question_answering.dense", 2, model.dims.hidden, false, &view);
  // Heads run on the reference kernels (fp32, in place): nothing to release.
  const LinearEngine reference_f32;
  EMBERT_RETURN_IF_ERROR(PrepareLinear(&st->dense, view, ctx != nullptr ? ctx->head_engine : reference_f32, 2, arena));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S * 2, &st->logits));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->is_context));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, decode::BestSpansScratchFloats(S), &st->span_scratch));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, kMaxTopK, &st->spans));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, kMaxTopK, &st->window_answers));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, kMaxTopK, &st->best));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, kMaxTopK, &st->answers));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->q_ids));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->q_types));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->q_spans));
  st->doc_capacity = D;
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, D, &st->d_ids));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, D, &st->d_types));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, D, &st->d_spans));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, D, &st->continues));
  st->d_scratch_size = tok::Tokenizer::ScratchBytes(D);
  st->d_scratch = arena.Allocate(st->d_scratch_size);
  if (arena.overflowed()) return TooSmall();
  *out = ctx != nullptr ? st : nullptr;
  return Status::Ok();
}

State* StateOf(embert_context* ctx) { return static_cast<State*>(HeadState(ctx, kQuestionAnsweringHead)); }

struct QaOptions {
  uint32_t top_k = 1;
  uint32_t max_answer_len = 15;
  uint32_t doc_stride = EMBERT_QA_DEFAULT_DOC_STRIDE;
};

Status ReadOptions(const embert_qa_options* in, uint32_t max_seq_len, QaOptions* out) {
  embert_qa_options o;
  embert_qa_options_init(&o);
  if (in != nullptr) {
    if (in->struct_size < sizeof(size_t) + sizeof(uint32_t) || in->struct_size > 4096) {
      return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                           "options.struct_size is not set: call embert_qa_options_init()");
    }
    std::memcpy(&o, in, in->struct_size < sizeof o ? in->struct_size : sizeof o);
  }
  if (o.top_k < 1 || o.top_k > kMaxTopK) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "top_k %u is outside [1, %zu]", o.top_k, kMaxTopK);
  }
  if (o.max_answer_len < 1) return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "max_answer_len must be at least 1");
  out->top_k = o.top_k;
  out->max_answer_len = o.max_answer_len;
  // Hugging Face's default: half a window, at most 128 tokens.
  out->doc_stride =
      o.doc_stride != EMBERT_QA_DEFAULT_DOC_STRIDE ? o.doc_stride : (max_seq_len / 2 < 128 ? max_seq_len / 2 : 128);
  return Status::Ok();
}

// Which document tokens continue the pre-tokenizer word of the token before
// them: a "##" piece (WordPiece gives only a word's first piece no prefix; a
// word it cannot split is one [UNK]).
void FindWords(const embert_context* ctx, State* st, size_t first, size_t end) {
  const auto* vocab = ctx->model->root->tokenizer()->vocab();
  for (size_t t = first; t < end; ++t) {
    const char* piece = vocab->Get(static_cast<uint32_t>(st->d_ids[t]))->c_str();
    st->continues[t] = piece[0] == '#' && piece[1] == '#';
  }
}

// [CLS] question [SEP] document[first, end) [SEP] as the context's input.
void SetWindow(embert_context* ctx, const State* st, size_t q_count, size_t first, size_t end) {
  ClearInput(ctx);
  size_t n = 0;
  for (size_t i = 0; i < q_count; ++i, ++n) {  // [CLS] q [SEP], type 0
    ctx->input_ids[n] = st->q_ids[i];
    ctx->token_type_ids[n] = 0;
    ctx->spans[n] = st->q_spans[i];
  }
  for (size_t t = first; t < end; ++t, ++n) {
    ctx->input_ids[n] = st->d_ids[t];
    ctx->token_type_ids[n] = 1;
    ctx->spans[n] = embert_token_span{st->d_spans[t].begin, st->d_spans[t].end, 1};
  }
  ctx->input_ids[n] = st->q_ids[q_count - 1];  // [SEP]
  ctx->token_type_ids[n] = 1;
  ctx->spans[n] = embert_token_span{0, 0, 0};
  ++n;
  for (size_t i = 0; i < n; ++i) {
    ctx->attention_mask[i] = 1;
    ctx->source_chars[i] = 0;
  }
  ctx->count = n;
  SetOneInput(ctx);
  ctx->has_input = true;
}

Status Answer(embert_context* ctx, State* st, const char* question, size_t question_size, const char* document,
              size_t document_size, const QaOptions& o, embert_answers* out) {
  const size_t S = ctx->options.max_seq_len;
  if (document_size == 0) return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "the context is empty");
  if (ctx->model->dims.type_vocab < 2) {  // the context's tokens have type 1
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "the model has one token type (type_vocab_size 1): no pairs");
  }
  // The question alone, never cut (Hugging Face truncates "only_second").
  tok::EncodeOutput q;
  q.ids = st->q_ids;
  q.type_ids = st->q_types;
  q.spans = st->q_spans;
  q.capacity = S;
  Status s = ctx->tokenizer.Encode(question, question_size, nullptr, 0, ctx->tokenizer_scratch,
                                   ctx->tokenizer_scratch_size, &q);
  if ((!s.ok() && s.code() == EMBERT_STATUS_SEQUENCE_TOO_LONG) || (s.ok() && q.truncated > 0)) {
    return Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG,
                         "the question is longer than a window of max_seq_len %zu tokens leaves room for", S);
  }
  EMBERT_RETURN_IF_ERROR(s);
  // The document alone, up to max_document_tokens.
  tok::EncodeOutput d;
  d.ids = st->d_ids;
  d.type_ids = st->d_types;
  d.spans = st->d_spans;
  d.capacity = st->doc_capacity;
  s = ctx->tokenizer.Encode(document, document_size, nullptr, 0, st->d_scratch, st->d_scratch_size, &d);
  if (!s.ok() && s.code() == EMBERT_STATUS_SEQUENCE_TOO_LONG) {
    return Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG, "the context is longer than max_document_tokens (%zu)",
                         st->doc_capacity - 2);
  }
  EMBERT_RETURN_IF_ERROR(s);
  const size_t question_tokens = q.count - 2;
  const size_t doc_tokens = d.count - 2;
  if (doc_tokens == 0) return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "the context has no tokens");
  decode::WindowPlan plan;
  EMBERT_RETURN_IF_ERROR(decode::PlanWindows(doc_tokens, question_tokens, S, o.doc_stride, &plan));
  FindWords(ctx, st, 1, d.count - 1);
  size_t best = 0;
  for (size_t w = 0; w < plan.count; ++w) {
    const decode::ContextRange r = decode::WindowRange(plan, w);  // document tokens, 0-based
    SetWindow(ctx, st, q.count, 1 + r.first, 1 + r.end);
    EMBERT_RETURN_IF_ERROR(Encode(ctx));
    st->dense.Run(ctx->head_engine, ctx->hidden, ctx->count, st->logits);
    const size_t context_first = q.count;  // after [CLS] q [SEP]
    for (size_t i = 0; i < ctx->count; ++i) st->is_context[i] = i >= context_first && i + 1 < ctx->count;
    const size_t k = decode::BestSpans(st->logits, ctx->count, st->is_context, 0, o.top_k, o.max_answer_len,
                                       st->span_scratch, st->spans);
    // Widened to whole words, as far as the window holds them (HF's
    // token_to_word / word_to_chars work on the window's own encoding).
    const uint8_t* continues = st->continues + 1 + r.first;
    const size_t window_tokens = r.end - r.first;
    for (size_t i = 0; i < k; ++i) {
      const size_t first = decode::WordStartToken(continues, st->spans[i].start - context_first);
      const size_t last = decode::WordEndToken(continues, window_tokens, st->spans[i].end - context_first);
      st->window_answers[i] = decode::Answer{st->spans[i].score, st->d_spans[1 + r.first + first].begin,
                                             st->d_spans[1 + r.first + last].end, static_cast<uint32_t>(w)};
    }
    decode::MergeAnswers(st->best, &best, o.top_k, st->window_answers, k);
  }
  for (size_t i = 0; i < best; ++i) {
    st->answers[i] = embert_answer{st->best[i].begin, st->best[i].end, st->best[i].score, st->best[i].window};
  }
  embert_answers result;
  std::memset(&result, 0, sizeof result);
  result.struct_size = out->struct_size < sizeof result ? out->struct_size : sizeof result;
  result.count = best;
  result.answers = st->answers;
  result.windows = plan.count;
  result.truncated = d.truncated;
  std::memcpy(out, &result, result.struct_size);
  return Status::Ok();
}

}  // namespace

const HeadUnit kQuestionAnsweringHead = {"question_answering", Verify, Plan};

}  // namespace embert::heads

using embert::Status;

extern "C" {

void embert_qa_options_init(embert_qa_options* options) {
  if (options == nullptr) return;
  std::memset(options, 0, sizeof *options);
  options->struct_size = sizeof *options;
  options->top_k = 1;
  options->max_answer_len = 15;
  options->doc_stride = EMBERT_QA_DEFAULT_DOC_STRIDE;
}

embert_status embert_answer_question(embert_context* ctx, const char* question, size_t question_size,
                                     const char* context_text, size_t context_size, const embert_qa_options* options,
                                     embert_answers* out) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status s = embert::CheckTaskCall(ctx, out, "out_answers"); !s.ok()) return embert::ReportOn(ctx, s);
  if (question == nullptr && question_size != 0) return embert::ReportOn(ctx, embert::InvalidNull("question"));
  if (context_text == nullptr && context_size != 0) return embert::ReportOn(ctx, embert::InvalidNull("context_text"));
  auto* st = embert::heads::StateOf(ctx);
  if (st == nullptr) {
    return embert::ReportOn(ctx, Status::Error(EMBERT_STATUS_UNSUPPORTED, "the model has no question-answering head"));
  }
  embert::heads::QaOptions o;
  const Status s = embert::heads::ReadOptions(options, ctx->options.max_seq_len, &o);
  if (!s.ok()) return embert::ReportOn(ctx, s);
  static const char kEmpty[1] = {0};
  return embert::ReportOn(ctx, embert::heads::Answer(ctx, st, question ? question : kEmpty, question_size,
                                                     context_text ? context_text : kEmpty, context_size, o, out));
}

}  // extern "C"
