// The tasks of packed inputs (embert_classify_batch, embert_embed_batch):
// the heads of heads.cc, run once per packed input. Each input's rows come
// out of the encoder as they would alone; the pooler and the classifier
// work row by row, so running them on all inputs' [CLS] rows at once gives
// each input its own result, bit for bit.
#include <cmath>
#include <cstring>

#include "context/context_input.h"
#include "encoder/batch.h"
#include "encoder/encoder.h"
#include "encoder/heads.h"
#include "kernels/activations.h"

namespace embert {
namespace {

// The [CLS] row of every packed input, gathered into `rows` ([N][H]).
void GatherFirstRows(const embert_context* ctx, float* rows) {
  const size_t H = ctx->model->dims.hidden;
  for (size_t i = 0; i < ctx->num_inputs; ++i) {
    std::memcpy(rows + i * H, ctx->hidden + ctx->input_offsets[i] * H, H * sizeof(float));
  }
}

// The pooled [CLS] row of every input into ctx->branch ([N][H]): tanh(W h +
// b), or DistilBERT's / ELECTRA's classifier transform (dense + ReLU / GELU)
// when the file's classifier has one. The encoder's attended and branch
// buffers are free once it has run.
Status PoolAll(embert_context* ctx, bool classifier_transform) {
  const size_t H = ctx->model->dims.hidden;
  if (classifier_transform) {
    EMBERT_RETURN_IF_ERROR(Encode(ctx));
    GatherFirstRows(ctx, ctx->attended);
    ctx->classifier_transform.Run(ctx->head_engine, ctx->attended, ctx->num_inputs, ctx->branch);
    kernels::Activate(HiddenActivation(ctx->model->root->classifier()->transform_act()), ctx->branch, H,
                      ctx->num_inputs, H);
    return Status::Ok();
  }
  if (!ctx->has_pooler) return Status::Error(EMBERT_STATUS_UNSUPPORTED, "the model has no pooler head");
  EMBERT_RETURN_IF_ERROR(Encode(ctx));
  GatherFirstRows(ctx, ctx->attended);
  ctx->pooler.Run(ctx->head_engine, ctx->attended, ctx->num_inputs, ctx->branch);
  kernels::Tanh(ctx->branch, ctx->num_inputs * H);
  return Status::Ok();
}

}  // namespace

Status ClassifyBatch(embert_context* ctx, embert_classification* results, size_t n) {
  const auto* head = ctx->model->root->classifier();
  if (head == nullptr) return Status::Error(EMBERT_STATUS_UNSUPPORTED, "the model has no classification head");
  if (!ctx->has_input) return Status::Error(EMBERT_STATUS_NO_INPUT, "no input: call embert_tokenize_batch first");
  if (n != ctx->num_inputs) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "num_inputs %zu: the input packs %zu", n, ctx->num_inputs);
  }
  for (size_t i = 0; i < n; ++i) {
    if (!StructSizeOk(results[i].struct_size)) {
      return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "results[%zu].struct_size is not set", i);
    }
  }
  EMBERT_RETURN_IF_ERROR(PoolAll(ctx, ctx->has_classifier_transform));
  const size_t L = head->labels()->size();
  ctx->classifier.Run(ctx->head_engine, ctx->branch, n, ctx->batch_logits);
  const bool sigmoid = L == 1 || head->score() == schema::ScoreFunction::SIGMOID;
  for (size_t i = 0; i < n; ++i) {
    const float* logits = ctx->batch_logits + i * L;
    float* probs = ctx->batch_probs + i * L;
    if (sigmoid) {
      kernels::Sigmoid(logits, L, probs);
    } else {
      kernels::Softmax(logits, L, probs);
    }
    size_t best = 0;
    for (size_t k = 1; k < L; ++k) best = logits[k] > logits[best] ? k : best;
    embert_classification r;
    std::memset(&r, 0, sizeof r);
    r.struct_size = results[i].struct_size < sizeof r ? results[i].struct_size : sizeof r;
    r.num_labels = L;
    r.logits = logits;
    r.probabilities = probs;
    r.index = best;
    r.label = head->labels()->Get(static_cast<uint32_t>(best))->c_str();
    std::memcpy(&results[i], &r, r.struct_size);
  }
  return Status::Ok();
}

Status EmbedBatch(embert_context* ctx, embert_pooling pooling, int normalize, const float** out, size_t* count,
                  size_t* dim) {
  if (!ctx->has_input) return Status::Error(EMBERT_STATUS_NO_INPUT, "no input: call embert_tokenize_batch first");
  int p = 0;  // a C caller's enum, read as an int
  std::memcpy(&p, &pooling, sizeof p < sizeof pooling ? sizeof p : sizeof pooling);
  if (p < EMBERT_POOLING_CLS || p > EMBERT_POOLING_MODEL) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "unknown pooling %d", p);
  }
  const BertDims& d = ctx->model->dims;
  const size_t H = d.hidden;
  const size_t n = ctx->num_inputs;
  // The results go to the encoder's wide buffer ([T][max(3H, I)]), free once
  // it has run: valid until the next call on the context.
  const size_t capacity = ctx->options.max_batch_tokens * (3 * H > d.intermediate ? 3 * H : d.intermediate);
  float* vectors = ctx->wide;
  EMBERT_RETURN_IF_ERROR(Encode(ctx));
  // Each input as embert_embed pools it alone (EmbedSequence), so each gets
  // its own bits.
  size_t width = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t first = ctx->input_offsets[i];
    const float* v = nullptr;
    EMBERT_RETURN_IF_ERROR(EmbedSequence(ctx, ctx->hidden + first * H, ctx->attention_mask + first,
                                         ctx->input_offsets[i + 1] - first, p, normalize, &v, &width));
    if ((i + 1) * width > capacity) {
      return Status::Error(EMBERT_STATUS_UNSUPPORTED, "%zu embeddings of %zu floats exceed the context's buffer", n,
                           width);
    }
    std::memcpy(vectors + i * width, v, width * sizeof(float));
  }
  *out = vectors;
  *count = n;
  *dim = n > 0 ? width : H;
  return Status::Ok();
}

}  // namespace embert
