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

Status TokenizeInput(embert_context* ctx, const char* a, size_t a_size, const char* b, size_t b_size) {
  ClearInput(ctx);
  if (a == nullptr && a_size != 0) return InvalidNull("text");
  // The second text's tokens have type 1: a model trained with one token
  // type (type_vocab_size 1) has no row for them, and transformers fails on
  // such a pair too. DistilBERT has no token types at all: its pairs are
  // [CLS] a [SEP] b [SEP] and the types are ignored.
  if (b != nullptr && !TakesPairs(ctx->model->dims)) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                         "the model has one token type (type_vocab_size 1): it takes no text pair");
  }
  static const char kEmpty[1] = {0};
  if (a == nullptr) a = kEmpty;
  tok::EncodeOutput out;
  out.ids = ctx->input_ids;
  out.type_ids = ctx->token_type_ids;
  out.spans = ctx->spans;
  out.capacity = ctx->options.max_seq_len;
  EMBERT_RETURN_IF_ERROR(
      ctx->tokenizer.Encode(a, a_size, b, b_size, ctx->tokenizer_scratch, ctx->tokenizer_scratch_size, &out));
  ctx->count = out.count;
  ctx->truncated = out.truncated;
  for (size_t i = 0; i < ctx->count; ++i) {
    ctx->attention_mask[i] = 1;
    const embert_token_span& s = ctx->spans[i];
    ctx->source_chars[i] = CodePoints(s.text == 0 ? a : b, s.begin, s.end);
  }
  ctx->has_input = true;
  ctx->text_input = b == nullptr;
  return Status::Ok();
}

}  // namespace embert
