// Reads a Hugging Face BERT directory: config.json, the weights
// (model.safetensors, sharded model.safetensors.index.json, or
// pytorch_model.bin; safetensors preferred), and the tokenizer files.
#ifndef EMBERT_CONVERTER_BERT_HF_LOADER_H_
#define EMBERT_CONVERTER_BERT_HF_LOADER_H_

#include <string>

#include "bert/bert_model.h"
#include "bert/bert_names.h"

namespace embert::convert {

BertModel LoadHuggingFace(const std::string& dir);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_BERT_HF_LOADER_H_
