// The task heads on top of the encoder output.
#ifndef EMBERT_SDK_ENCODER_HEADS_H_
#define EMBERT_SDK_ENCODER_HEADS_H_

#include "context/context.h"

namespace embert {

Status Classify(embert_context* ctx, embert_classification* out);
Status Embed(embert_context* ctx, embert_pooling pooling, bool normalize, const float** out, size_t* size);
Status FillMask(embert_context* ctx, size_t top_k, embert_mask_predictions* out);
Status NextSentence(embert_context* ctx, float* probability);

}  // namespace embert

#endif  // EMBERT_SDK_ENCODER_HEADS_H_
