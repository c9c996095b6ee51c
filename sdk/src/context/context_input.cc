#include "context/context_input.h"

#include <cstdio>

namespace embert {

embert_status ReportOn(embert_context* ctx, const Status& s) {
  if (s.ok()) {
    ctx->last_error[0] = '\0';
  } else {
    std::snprintf(ctx->last_error, sizeof ctx->last_error, "%s",
                  s.message()[0] ? s.message() : embert_status_string(s.code()));
  }
  return s.code();
}

Status CheckModelAlive(const embert_context* ctx) {
  if (!ctx->model->released.load(std::memory_order_acquire)) return Status::Ok();
  return Status::Error(EMBERT_STATUS_MODEL_RELEASED,
                       "the model of this context was destroyed: destroy contexts before their model");
}

Status InvalidNull(const char* what) {
  return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "%s must not be NULL", what);
}

void ClearInput(embert_context* ctx) {
  ctx->has_input = false;
  ctx->text_input = false;
  ctx->encoded = false;
  ctx->masked = false;
  ctx->count = 0;
  ctx->truncated = 0;
  ctx->num_inputs = 0;
}

void SetOneInput(embert_context* ctx) {
  ctx->num_inputs = 1;
  ctx->input_offsets[0] = 0;
  ctx->input_offsets[1] = ctx->count;
}

Status CheckOneInput(const embert_context* ctx, const char* what) {
  if (ctx->num_inputs <= 1) return Status::Ok();
  return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "the input packs %zu inputs: %s", ctx->num_inputs, what);
}

namespace {

// Code points of valid UTF-8 (or of text whose bad bytes the tokenizer
// replaced: each such byte outside a sequence counts, close enough for the
// only use, which compares with a vocabulary entry's length).
uint32_t CodePoints(const char* text, uint32_t begin, uint32_t end) {
  uint32_t n = 0;
  for (uint32_t i = begin; i < end; ++i) n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return n;
}

}  // namespace

namespace {

// Tokenizes a (and b) into the context's arrays at token `at`, at most
// `capacity` tokens; fills the attention mask and the source code points.
Status TokenizeAt(embert_context* ctx, size_t at, size_t capacity, const char* a, size_t a_size, const char* b,
                  size_t b_size, tok::EncodeOutput* out) {
  if (a == nullptr && a_size != 0) return InvalidNull("text");
  // The second text's tokens have type 1: a model trained with one token
  // type (type_vocab_size 1) has no row for them, and transformers fails on
  // such a pair too.
  if (b != nullptr && ctx->model->dims.type_vocab < 2) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                         "the model has one token type (type_vocab_size 1): it takes no text pair");
  }
  static const char kEmpty[1] = {0};
  if (a == nullptr) a = kEmpty;
  out->ids = ctx->input_ids + at;
  out->type_ids = ctx->token_type_ids + at;
  out->spans = ctx->spans + at;
  out->capacity = capacity;
  EMBERT_RETURN_IF_ERROR(
      ctx->tokenizer.Encode(a, a_size, b, b_size, ctx->tokenizer_scratch, ctx->tokenizer_scratch_size, out));
  for (size_t i = at; i < at + out->count; ++i) {
    ctx->attention_mask[i] = 1;
    const embert_token_span& s = ctx->spans[i];
    ctx->source_chars[i] = CodePoints(s.text == 0 ? a : b, s.begin, s.end);
  }
  return Status::Ok();
}

}  // namespace

Status TokenizeInput(embert_context* ctx, const char* a, size_t a_size, const char* b, size_t b_size) {
  ClearInput(ctx);
  tok::EncodeOutput out;
  EMBERT_RETURN_IF_ERROR(TokenizeAt(ctx, 0, ctx->options.max_seq_len, a, a_size, b, b_size, &out));
  ctx->count = out.count;
  ctx->truncated = out.truncated;
  SetOneInput(ctx);
  ctx->has_input = true;
  ctx->text_input = b == nullptr;
  return Status::Ok();
}

Status TokenizeBatch(embert_context* ctx, const embert_text* inputs, size_t n, size_t* taken) {
  ClearInput(ctx);
  *taken = 0;
  if (n == 0) return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "num_inputs must be > 0");
  if (inputs == nullptr) return InvalidNull("inputs");
  const size_t S = ctx->options.max_seq_len;
  const size_t T = ctx->options.max_batch_tokens;
  const size_t max_inputs = MaxBatchInputs(ctx->options);
  size_t used = 0, truncated = 0, i = 0;
  for (; i < n && i < max_inputs && used < T; ++i) {
    const embert_text& in = inputs[i];
    const size_t room = T - used < S ? T - used : S;
    tok::EncodeOutput out;
    const Status s = TokenizeAt(ctx, used, room, in.text, in.text_size, in.pair, in.pair_size, &out);
    // With less room than max_seq_len left, an input that does not fit
    // waits for the next run (cut to the room it would differ from alone).
    // An input that fails (invalid UTF-8, ...) ends the run before it: the
    // next call starts with it and reports its error.
    const bool short_of_room = room < S && (s.ok() ? out.truncated > 0 : s.code() == EMBERT_STATUS_SEQUENCE_TOO_LONG);
    if ((short_of_room || !s.ok()) && i > 0) break;
    if (!s.ok()) {
      ClearInput(ctx);
      return s;
    }
    ctx->input_offsets[i] = used;
    used += out.count;
    truncated += out.truncated;
  }
  ctx->input_offsets[i] = used;
  ctx->num_inputs = i;
  ctx->count = used;
  ctx->truncated = truncated;
  ctx->has_input = true;
  *taken = i;
  return Status::Ok();
}

Status SetBatchTokens(embert_context* ctx, const int32_t* ids, const int32_t* types, const size_t* lengths, size_t n) {
  ClearInput(ctx);
  if (ids == nullptr || lengths == nullptr) return InvalidNull("input_ids and lengths");
  if (n == 0) return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "num_inputs must be > 0");
  const size_t S = ctx->options.max_seq_len;
  const size_t T = ctx->options.max_batch_tokens;
  if (n > MaxBatchInputs(ctx->options)) {
    return Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG, "%zu inputs exceed the %zu of one run (max_batch_tokens / 2)",
                         n, MaxBatchInputs(ctx->options));
  }
  const BertDims& d = ctx->model->dims;
  size_t used = 0;
  for (size_t i = 0; i < n; ++i) {
    if (lengths[i] == 0 || lengths[i] > S) {
      return Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG, "input %zu has %zu tokens: it must have 1 to %zu", i,
                           lengths[i], S);
    }
    if (lengths[i] > T - used) {
      return Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG, "the inputs exceed the %zu tokens of one run", T);
    }
    ctx->input_offsets[i] = used;
    used += lengths[i];
  }
  ctx->input_offsets[n] = used;
  for (size_t t = 0; t < used; ++t) {
    if (ids[t] < 0 || static_cast<uint32_t>(ids[t]) >= d.vocab) {
      return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "input_ids[%zu] = %d outside the vocabulary", t, ids[t]);
    }
    const int32_t type = types ? types[t] : 0;
    if (type < 0 || static_cast<uint32_t>(type) >= d.type_vocab) {
      return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "token_type_ids[%zu] = %d outside [0, %u)", t, type,
                           d.type_vocab);
    }
    ctx->input_ids[t] = ids[t];
    ctx->token_type_ids[t] = type;
    ctx->attention_mask[t] = 1;
    ctx->spans[t] = embert_token_span{0, 0, 0};
    ctx->source_chars[t] = 0;
  }
  ctx->count = used;
  ctx->num_inputs = n;
  ctx->has_input = true;
  return Status::Ok();
}

}  // namespace embert
