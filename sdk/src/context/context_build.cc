// Context planning and creation. The same code runs on a measuring arena
// (embert_context_arena_size) and on the caller's arena (embert_context_create),
// so the size it reports is the size it uses.
#include <cstring>
#include <new>

#include "backend/qgemm.h"
#include "context/context.h"
#include "core/cpu_features.h"
#include "kernels/attention.h"

#if defined(EMBERT_WITH_XNNPACK)
#include "backend/xnnpack_arena.h"
#endif

namespace embert {
namespace {

constexpr uint32_t kMaxThreads = 64;

template <typename T>
Status Plan(Arena& arena, size_t count, T** out) {
  return PlanArray(arena, count, out);
}

Status PrepareOp(LinearOp* op, const LinearView& w, const LinearEngine& engine, size_t out_stride, Arena& arena) {
  return PrepareLinear(op, w, engine, out_stride, arena);
}

const char* EngineName(const embert_model& model, const LinearEngine& engine) {
  if (model.quantized) return engine.kernels->name;
  return engine.use_xnnpack ? "xnnpack-f32" : "reference-f32";
}

}  // namespace

Status TooSmall() { return Status::Error(EMBERT_STATUS_ARENA_TOO_SMALL, "arena too small"); }

// Prepares `op` in place when building, or a throwaway when measuring (the
// arena still counts what it needs; XNNPACK operators are created and freed).
Status PrepareLinear(LinearOp* op, const LinearView& w, const LinearEngine& engine, size_t out_stride, Arena& arena) {
  if (!arena.measuring()) return op->Prepare(w, engine, out_stride, arena);
  LinearOp temp;
  return temp.Prepare(w, engine, out_stride, arena);
}

Status ResolveOptions(const embert_model& model, const embert_context_options* in, ContextOptions* out) {
  *out = ContextOptions();
  embert_context_options o;
  embert_context_options_init(&o);
  if (in != nullptr) {
    if (in->struct_size < offsetof(embert_context_options, max_seq_len) + sizeof(uint32_t) || in->struct_size > 4096) {
      return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                           "options.struct_size is not set: call embert_context_options_init()");
    }
    // Read the caller's prefix; later fields keep their defaults.
    std::memcpy(&o, in, in->struct_size < sizeof o ? in->struct_size : sizeof o);
  }
  const uint32_t model_max = model.dims.max_seq_len;
  if (o.max_seq_len > model_max) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "max_seq_len %u exceeds the model's maximum %u", o.max_seq_len,
                         model_max);
  }
  if (o.max_seq_len != 0 && o.max_seq_len < 3) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "max_seq_len must be at least 3");
  }
  out->max_seq_len = o.max_seq_len == 0 ? model_max : o.max_seq_len;
  if (o.num_threads > kMaxThreads) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "num_threads %u exceeds %u", o.num_threads, kMaxThreads);
  }
  out->threads = o.num_threads == 0 ? 1 : o.num_threads;
  // The enums come from C callers: read them as ints (loading an enum that
  // holds a value outside its enumerators is undefined behaviour in C++).
  int engine, overflow, utf8;
  std::memcpy(&engine, &o.engine, sizeof engine);
  std::memcpy(&overflow, &o.overflow, sizeof overflow);
  std::memcpy(&utf8, &o.invalid_utf8, sizeof utf8);
  if (engine != EMBERT_ENGINE_AUTO && engine != EMBERT_ENGINE_REFERENCE && engine != EMBERT_ENGINE_XNNPACK) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "unknown engine %d", engine);
  }
#if !defined(EMBERT_WITH_XNNPACK)
  if (engine == EMBERT_ENGINE_XNNPACK) {
    return Status::Error(EMBERT_STATUS_UNSUPPORTED, "this build has no XNNPACK engine");
  }
#endif
  out->engine = static_cast<embert_engine>(engine);
  if (overflow != EMBERT_OVERFLOW_TRUNCATE && overflow != EMBERT_OVERFLOW_ERROR) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "unknown overflow policy %d", overflow);
  }
  out->overflow = static_cast<embert_overflow>(overflow);
  if (utf8 != EMBERT_INVALID_UTF8_ERROR && utf8 != EMBERT_INVALID_UTF8_REPLACE) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "unknown invalid_utf8 policy %d", utf8);
  }
  out->invalid_utf8 = static_cast<embert_invalid_utf8>(utf8);
  // A document of QA is tokenized whole before it is split into windows.
  constexpr uint32_t kMaxDocumentTokens = 1u << 20;
  if (o.max_document_tokens > kMaxDocumentTokens) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "max_document_tokens %u exceeds %u", o.max_document_tokens,
                         kMaxDocumentTokens);
  }
  out->max_document_tokens = o.max_document_tokens != 0 ? o.max_document_tokens : 4 * out->max_seq_len;
  constexpr uint32_t kMaxBatchTokens = 1u << 16;
  if (o.max_batch_tokens > kMaxBatchTokens) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "max_batch_tokens %u exceeds %u", o.max_batch_tokens,
                         kMaxBatchTokens);
  }
  out->max_batch_tokens = o.max_batch_tokens > out->max_seq_len ? o.max_batch_tokens : out->max_seq_len;
  return Status::Ok();
}

Status BuildContext(const embert_model& model, const ContextOptions& options, Arena& arena, embert_context** out) {
  const bool building = !arena.measuring();
  embert_context measuring_ctx;
  embert_context* ctx = &measuring_ctx;
  void* self = arena.Allocate(sizeof(embert_context));
  if (arena.overflowed()) return TooSmall();
  if (building) ctx = new (self) embert_context();
  if (out != nullptr) *out = building ? ctx : nullptr;

  const BertDims& d = model.dims;
  const size_t S = options.max_seq_len;       // the longest input
  const size_t T = options.max_batch_tokens;  // the most tokens of one run (packed inputs)
  const size_t H = d.hidden;
  const size_t I = d.intermediate;
  ctx->model = &model;
  ctx->options = options;
  InitCpuInfo();

  // Engines: int8 layers on the fastest qgemm kernels (or the portable ones
  // when asked); fp32 layers on XNNPACK unless the reference is asked for.
  LinearEngine& engine = ctx->engine;
  engine.kernels = options.engine == EMBERT_ENGINE_REFERENCE ? &qgemm::ReferenceKernels() : &qgemm::BestKernels();
#if defined(EMBERT_WITH_XNNPACK)
  engine.use_xnnpack = options.engine != EMBERT_ENGINE_REFERENCE;
  if (engine.use_xnnpack) EMBERT_RETURN_IF_ERROR(InitXnnpack());
#endif
  if (building && options.threads > 1) {
    ctx->pool = pthreadpool_create(options.threads);
    if (ctx->pool == nullptr) {
      return Status::Error(EMBERT_STATUS_OUT_OF_MEMORY, "cannot create a pool of %u threads", options.threads);
    }
  }
  engine.pool = ctx->pool;
  // Heads read their (large, rarely used) weights in place.
  ctx->head_engine.kernels = &qgemm::ReferenceKernels();
  ctx->head_engine.pool = nullptr;

  // Tokenizer.
  tok::Settings ts = model.tokenizer_settings;
  ts.replace_invalid_utf8 = options.invalid_utf8 == EMBERT_INVALID_UTF8_REPLACE;
  ts.error_on_overflow = options.overflow == EMBERT_OVERFLOW_ERROR;
  ctx->tokenizer = tok::Tokenizer(&model.vocab_index, ts);
  ctx->tokenizer_scratch_size = tok::Tokenizer::ScratchBytes(S);
  ctx->tokenizer_scratch = arena.Allocate(ctx->tokenizer_scratch_size);
  if (arena.overflowed()) return TooSmall();
  EMBERT_RETURN_IF_ERROR(Plan(arena, T, &ctx->input_ids));
  EMBERT_RETURN_IF_ERROR(Plan(arena, T, &ctx->token_type_ids));
  EMBERT_RETURN_IF_ERROR(Plan(arena, T, &ctx->attention_mask));
  EMBERT_RETURN_IF_ERROR(Plan(arena, T, &ctx->spans));
  EMBERT_RETURN_IF_ERROR(Plan(arena, T, &ctx->source_chars));
  EMBERT_RETURN_IF_ERROR(Plan(arena, MaxBatchInputs(options) + 1, &ctx->input_offsets));

  // Activations. One wide buffer serves Q|K|V and, once attention has read
  // them, the FFN intermediate.
  const size_t wide = 3 * H > I ? 3 * H : I;
  ctx->score_slots = options.threads;
  // Attention works on one input at a time: its scratch is for S tokens.
  EMBERT_RETURN_IF_ERROR(Plan(arena, T * H, &ctx->hidden));
  EMBERT_RETURN_IF_ERROR(Plan(arena, T * wide, &ctx->wide));
  EMBERT_RETURN_IF_ERROR(Plan(arena, T * H, &ctx->attended));
  EMBERT_RETURN_IF_ERROR(Plan(arena, T * H, &ctx->branch));
  EMBERT_RETURN_IF_ERROR(Plan(arena, ctx->score_slots * kernels::AttentionScratchFloats(S, d.head_dim), &ctx->scores));
  const bool int8_decoder = model.root->masked_lm() != nullptr && ResolveMaskedLm(model).decoder.int8;
  if (model.quantized || int8_decoder) {
    if (!PlanLinearScratch(&engine, T, I > H ? I : H, arena)) return TooSmall();
    ctx->head_engine.q = engine.q;
    ctx->head_engine.q_scales = engine.q_scales;
  }

  // Layers.
  ctx->embeddings = ResolveEmbeddings(model);
  if (ctx->embeddings.has_projection) {
    EMBERT_RETURN_IF_ERROR(Plan(arena, T * d.embedding, &ctx->embedded));
    EMBERT_RETURN_IF_ERROR(
        PrepareOp(&ctx->embedding_projection, ctx->embeddings.projection, ctx->head_engine, H, arena));
  }
  LayerOps* layers = nullptr;
  void* layer_mem = arena.Allocate(sizeof(LayerOps) * d.layers);
  if (arena.overflowed()) return TooSmall();
  if (building) {
    layers = static_cast<LayerOps*>(layer_mem);
    for (uint32_t i = 0; i < d.layers; ++i) new (&layers[i]) LayerOps();
    ctx->layers = layers;
  }
#if defined(EMBERT_WITH_XNNPACK)
  ScopedXnnpackArena xnnpack_scope(&arena);
#endif
  for (uint32_t i = 0; i < d.layers; ++i) {
    const LayerView v = ResolveLayer(model, i);
    LayerOps* ops = building ? &layers[i] : nullptr;
    EMBERT_RETURN_IF_ERROR(PrepareOp(ops ? &ops->query : nullptr, v.query, engine, 3 * H, arena));
    EMBERT_RETURN_IF_ERROR(PrepareOp(ops ? &ops->key : nullptr, v.key, engine, 3 * H, arena));
    EMBERT_RETURN_IF_ERROR(PrepareOp(ops ? &ops->value : nullptr, v.value, engine, 3 * H, arena));
    EMBERT_RETURN_IF_ERROR(PrepareOp(ops ? &ops->attention_output : nullptr, v.attention_output, engine, H, arena));
    EMBERT_RETURN_IF_ERROR(PrepareOp(ops ? &ops->intermediate : nullptr, v.intermediate, engine, I, arena));
    EMBERT_RETURN_IF_ERROR(PrepareOp(ops ? &ops->output : nullptr, v.output, engine, H, arena));
    if (ops != nullptr) {
      ops->attention_norm = v.attention_norm;
      ops->output_norm = v.output_norm;
    }
  }

  // Heads.
  EMBERT_RETURN_IF_ERROR(Plan(arena, H, &ctx->pooled));
  const size_t vector_width = model.sentence.max_width > H ? model.sentence.max_width : H;
  EMBERT_RETURN_IF_ERROR(Plan(arena, vector_width, &ctx->vector));
  if (model.sentence.num_dense > 0) {
    EMBERT_RETURN_IF_ERROR(Plan(arena, vector_width, &ctx->sentence_scratch));
    for (size_t i = 0; i < model.sentence.num_dense; ++i) {
      const LinearView dense = ResolveSentenceDense(model, i);
      EMBERT_RETURN_IF_ERROR(PrepareOp(&ctx->sentence_dense[i], dense, ctx->head_engine, dense.out, arena));
    }
  }
  ctx->has_pooler = HasPooler(model);
  if (ctx->has_pooler) {
    EMBERT_RETURN_IF_ERROR(PrepareOp(&ctx->pooler, ResolvePooler(model), ctx->head_engine, H, arena));
  }
  size_t num_logits = 2;
  if (model.root->classifier() != nullptr) {
    const LinearView c = ResolveClassifier(model);
    num_logits = c.out > num_logits ? c.out : num_logits;
    EMBERT_RETURN_IF_ERROR(PrepareOp(&ctx->classifier, c, ctx->head_engine, c.out, arena));
    bool transform = false;
    const LinearView t = ResolveClassifierTransform(model, &transform);
    if (transform) {
      EMBERT_RETURN_IF_ERROR(PrepareOp(&ctx->classifier_transform, t, ctx->head_engine, H, arena));
    }
    if (building) ctx->has_classifier_transform = transform;
  }
  if (model.root->next_sentence() != nullptr) {
    EMBERT_RETURN_IF_ERROR(PrepareOp(&ctx->next_sentence, ResolveNextSentence(model), ctx->head_engine, 2, arena));
  }
  EMBERT_RETURN_IF_ERROR(Plan(arena, num_logits, &ctx->logits));
  EMBERT_RETURN_IF_ERROR(Plan(arena, num_logits, &ctx->probs));
  ctx->num_logits = num_logits;
  EMBERT_RETURN_IF_ERROR(Plan(arena, MaxBatchInputs(options) * num_logits, &ctx->batch_logits));
  EMBERT_RETURN_IF_ERROR(Plan(arena, MaxBatchInputs(options) * num_logits, &ctx->batch_probs));
  if (model.root->masked_lm() != nullptr) {
    const MaskedLmView m = ResolveMaskedLm(model);
    EMBERT_RETURN_IF_ERROR(PrepareOp(&ctx->mlm_transform, m.transform, ctx->head_engine, H, arena));
    ctx->mlm_norm = m.transform_norm;
    LinearView decoder;
    decoder.weight = m.decoder;
    decoder.bias = m.decoder_bias;
    decoder.in = static_cast<uint32_t>(H);
    decoder.out = d.vocab;
    EMBERT_RETURN_IF_ERROR(PrepareOp(&ctx->mlm_decoder, decoder, ctx->head_engine, d.vocab, arena));
    EMBERT_RETURN_IF_ERROR(Plan(arena, S * H, &ctx->mlm_rows));
    EMBERT_RETURN_IF_ERROR(Plan(arena, d.vocab, &ctx->vocab_logits));
    EMBERT_RETURN_IF_ERROR(Plan(arena, S, &ctx->mask_positions));
    EMBERT_RETURN_IF_ERROR(Plan(arena, S * kMaxTopK, &ctx->top_ids));
    EMBERT_RETURN_IF_ERROR(Plan(arena, S * kMaxTopK, &ctx->top_scores));
  }

  char cpu[96];
  DescribeCpu(cpu, sizeof cpu);
  std::snprintf(ctx->description, sizeof ctx->description, "%s, %u thread%s (%s)", EngineName(model, engine),
                options.threads, options.threads == 1 ? "" : "s", cpu);
  return Status::Ok();
}

void TeardownContext(embert_context* ctx) {
  if (ctx == nullptr) return;
  if (ctx->layers != nullptr) {
    for (uint32_t i = 0; i < ctx->model->dims.layers; ++i) ctx->layers[i].~LayerOps();
  }
  ctx->layers = nullptr;
  if (ctx->pool != nullptr) pthreadpool_destroy(ctx->pool);
  ctx->pool = nullptr;
  ctx->~embert_context();
}

}  // namespace embert
