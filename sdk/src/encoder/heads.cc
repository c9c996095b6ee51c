#include "encoder/heads.h"

#include <cmath>
#include <cstring>

#include "context/context_input.h"
#include "encoder/encoder.h"
#include "encoder/pooling.h"
#include "kernels/activations.h"
#include "kernels/layer_norm.h"

namespace embert {
namespace {

Status Unsupported(const char* head) {
  return Status::Error(EMBERT_STATUS_UNSUPPORTED, "the model has no %s head", head);
}

// tanh(W h[CLS] + b): BERT's pooler.
Status Pool(embert_context* ctx) {
  if (!ctx->has_pooler) return Unsupported("pooler");
  EMBERT_RETURN_IF_ERROR(Encode(ctx));
  ctx->pooler.Run(ctx->head_engine, ctx->hidden, 1, ctx->pooled);
  kernels::Tanh(ctx->pooled, ctx->model->dims.hidden);
  return Status::Ok();
}

// Fills the largest k of n scores, best first (k is small: a linear scan per
// slot beats sorting 30k vocabulary logits).
void TopK(const float* scores, size_t n, size_t k, int32_t* ids, float* values) {
  size_t filled = 0;
  for (size_t i = 0; i < n; ++i) {
    const float v = scores[i];
    if (filled == k && !(v > values[k - 1])) continue;
    size_t pos = filled < k ? filled++ : k - 1;
    while (pos > 0 && v > values[pos - 1]) {
      values[pos] = values[pos - 1];
      ids[pos] = ids[pos - 1];
      --pos;
    }
    values[pos] = v;
    ids[pos] = static_cast<int32_t>(i);
  }
}

}  // namespace

Status Classify(embert_context* ctx, embert_classification* out) {
  const auto* head = ctx->model->root->classifier();
  if (head == nullptr) return Unsupported("classification");
  EMBERT_RETURN_IF_ERROR(CheckOneInput(ctx, "read their results with embert_classify_batch"));
  if (ctx->has_classifier_transform) {
    // DistilBERT's pre_classifier + ReLU, ELECTRA's dense + GELU on h[CLS]
    // instead of the pooler's tanh.
    EMBERT_RETURN_IF_ERROR(Encode(ctx));
    ctx->classifier_transform.Run(ctx->head_engine, ctx->hidden, 1, ctx->pooled);
    kernels::Activate(HiddenActivation(head->transform_act()), ctx->pooled, ctx->model->dims.hidden, 1,
                      ctx->model->dims.hidden);
  } else {
    EMBERT_RETURN_IF_ERROR(Pool(ctx));
  }
  const size_t n = head->labels()->size();
  ctx->classifier.Run(ctx->head_engine, ctx->pooled, 1, ctx->logits);
  // One logit is a binary classifier: its score is a sigmoid whatever the
  // file says, as Keras' Dense(1, sigmoid) and HF's num_labels=1 intend.
  const bool sigmoid = n == 1 || head->score() == schema::ScoreFunction::SIGMOID;
  if (sigmoid) {
    kernels::Sigmoid(ctx->logits, n, ctx->probs);
  } else {
    kernels::Softmax(ctx->logits, n, ctx->probs);
  }
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) {
    if (ctx->logits[i] > ctx->logits[best]) best = i;
  }
  embert_classification r;
  std::memset(&r, 0, sizeof r);
  r.struct_size = out->struct_size < sizeof r ? out->struct_size : sizeof r;
  r.num_labels = n;
  r.logits = ctx->logits;
  r.probabilities = ctx->probs;
  r.index = best;
  r.label = head->labels()->Get(static_cast<uint32_t>(best))->c_str();
  std::memcpy(out, &r, r.struct_size);
  return Status::Ok();
}

namespace {

PoolingMode ToPoolingMode(schema::SentencePooling p) {
  switch (p) {
    case schema::SentencePooling::CLS_TOKEN: return PoolingMode::kCls;
    case schema::SentencePooling::MAX_TOKENS: return PoolingMode::kMax;
    case schema::SentencePooling::MEAN_SQRT_LEN_TOKENS: return PoolingMode::kMeanSqrtLen;
    default: return PoolingMode::kMean;
  }
}

// A sentence-transformers Dense module's activation, in place.
void ActivateDense(schema::DenseActivation act, float* x, size_t n) {
  switch (act) {
    case schema::DenseActivation::TANH: kernels::Tanh(x, n); break;
    case schema::DenseActivation::RELU: kernels::Activate(kernels::Activation::kRelu, x, n, 1, n); break;
    case schema::DenseActivation::GELU: kernels::Activate(kernels::Activation::kGeluErf, x, n, 1, n); break;
    case schema::DenseActivation::SIGMOID: kernels::Sigmoid(x, n, x); break;
    default: break;  // IDENTITY
  }
}

}  // namespace

Status EmbedSequence(embert_context* ctx, const float* hidden, const int32_t* attention_mask, size_t rows, int pooling,
                     int normalize, const float** out, size_t* size) {
  const size_t H = ctx->model->dims.hidden;
  const SentenceEmbeddingInfo& se = ctx->model->sentence;
  float* v = ctx->vector;
  size_t n = H;
  PoolingMode mode = PoolingMode::kMean;
  switch (pooling) {
    case EMBERT_POOLING_CLS:
      if (ctx->has_pooler) {  // tanh(W h[CLS] + b): BERT's pooler
        ctx->pooler.Run(ctx->head_engine, hidden, 1, v);
        kernels::Tanh(v, H);
        break;
      }
      [[fallthrough]];  // no pooler: the raw [CLS] state, as documented
    case EMBERT_POOLING_CLS_RAW:
    case EMBERT_POOLING_MEAN:
    case EMBERT_POOLING_MAX:
    case EMBERT_POOLING_MEAN_SQRT_LEN:
      mode = pooling == EMBERT_POOLING_MEAN            ? PoolingMode::kMean
             : pooling == EMBERT_POOLING_MAX           ? PoolingMode::kMax
             : pooling == EMBERT_POOLING_MEAN_SQRT_LEN ? PoolingMode::kMeanSqrtLen
                                                       : PoolingMode::kCls;
      PoolSequence(hidden, attention_mask, rows, H, &mode, 1, v);
      break;
    case EMBERT_POOLING_MODEL: {
      PoolingMode modes[kMaxSentencePooling];
      for (size_t i = 0; i < se.num_pooling; ++i) modes[i] = ToPoolingMode(se.pooling[i]);
      PoolSequence(hidden, attention_mask, rows, H, modes, se.num_pooling, v);
      n = se.num_pooling * H;
      float* other = ctx->sentence_scratch;
      for (size_t i = 0; i < se.num_dense; ++i) {
        ctx->sentence_dense[i].Run(ctx->head_engine, v, 1, other);
        n = ctx->sentence_dense[i].view().out;
        ActivateDense(se.activation[i], other, n);
        float* done = other;
        other = v;
        v = done;
      }
      break;
    }
    default: return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "unknown pooling %d", pooling);
  }
  if (normalize == EMBERT_NORMALIZE_MODEL ? se.normalize : normalize != 0) L2Normalize(v, n);
  *out = v;
  *size = n;
  return Status::Ok();
}

Status Embed(embert_context* ctx, embert_pooling pooling, int normalize, const float** out, size_t* size) {
  // A C caller's enum: read it as an int (an out-of-range value is not UB).
  int p = 0;
  std::memcpy(&p, &pooling, sizeof p < sizeof pooling ? sizeof p : sizeof pooling);
  if (p < EMBERT_POOLING_CLS || p > EMBERT_POOLING_MODEL) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "unknown pooling %d", p);
  }
  EMBERT_RETURN_IF_ERROR(CheckOneInput(ctx, "read their results with embert_embed_batch"));
  EMBERT_RETURN_IF_ERROR(Encode(ctx));
  return EmbedSequence(ctx, ctx->hidden, ctx->attention_mask, ctx->count, p, normalize, out, size);
}

Status FillMask(embert_context* ctx, size_t top_k, embert_mask_predictions* out) {
  const auto* head = ctx->model->root->masked_lm();
  if (head == nullptr) return Unsupported("masked-LM");
  if (top_k == 0 || top_k > kMaxTopK) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "top_k must be in [1, %zu]", kMaxTopK);
  }
  EMBERT_RETURN_IF_ERROR(CheckOneInput(ctx, "fill-mask takes one input per call"));
  EMBERT_RETURN_IF_ERROR(Encode(ctx));
  const BertDims& d = ctx->model->dims;
  const size_t H = d.hidden;
  const int32_t mask_id = ctx->model->root->tokenizer()->mask_id();
  size_t masks = 0;
  for (size_t t = 0; t < ctx->count; ++t) {
    if (ctx->input_ids[t] != mask_id) continue;
    ctx->mask_positions[masks] = t;
    std::memcpy(ctx->mlm_rows + masks * H, ctx->hidden + t * H, H * sizeof(float));
    ++masks;
  }
  if (masks > 0) {
    // transform: dense + activation + LayerNorm, on the [MASK] rows only.
    float* transformed = ctx->attended;  // free once the encoder has run
    ctx->mlm_transform.Run(ctx->head_engine, ctx->mlm_rows, masks, transformed);
    kernels::Activate(HiddenActivation(d.act), transformed, H, masks, H);
    kernels::AddLayerNorm(transformed, H, nullptr, 0, masks, H, ctx->mlm_norm.gamma, ctx->mlm_norm.beta,
                          d.layer_norm_eps);
    for (size_t m = 0; m < masks; ++m) {
      ctx->mlm_decoder.Run(ctx->head_engine, transformed + m * H, 1, ctx->vocab_logits);
      kernels::Softmax(ctx->vocab_logits, d.vocab, ctx->vocab_logits);
      TopK(ctx->vocab_logits, d.vocab, top_k, ctx->top_ids + m * top_k, ctx->top_scores + m * top_k);
    }
  }
  embert_mask_predictions r;
  std::memset(&r, 0, sizeof r);
  r.struct_size = out->struct_size < sizeof r ? out->struct_size : sizeof r;
  r.num_masks = masks;
  r.top_k = top_k;
  r.positions = ctx->mask_positions;
  r.token_ids = ctx->top_ids;
  r.scores = ctx->top_scores;
  std::memcpy(out, &r, r.struct_size);
  return Status::Ok();
}

Status NextSentence(embert_context* ctx, float* probability) {
  if (ctx->model->root->next_sentence() == nullptr) return Unsupported("next-sentence");
  EMBERT_RETURN_IF_ERROR(CheckOneInput(ctx, "next-sentence takes one input per call"));
  EMBERT_RETURN_IF_ERROR(Pool(ctx));
  ctx->next_sentence.Run(ctx->head_engine, ctx->pooled, 1, ctx->logits);
  kernels::Softmax(ctx->logits, 2, ctx->probs);
  *probability = ctx->probs[0];  // index 0 = "B follows A", as in BERT's pre-training
  return Status::Ok();
}

}  // namespace embert
