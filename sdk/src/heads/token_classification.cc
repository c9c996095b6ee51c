// Token classification (BertForTokenClassification: named entities, slot
// filling): a dense layer [labels, hidden] on every token's last hidden
// state, then Hugging Face's token-classification pipeline's grouping of
// tokens into entities (decode/entities.h).
//
// TaskHead "token_classification": linears[0] = [num_labels, hidden] (fp32),
// labels = the tags (id2label), e.g. O, B-PER, I-PER.
#include <cstring>
#include <new>

#include "context/context_input.h"
#include "decode/entities.h"
#include "encoder/encoder.h"
#include "heads/head_unit.h"

namespace embert::heads {
namespace {

struct State {
  LinearOp dense;
  uint32_t num_labels = 0;
  const char** labels = nullptr;          // [L], NUL-terminated, in the file
  float* logits = nullptr;                // [S][L]
  float* probs = nullptr;                 // [S][L]
  uint32_t* label_ids = nullptr;          // [S]
  float* tagged_probs = nullptr;          // [S][L]: rows of the text's tokens
  decode::TaggedToken* tagged = nullptr;  // [S]
  uint32_t* positions = nullptr;          // [S]: tagged token -> input position
  decode::Entity* found = nullptr;        // [S]
  embert_entity* entities = nullptr;      // [S]
  void* scratch = nullptr;
};

Status Verify(const embert_model& model, const schema::TaskHead& head) {
  const auto* labels = head.labels();
  if (labels == nullptr || labels->size() == 0 || labels->size() > 65536) {
    return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: token_classification needs 1..65536 labels");
  }
  for (uint32_t i = 0; i < labels->size(); ++i) {
    if (labels->Get(i) == nullptr) {
      return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: token_classification label %u is null", i);
    }
  }
  if (head.linears() == nullptr || head.linears()->size() != 1) {
    return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: token_classification needs one linear layer");
  }
  return CheckLinear(model, head.linears()->Get(0), "token_classification.dense", labels->size(), model.dims.hidden,
                     false, nullptr);
}

Status Plan(const embert_model& model, const schema::TaskHead& head, const ContextOptions& options, embert_context* ctx,
            Arena& arena, void** out) {
  const size_t S = options.max_seq_len;
  const size_t L = head.labels()->size();
  void* mem = arena.Allocate(sizeof(State));
  if (arena.overflowed()) return TooSmall();
  State scratch_state;
  State* st = ctx != nullptr ? new (mem) State() : &scratch_state;
  st->num_labels = static_cast<uint32_t>(L);
  LinearView view;
  (void)CheckLinear(model, head.linears()->Get(0), "token_classification.dense", L, model.dims.hidden, false, &view);
  // Heads run on the reference kernels (fp32, in place): nothing to release.
  const LinearEngine reference_f32;
  EMBERT_RETURN_IF_ERROR(PrepareLinear(&st->dense, view, ctx != nullptr ? ctx->head_engine : reference_f32, L, arena));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, L, &st->labels));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S * L, &st->logits));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S * L, &st->probs));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->label_ids));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S * L, &st->tagged_probs));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->tagged));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->positions));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->found));
  EMBERT_RETURN_IF_ERROR(PlanArray(arena, S, &st->entities));
  st->scratch = arena.Allocate(decode::EntityScratchBytes(S, L));
  if (arena.overflowed()) return TooSmall();
  if (ctx != nullptr) {
    for (uint32_t i = 0; i < L; ++i) st->labels[i] = head.labels()->Get(i)->c_str();
  }
  *out = ctx != nullptr ? st : nullptr;
  return Status::Ok();
}

State* StateOf(embert_context* ctx) { return static_cast<State*>(HeadState(ctx, kTokenClassificationHead)); }

Status Unsupported() { return Status::Error(EMBERT_STATUS_UNSUPPORTED, "the model has no token-classification head"); }

// Logits, probabilities and the top label of every token of the input.
Status Run(embert_context* ctx, State* st) {
  EMBERT_RETURN_IF_ERROR(CheckOneInput(ctx, "token classification takes one input per call"));
  EMBERT_RETURN_IF_ERROR(Encode(ctx));
  const size_t L = st->num_labels;
  st->dense.Run(ctx->head_engine, ctx->hidden, ctx->count, st->logits);
  SoftmaxRows(st->logits, ctx->count, L, st->probs);
  for (size_t t = 0; t < ctx->count; ++t) {
    const float* row = st->logits + t * L;
    uint32_t best = 0;
    for (uint32_t i = 1; i < L; ++i) best = row[i] > row[best] ? i : best;
    st->label_ids[t] = best;
  }
  return Status::Ok();
}

// Code points of a NUL-terminated UTF-8 string.
uint32_t CodePoints(const char* s) {
  uint32_t n = 0;
  for (; *s != '\0'; ++s) n += (static_cast<unsigned char>(*s) & 0xC0) != 0x80;
  return n;
}

Status Entities(embert_context* ctx, State* st, decode::Aggregation aggregation, embert_entities* out) {
  if (!ctx->has_input) return Status::Error(EMBERT_STATUS_NO_INPUT, "no input: call embert_tokenize first");
  if (!ctx->text_input) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                         "entities need the input of embert_tokenize with one text (their byte ranges come from it)");
  }
  EMBERT_RETURN_IF_ERROR(Run(ctx, st));
  const size_t L = st->num_labels;
  const auto* vocab = ctx->model->root->tokenizer()->vocab();
  const int32_t unk = ctx->model->root->tokenizer()->unk_id();
  size_t n = 0;
  for (size_t t = 0; t < ctx->count; ++t) {
    const embert_token_span& s = ctx->spans[t];
    if (s.begin == s.end) continue;  // [CLS], [SEP]: no text, as HF's special_tokens_mask
    const int32_t id = ctx->input_ids[t];
    // HF's rule for WordPiece: a token whose vocabulary entry is not as
    // long as its text ("##ing" for "ing") continues a word; [UNK] never.
    const bool subword =
        id != unk && CodePoints(vocab->Get(static_cast<uint32_t>(id))->c_str()) != ctx->source_chars[t];
    st->tagged[n] = decode::TaggedToken{s.begin, s.end, subword};
    st->positions[n] = static_cast<uint32_t>(t);
    std::memcpy(st->tagged_probs + n * L, st->probs + t * L, L * sizeof(float));
    ++n;
  }
  const size_t count =
      decode::ExtractEntities(st->tagged_probs, L, st->labels, st->tagged, n, aggregation, st->scratch, st->found);
  for (size_t i = 0; i < count; ++i) {
    const decode::Entity& e = st->found[i];
    const char* tag = st->labels[e.label];
    embert_entity& r = st->entities[i];
    r.label = aggregation == decode::Aggregation::kNone ? tag : decode::GroupName(tag);
    r.begin = e.begin;
    r.end = e.end;
    r.score = e.score;
    r.first_token = st->positions[e.first_token];
    r.last_token = st->positions[e.last_token];
  }
  embert_entities result;
  std::memset(&result, 0, sizeof result);
  result.struct_size = out->struct_size < sizeof result ? out->struct_size : sizeof result;
  result.count = count;
  result.entities = st->entities;
  std::memcpy(out, &result, result.struct_size);
  return Status::Ok();
}

}  // namespace

const HeadUnit kTokenClassificationHead = {"token_classification", Verify, Plan};

}  // namespace embert::heads

using embert::Status;
using embert::heads::StateOf;

extern "C" {

embert_status embert_classify_tokens(embert_context* ctx, embert_token_labels* out) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status s = embert::CheckTaskCall(ctx, out, "out_labels"); !s.ok()) return embert::ReportOn(ctx, s);
  auto* st = StateOf(ctx);
  if (st == nullptr) return embert::ReportOn(ctx, embert::heads::Unsupported());
  const Status s = embert::heads::Run(ctx, st);
  if (!s.ok()) return embert::ReportOn(ctx, s);
  embert_token_labels r;
  std::memset(&r, 0, sizeof r);
  r.struct_size = out->struct_size < sizeof r ? out->struct_size : sizeof r;
  r.count = ctx->count;
  r.num_labels = st->num_labels;
  r.logits = st->logits;
  r.probabilities = st->probs;
  r.label_ids = st->label_ids;
  std::memcpy(out, &r, r.struct_size);
  return embert::ReportOn(ctx, Status::Ok());
}

embert_status embert_extract_entities(embert_context* ctx, embert_aggregation aggregation, embert_entities* out) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status s = embert::CheckTaskCall(ctx, out, "out_entities"); !s.ok())
    return embert::ReportOn(ctx, s);
  // The enum comes from C: read it as an int (an out-of-range enum value is
  // undefined behaviour in C++).
  int a;
  std::memcpy(&a, &aggregation, sizeof a);
  embert::decode::Aggregation mode;
  switch (a) {
    case EMBERT_AGGREGATION_SIMPLE: mode = embert::decode::Aggregation::kSimple; break;
    case EMBERT_AGGREGATION_NONE: mode = embert::decode::Aggregation::kNone; break;
    case EMBERT_AGGREGATION_FIRST: mode = embert::decode::Aggregation::kFirst; break;
    case EMBERT_AGGREGATION_AVERAGE: mode = embert::decode::Aggregation::kAverage; break;
    case EMBERT_AGGREGATION_MAX: mode = embert::decode::Aggregation::kMax; break;
    default: return embert::ReportOn(ctx, Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "unknown aggregation %d", a));
  }
  auto* st = StateOf(ctx);
  if (st == nullptr) return embert::ReportOn(ctx, embert::heads::Unsupported());
  return embert::ReportOn(ctx, embert::heads::Entities(ctx, st, mode, out));
}

embert_status embert_model_token_label(const embert_model* model, uint32_t index, const char** out_label) {
  if (model == nullptr || out_label == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  const auto* head = embert::heads::FindHead(*model, embert::heads::kTokenClassificationHead);
  if (head == nullptr) return EMBERT_STATUS_UNSUPPORTED;
  if (index >= head->labels()->size()) return EMBERT_STATUS_INVALID_ARGUMENT;
  *out_label = head->labels()->Get(index)->c_str();
  return EMBERT_STATUS_OK;
}

}  // extern "C"
