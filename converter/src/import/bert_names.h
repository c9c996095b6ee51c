// BERT's weights out of any checkpoint whose tensor names follow Hugging
// Face's BertModel / BertForSequenceClassification / BertForMaskedLM /
// BertForPreTraining, with or without the "bert." prefix, with LayerNorm
// weight/bias or the legacy gamma/beta. Every tensor is checked for the shape
// the config implies and for NaN/Inf.
#ifndef EMBERT_CONVERTER_IMPORT_BERT_NAMES_H_
#define EMBERT_CONVERTER_IMPORT_BERT_NAMES_H_

#include "import/bert_model.h"
#include "readers/checkpoint.h"

namespace embert::convert {

// model->config and model->labels must be read first; unused tensors are
// listed on stderr (position_ids buffers silently).
void LoadHuggingFaceWeights(const CheckpointReader& reader, BertModel* model);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_BERT_NAMES_H_
