// The BERT encoder on the context's current input: embeddings, then post-LN
// layers of self-attention and feed-forward, each followed by residual add
// and LayerNorm.
#include "encoder/encoder.h"

#include "backend/split_rows.h"
#include "kernels/activations.h"
#include "kernels/attention.h"
#include "kernels/embedding.h"
#include "kernels/layer_norm.h"

namespace embert {
namespace {

struct AttentionTask {
  kernels::AttentionArgs args;
  size_t heads_per_task;
  size_t scores_per_slot;
};

void AttentionTile(void* context, size_t h0, size_t count) {
  const auto* task = static_cast<const AttentionTask*>(context);
  kernels::AttentionArgs args = task->args;
  // Tasks get disjoint head ranges, so the range's index picks a private
  // scores slot.
  args.scores += (h0 / task->heads_per_task) * task->scores_per_slot;
  kernels::Attention(args, h0, h0 + count);
}

// Row-wise kernels split across the pool (backend/split_rows.h).
struct ActivateTask {
  kernels::Activation act;
  float* x;
  size_t cols;
};

void ActivateRows(void* context, size_t r0, size_t count) {
  const auto* t = static_cast<const ActivateTask*>(context);
  kernels::Activate(t->act, t->x + r0 * t->cols, t->cols, count, t->cols);
}

struct LayerNormTask {
  float* x;
  const float* residual;
  size_t cols;
  const float* gamma;
  const float* beta;
  float eps;
};

void LayerNormRows(void* context, size_t r0, size_t count) {
  const auto* t = static_cast<const LayerNormTask*>(context);
  kernels::AddLayerNorm(t->x + r0 * t->cols, t->cols, t->residual + r0 * t->cols, t->cols, count, t->cols, t->gamma,
                        t->beta, t->eps);
}

void AddLayerNormRows(const embert_context* ctx, float* x, const float* residual, size_t rows, size_t cols,
                      const float* gamma, const float* beta, float eps) {
  LayerNormTask t{x, residual, cols, gamma, beta, eps};
  SplitRows(ctx->pool, LayerNormRows, &t, rows);
}

// Self-attention of the packed input [first, first + len) over its own
// tokens only (block-diagonal attention of a packed run), heads split over
// the pool.
void AttendInput(const embert_context* ctx, AttentionTask* task, size_t first, size_t len) {
  const BertDims& d = ctx->model->dims;
  const size_t H = d.hidden;
  kernels::AttentionArgs& a = task->args;
  a.q = ctx->wide + first * 3 * H;
  a.k = a.q + H;
  a.v = a.q + 2 * H;
  a.mask = ctx->masked ? ctx->attention_mask + first : nullptr;
  a.out = ctx->attended + first * H;
  a.seq = len;
  task->scores_per_slot = kernels::AttentionScratchFloats(len, d.head_dim);
  if (ctx->pool != nullptr) {
    pthreadpool_parallelize_1d_tile_1d(ctx->pool, AttentionTile, task, d.heads, task->heads_per_task, 0);
  } else {
    kernels::Attention(a, 0, d.heads);
  }
}

void Observe(embert_context* ctx, uint32_t layer, embert_observation_point point, const float* a, const float* addend,
             size_t cols) {
  if (ctx->observer == nullptr) return;
  ctx->observer(ctx->observer_user, point, layer, a, addend, ctx->count, cols, cols);
}

}  // namespace

Status Encode(embert_context* ctx) {
  if (!ctx->has_input) {
    return Status::Error(EMBERT_STATUS_NO_INPUT, "no input: call embert_tokenize or embert_set_tokens first");
  }
  if (ctx->encoded) return Status::Ok();
  const BertDims& d = ctx->model->dims;
  const size_t S = ctx->count;
  const size_t H = d.hidden;
  const size_t I = d.intermediate;
  const LinearEngine& engine = ctx->engine;

  // Packed inputs (the batch calls) each have their own positions and attend
  // to their own tokens only; the dense layers, LayerNorm and GELU work row
  // by row, so each input's rows are what they would be alone.
  const size_t inputs = ctx->num_inputs > 1 ? ctx->num_inputs : 1;
  const size_t* offsets = ctx->input_offsets;
  if (inputs == 1) {
    kernels::Embed(ctx->embeddings, H, ctx->input_ids, ctx->token_type_ids, S, d.layer_norm_eps, ctx->hidden);
  } else {
    for (size_t i = 0; i < inputs; ++i) {
      const size_t b = offsets[i], n = offsets[i + 1] - offsets[i];
      kernels::Embed(ctx->embeddings, H, ctx->input_ids + b, ctx->token_type_ids + b, n, d.layer_norm_eps,
                     ctx->hidden + b * H);
    }
  }
  Observe(ctx, 0, EMBERT_OBSERVE_EMBEDDINGS_OUTPUT, ctx->hidden, nullptr, H);

  AttentionTask attention;
  attention.args.qkv_stride = 3 * H;
  attention.args.out_stride = H;
  attention.args.heads = d.heads;
  attention.args.head_dim = d.head_dim;
  attention.args.scores = ctx->scores;
  attention.heads_per_task = (d.heads + ctx->score_slots - 1) / ctx->score_slots;

  for (uint32_t l = 0; l < d.layers; ++l) {
    const LayerOps& ops = ctx->layers[l];
    Observe(ctx, l, EMBERT_OBSERVE_ATTENTION_INPUT, ctx->hidden, nullptr, H);
    if (ops.query.SharesQuantizedInputWith(ops.key) && ops.query.SharesQuantizedInputWith(ops.value)) {
      ops.query.Quantize(engine, ctx->hidden, S);  // once for the three projections
      ops.query.RunQuantized(engine, S, ctx->wide);
      ops.key.RunQuantized(engine, S, ctx->wide + H);
      ops.value.RunQuantized(engine, S, ctx->wide + 2 * H);
    } else {
      ops.query.Run(engine, ctx->hidden, S, ctx->wide);
      ops.key.Run(engine, ctx->hidden, S, ctx->wide + H);
      ops.value.Run(engine, ctx->hidden, S, ctx->wide + 2 * H);
    }
    if (inputs == 1) {
      AttendInput(ctx, &attention, 0, S);
    } else {
      for (size_t i = 0; i < inputs; ++i) AttendInput(ctx, &attention, offsets[i], offsets[i + 1] - offsets[i]);
    }
    Observe(ctx, l, EMBERT_OBSERVE_ATTENTION_OUTPUT_INPUT, ctx->attended, nullptr, H);
    ops.attention_output.Run(engine, ctx->attended, S, ctx->branch);
    Observe(ctx, l, EMBERT_OBSERVE_ATTENTION_NORM_INPUT, ctx->hidden, ctx->branch, H);
    AddLayerNormRows(ctx, ctx->hidden, ctx->branch, S, H, ops.attention_norm.gamma, ops.attention_norm.beta,
                     d.layer_norm_eps);
    Observe(ctx, l, EMBERT_OBSERVE_INTERMEDIATE_INPUT, ctx->hidden, nullptr, H);
    ops.intermediate.Run(engine, ctx->hidden, S, ctx->wide);
    Observe(ctx, l, EMBERT_OBSERVE_INTERMEDIATE_OUTPUT, ctx->wide, nullptr, I);
    ActivateTask activate{HiddenActivation(d.act), ctx->wide, I};
    SplitRows(ctx->pool, ActivateRows, &activate, S);
    Observe(ctx, l, EMBERT_OBSERVE_OUTPUT_INPUT, ctx->wide, nullptr, I);
    ops.output.Run(engine, ctx->wide, S, ctx->branch);
    Observe(ctx, l, EMBERT_OBSERVE_OUTPUT_NORM_INPUT, ctx->hidden, ctx->branch, H);
    AddLayerNormRows(ctx, ctx->hidden, ctx->branch, S, H, ops.output_norm.gamma, ops.output_norm.beta,
                     d.layer_norm_eps);
    Observe(ctx, l, EMBERT_OBSERVE_LAYER_OUTPUT, ctx->hidden, nullptr, H);
  }
  ctx->encoded = true;
  return Status::Ok();
}

}  // namespace embert
