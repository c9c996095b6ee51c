// C API: contexts, input and tasks.
#include <cstring>

#include "api/c_api_util.h"
#include "context/context.h"
#include "context/context_input.h"
#include "embert/embert_experimental.h"
#include "encoder/batch.h"
#include "encoder/encoder.h"
#include "encoder/heads.h"
#include "heads/head_unit.h"

namespace {

using embert::InvalidNull;

embert_status Report(embert_context* ctx, const embert::Status& s) { return embert::ReportOn(ctx, s); }

}  // namespace

extern "C" {

void embert_context_options_init(embert_context_options* options) {
  if (options == nullptr) return;
  std::memset(options, 0, sizeof *options);
  options->struct_size = sizeof *options;
  options->engine = EMBERT_ENGINE_AUTO;
  options->overflow = EMBERT_OVERFLOW_TRUNCATE;
  options->invalid_utf8 = EMBERT_INVALID_UTF8_ERROR;
}

embert_status embert_context_arena_size_ex(const embert_model* model, const embert_context_options* options,
                                           size_t* out_size, char* error_message, size_t error_message_size) {
  using embert::ReportTo;
  using embert::Status;
  if (out_size != nullptr) *out_size = 0;
  if (model == nullptr || out_size == nullptr) {
    return ReportTo(Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "model and out_size must not be NULL"), error_message,
                    error_message_size);
  }
  embert::ContextOptions resolved;
  Status s = embert::ResolveOptions(*model, options, &resolved);
  if (!s.ok()) return ReportTo(s, error_message, error_message_size);
  embert::Arena measuring;
  s = embert::heads::BuildContextWithHeads(*model, resolved, measuring, nullptr);
  if (!s.ok()) return ReportTo(s, error_message, error_message_size);
  *out_size = measuring.used();
  return ReportTo(Status::Ok(), error_message, error_message_size);
}

embert_status embert_context_arena_size(const embert_model* model, const embert_context_options* options,
                                        size_t* out_size) {
  return embert_context_arena_size_ex(model, options, out_size, nullptr, 0);
}

embert_status embert_context_create(const embert_model* model, const embert_context_options* options, void* arena,
                                    size_t arena_size, embert_context** out_context, char* error_message,
                                    size_t error_message_size) {
  using embert::ReportTo;
  using embert::Status;
  if (out_context != nullptr) *out_context = nullptr;
  if (model == nullptr || arena == nullptr || out_context == nullptr) {
    return ReportTo(Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "model, arena and out_context must not be NULL"),
                    error_message, error_message_size);
  }
  if (reinterpret_cast<uintptr_t>(arena) % EMBERT_ARENA_ALIGNMENT != 0) {
    return ReportTo(Status::Error(EMBERT_STATUS_MISALIGNED, "arena must be %d-byte aligned", EMBERT_ARENA_ALIGNMENT),
                    error_message, error_message_size);
  }
  embert::ContextOptions resolved;
  Status s = embert::ResolveOptions(*model, options, &resolved);
  if (!s.ok()) return ReportTo(s, error_message, error_message_size);

  embert::Arena a(arena, arena_size);
  embert_context* ctx = nullptr;
  s = embert::heads::BuildContextWithHeads(*model, resolved, a, &ctx);
  if (!s.ok()) {
    embert::TeardownContext(ctx);
    if (s.code() == EMBERT_STATUS_ARENA_TOO_SMALL) {
      // Say exactly how much is needed, as embert_context_arena_size would.
      embert::Arena measuring;
      const Status m = embert::heads::BuildContextWithHeads(*model, resolved, measuring, nullptr);
      if (m.ok()) {
        s = Status::Error(EMBERT_STATUS_ARENA_TOO_SMALL, "arena too small: %zu bytes given, %zu bytes needed",
                          arena_size, measuring.used());
      }
    }
    return ReportTo(s, error_message, error_message_size);
  }
  embert::RetainModel(model);
  *out_context = ctx;
  ReportTo(Status::Ok(), error_message, error_message_size);
  return EMBERT_STATUS_OK;
}

void embert_context_destroy(embert_context* context) {
  if (context == nullptr) return;
  const embert_model* model = context->model;
  embert::TeardownContext(context);
  embert::ReleaseModel(model);
}

embert_status embert_experimental_set_observer(embert_context* ctx, embert_observer observer, void* user) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  ctx->observer = observer;
  ctx->observer_user = user;
  return EMBERT_STATUS_OK;
}

const char* embert_context_last_error(const embert_context* context) {
  return context == nullptr ? "context is NULL" : context->last_error;
}

const char* embert_context_engine_description(const embert_context* context) {
  return context == nullptr ? "" : context->description;
}

embert_status embert_tokenize(embert_context* ctx, const char* text, size_t text_size, const char* text_pair,
                              size_t text_pair_size) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  return Report(ctx, embert::TokenizeInput(ctx, text, text_size, text_pair, text_pair_size));
}

embert_status embert_set_tokens(embert_context* ctx, const int32_t* input_ids, const int32_t* token_type_ids,
                                const int32_t* attention_mask, size_t count) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  embert::ClearInput(ctx);
  if (input_ids == nullptr) return Report(ctx, InvalidNull("input_ids"));
  if (count == 0) {
    return Report(ctx, embert::Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "count must be > 0"));
  }
  if (count > ctx->options.max_seq_len) {
    return Report(
        ctx, embert::Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG, "%zu tokens exceed the context's max_seq_len %u",
                                   count, ctx->options.max_seq_len));
  }
  const embert::BertDims& d = ctx->model->dims;
  bool any_attended = false;
  for (size_t i = 0; i < count; ++i) {
    if (input_ids[i] < 0 || static_cast<uint32_t>(input_ids[i]) >= d.vocab) {
      return Report(ctx, embert::Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                                               "input_ids[%zu] = %d outside the vocabulary", i, input_ids[i]));
    }
    const int32_t type = token_type_ids ? token_type_ids[i] : 0;
    // DistilBERT ignores token types, but a pair's are still 0 or 1.
    const uint32_t types = embert::AcceptedTokenTypes(d);
    if (type < 0 || static_cast<uint32_t>(type) >= types) {
      return Report(ctx, embert::Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                                               "token_type_ids[%zu] = %d outside [0, %u)", i, type, types));
    }
    const int32_t mask = attention_mask ? attention_mask[i] : 1;
    if (mask != 0 && mask != 1) {
      return Report(ctx,
                    embert::Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "attention_mask[%zu] must be 0 or 1", i));
    }
    ctx->input_ids[i] = input_ids[i];
    ctx->token_type_ids[i] = type;
    ctx->attention_mask[i] = mask;
    ctx->spans[i] = embert_token_span{0, 0, 0};
    ctx->source_chars[i] = 0;
    ctx->masked |= mask == 0;
    any_attended |= mask == 1;
  }
  if (!any_attended) {
    return Report(ctx, embert::Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "attention_mask masks every token"));
  }
  ctx->count = count;
  embert::SetOneInput(ctx);
  ctx->has_input = true;
  return Report(ctx, embert::Status::Ok());
}

embert_status embert_get_tokens(embert_context* ctx, embert_tokens* out) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status s = embert::CheckTaskCall(ctx, out, "out_tokens"); !s.ok()) return Report(ctx, s);
  if (!ctx->has_input) return Report(ctx, embert::Status::Error(EMBERT_STATUS_NO_INPUT, "no input"));
  embert_tokens t;
  t.struct_size = out->struct_size < sizeof t ? out->struct_size : sizeof t;
  t.count = ctx->count;
  t.input_ids = ctx->input_ids;
  t.token_type_ids = ctx->token_type_ids;
  t.attention_mask = ctx->attention_mask;
  t.spans = ctx->spans;
  t.truncated = ctx->truncated;
  t.num_inputs = ctx->num_inputs;
  t.input_offsets = ctx->input_offsets;
  std::memcpy(out, &t, t.struct_size);
  return Report(ctx, embert::Status::Ok());
}

embert_status embert_classify(embert_context* ctx, embert_classification* out) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status s = embert::CheckTaskCall(ctx, out, "out_result"); !s.ok()) return Report(ctx, s);
  return Report(ctx, embert::Classify(ctx, out));
}

embert_status embert_embed(embert_context* ctx, embert_pooling pooling, int normalize, const float** out_embedding,
                           size_t* out_size) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  if (out_embedding == nullptr || out_size == nullptr) {
    return Report(ctx, InvalidNull("out_embedding and out_size"));
  }
  return Report(ctx, embert::Embed(ctx, pooling, normalize, out_embedding, out_size));
}

embert_status embert_tokenize_batch(embert_context* ctx, const embert_text* inputs, size_t num_inputs,
                                    size_t* out_taken) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  if (out_taken == nullptr) return Report(ctx, InvalidNull("out_taken"));
  return Report(ctx, embert::TokenizeBatch(ctx, inputs, num_inputs, out_taken));
}

embert_status embert_set_batch_tokens(embert_context* ctx, const int32_t* input_ids, const int32_t* token_type_ids,
                                      const size_t* lengths, size_t num_inputs) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  return Report(ctx, embert::SetBatchTokens(ctx, input_ids, token_type_ids, lengths, num_inputs));
}

embert_status embert_embed_batch(embert_context* ctx, embert_pooling pooling, int normalize,
                                 const float** out_embeddings, size_t* out_num_inputs, size_t* out_dim) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  if (out_embeddings == nullptr || out_num_inputs == nullptr || out_dim == nullptr) {
    return Report(ctx, InvalidNull("out_embeddings, out_num_inputs and out_dim"));
  }
  return Report(ctx, embert::EmbedBatch(ctx, pooling, normalize, out_embeddings, out_num_inputs, out_dim));
}

embert_status embert_classify_batch(embert_context* ctx, embert_classification* results, size_t num_inputs) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  if (results == nullptr) return Report(ctx, InvalidNull("results"));
  return Report(ctx, embert::ClassifyBatch(ctx, results, num_inputs));
}

embert_status embert_hidden_states(embert_context* ctx, const float** out_states, size_t* out_rows, size_t* out_cols) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  if (out_states == nullptr || out_rows == nullptr || out_cols == nullptr) {
    return Report(ctx, InvalidNull("out_states, out_rows and out_cols"));
  }
  const embert::Status s = embert::Encode(ctx);
  if (s.ok()) {
    *out_states = ctx->hidden;
    *out_rows = ctx->count;
    *out_cols = ctx->model->dims.hidden;
  }
  return Report(ctx, s);
}

embert_status embert_fill_mask(embert_context* ctx, size_t top_k, embert_mask_predictions* out) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status s = embert::CheckTaskCall(ctx, out, "out_predictions"); !s.ok()) return Report(ctx, s);
  return Report(ctx, embert::FillMask(ctx, top_k, out));
}

embert_status embert_next_sentence(embert_context* ctx, float* out_probability) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const embert::Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return Report(ctx, alive);
  if (out_probability == nullptr) return Report(ctx, InvalidNull("out_is_next_probability"));
  return Report(ctx, embert::NextSentence(ctx, out_probability));
}

}  // extern "C"
