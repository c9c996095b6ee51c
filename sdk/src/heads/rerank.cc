// Reranking with a cross-encoder: the sequence classifier (a built-in head)
// on (query, passage) pairs, one score per passage.
#include <cstring>

#include "context/context_input.h"
#include "encoder/batch.h"
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
  // Pairs are packed into runs (embert_tokenize_batch): a chunk of passages
  // at a time, on the stack, so that nothing is allocated.
  static const char kEmpty[1] = {0};
  constexpr size_t kChunk = 64;
  embert_text pairs[kChunk];
  embert_classification results[kChunk];
  size_t done = 0;
  while (done < num_passages) {
    const size_t chunk = num_passages - done < kChunk ? num_passages - done : kChunk;
    for (size_t i = 0; i < chunk; ++i) {
      const size_t p = done + i;
      if (passages[p] == nullptr && passage_sizes[p] != 0) {
        return embert::ReportOn(ctx, Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "passages[%zu] is NULL", p));
      }
      pairs[i] = embert_text{query ? query : kEmpty, query_size, passages[p] ? passages[p] : kEmpty, passage_sizes[p]};
      results[i].struct_size = sizeof results[i];
    }
    size_t taken = 0;
    Status s = embert::TokenizeBatch(ctx, pairs, chunk, &taken);
    if (s.ok()) s = embert::ClassifyBatch(ctx, results, taken);
    if (!s.ok()) return embert::ReportOn(ctx, Status::Error(s.code(), "passage %zu: %.190s", done, s.message()));
    // One logit: its sigmoid (the classifier's probability); else the last
    // label's probability, as sentence-transformers' CrossEncoder reads two.
    for (size_t i = 0; i < taken; ++i) out_scores[done + i] = results[i].probabilities[results[i].num_labels - 1];
    done += taken;
  }
  return embert::ReportOn(ctx, Status::Ok());
}

}  // extern "C"
