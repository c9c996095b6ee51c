// The task heads on top of the encoder output.
#ifndef EMBERT_SDK_ENCODER_HEADS_H_
#define EMBERT_SDK_ENCODER_HEADS_H_

#include "context/context.h"

namespace embert {

Status Classify(embert_context* ctx, embert_classification* out);
Status Embed(embert_context* ctx, embert_pooling pooling, int normalize, const float** out, size_t* size);
// The sentence embedding of one sequence whose last hidden states are
// `hidden` (`rows` x hidden_size, attended where attention_mask != 0): the
// pooling (an embert_pooling value, checked) and normalisation of embert_embed,
// into the context's vector. For packed runs: once per sequence.
Status EmbedSequence(embert_context* ctx, const float* hidden, const int32_t* attention_mask, size_t rows, int pooling,
                     int normalize, const float** out, size_t* size);
Status FillMask(embert_context* ctx, size_t top_k, embert_mask_predictions* out);
Status NextSentence(embert_context* ctx, float* probability);

}  // namespace embert

#endif  // EMBERT_SDK_ENCODER_HEADS_H_
