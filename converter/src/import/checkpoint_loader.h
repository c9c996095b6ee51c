// bert-convert's INPUT, whatever form it has: a Hugging Face directory, a
// TensorFlow checkpoint (prefix, .index file, a directory holding one, or a
// SavedModel directory), a MindSpore .ckpt, or a lone safetensors / torch
// file. The format is recognised from the path and the file's first bytes,
// the tensor-name layout from the names (source_layouts.h); the
// configuration and vocabulary are looked up beside the weights unless given.
#ifndef EMBERT_CONVERTER_IMPORT_CHECKPOINT_LOADER_H_
#define EMBERT_CONVERTER_IMPORT_CHECKPOINT_LOADER_H_

#include <string>

#include "import/bert_model.h"

namespace embert::convert {

struct SourceOptions {
  // "" to detect; else huggingface | tf | mindspore | safetensors | torch.
  std::string format;
  // A configuration file (JSON, or the MindSpore model zoo's YAML) replacing
  // the one found beside the weights.
  std::string config;
  // vocab.txt, replacing the one found beside the weights.
  std::string vocab;
  // -1: from tokenizer_config.json (default true); 0/1 forces lower-casing.
  int lower_case = -1;
};

// ConvertError for an unrecognised input, naming what was looked for.
BertModel LoadCheckpoint(const std::string& input, const SourceOptions& options);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_CHECKPOINT_LOADER_H_
