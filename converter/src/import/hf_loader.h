// Reads a Hugging Face BERT directory: config.json, the weights
// (model.safetensors, sharded model.safetensors.index.json, or
// pytorch_model.bin; safetensors preferred), and the tokenizer files.
#ifndef EMBERT_CONVERTER_IMPORT_HF_LOADER_H_
#define EMBERT_CONVERTER_IMPORT_HF_LOADER_H_

#include <memory>
#include <string>

#include "import/bert_model.h"
#include "import/bert_names.h"
#include "readers/checkpoint.h"

namespace embert::convert {

BertModel LoadHuggingFace(const std::string& dir);

// The weights of a Hugging Face directory: model.safetensors, else the
// sharded index, else pytorch_model.bin (safetensors first: the newer format,
// and it cannot run code when read). ConvertError if there are none.
std::unique_ptr<CheckpointReader> OpenHuggingFaceWeights(const std::string& dir);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_HF_LOADER_H_
