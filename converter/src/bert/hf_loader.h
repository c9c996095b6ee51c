// Reads a HuggingFace BERT directory: config.json, model.safetensors (or
// sharded), pytorch_model.bin, vocab.txt, tokenizer_config.json,
// special_tokens_map.json.
#ifndef EMBERT_CONVERTER_BERT_HF_LOADER_H_
#define EMBERT_CONVERTER_BERT_HF_LOADER_H_

#include <string>

#include "bert/bert_model.h"
#include "readers/checkpoint.h"

namespace embert::convert {

BertModel LoadHuggingFace(const std::string& dir);

// The weights of a BERT from any reader whose names follow Hugging Face's
// BertModel / BertFor* naming (with or without the "bert." prefix).
void LoadHuggingFaceWeights(const CheckpointReader& reader, BertModel* model);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_BERT_HF_LOADER_H_
