// config.json of a Hugging Face BERT: dimensions, activation, labels.
#ifndef EMBERT_CONVERTER_BERT_HF_CONFIG_H_
#define EMBERT_CONVERTER_BERT_HF_CONFIG_H_

#include <string>

#include "bert/bert_model.h"

namespace embert::convert {

// Fills model->config, labels (ordered by id) and sigmoid_scores; refuses
// other architectures (RoBERTa, ALBERT, ...) with what was found.
void ReadHfConfig(const std::string& path, BertModel* model);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_BERT_HF_CONFIG_H_
