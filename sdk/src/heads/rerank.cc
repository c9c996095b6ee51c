// Reranking with a cross-encoder: the sequence classifier (a built-in head)
// on (query, passage) pairs, one score per passage.
#include <cstring>

#include "context/context_input.h"
#include "encoder/heads.h"
#include "kernels/activations.h"

using embert::Status;

extern "C" {

embert_status embert_rerank(embert_context* ctx, const char* query, size_t query_size, const char* const* passages,
                            const size_t* passage_sizes, size_t num_passages, float* out_scores) {
  if (ctx == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (const Status alive = embert::CheckModelAlive(ctx); !alive.ok()) return embert::ReportOn(ctx, alive);
  if (query == nullptr && query_size != 0) return embert::ReportOn(ctx, embert::InvalidNull("query"));
  if (num_passages > 0 && (passages == nullptr || passage_sizes == nullptr || out_scores == nullptr)) {
    return embert::ReportOn(ctx, embert::InvalidNull("passages, passage_sizes and out_scores"));
  }
  if (ctx->model->root->classifier() == nullptr) {
    return embert::ReportOn(
        ctx, Status::Error(EMBERT_STATUS_UNSUPPORTED, "the model has no classification head to score pairs with"));
  }
  static const char kEmpty[1] = {0};
  for (size_t i = 0; i < num_passages; ++i) {
    if (passages[i] == nullptr && passage_sizes[i] != 0) {
      return embert::ReportOn(ctx, Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "passages[%zu] is NULL", i));
    }
    Status s = embert::TokenizeInput(ctx, query ? query : kEmpty, query_size, passages[i] ? passages[i] : kEmpty,
                                     passage_sizes[i]);
    embert_classification c;
    c.struct_size = sizeof c;
    if (s.ok()) s = embert::Classify(ctx, &c);
    if (!s.ok()) {
      return embert::ReportOn(ctx, Status::Error(s.code(), "passage %zu: %.190s", i, s.message()));
    }
    // One logit: its sigmoid (Classify's probability); else the last label's
    // probability, as sentence-transformers' CrossEncoder reads two labels.
    out_scores[i] = c.probabilities[c.num_labels - 1];
  }
  return embert::ReportOn(ctx, Status::Ok());
}

}  // extern "C"
