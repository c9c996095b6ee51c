// The tasks of packed inputs (the C API's _batch calls).
#ifndef EMBERT_SDK_ENCODER_BATCH_H_
#define EMBERT_SDK_ENCODER_BATCH_H_

#include "context/context.h"

namespace embert {

Status ClassifyBatch(embert_context* ctx, embert_classification* results, size_t n);
Status EmbedBatch(embert_context* ctx, embert_pooling pooling, int normalize, const float** out, size_t* count,
                  size_t* dim);

}  // namespace embert

#endif  // EMBERT_SDK_ENCODER_BATCH_H_
