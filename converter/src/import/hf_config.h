// A BERT's configuration: Hugging Face config.json, Google's bert_config.json,
// or a MindSpore model zoo YAML: dimensions, activation, LayerNorm epsilon,
// labels.
#ifndef EMBERT_CONVERTER_IMPORT_HF_CONFIG_H_
#define EMBERT_CONVERTER_IMPORT_HF_CONFIG_H_

#include <string>

#include "import/bert_model.h"
#include "json/json.h"

namespace embert::convert {

// Where a configuration comes from decides what its silences mean.
enum class ConfigDialect {
  kHuggingFace,  // model_type "bert" (or a Bert* architecture) required
  kGoogle,       // bert_config.json: no model_type; LayerNorm epsilon 1e-12
  kMindSpore,    // model zoo YAML: nn.LayerNorm's default epsilon is 1e-7
  // A Hugging Face config.json naming no architecture (pytorch-transformers,
  // 2019) whose tensors were recognised as a BERT's (InferBertFromTensorNames).
  kHuggingFaceInferred,
};

// Whether a Hugging Face configuration says what it is: model_type or
// architectures (a 2019 config.json has neither).
bool NamesArchitecture(const json::Value& config);

// The configuration in `path`: JSON, or YAML for .yaml/.yml files. In a YAML
// file of the MindSpore model zoo the BERT section is the mapping named
// "<bert_network>_net_cfg", else "bert_net_cfg", else the one mapping that has
// hidden_size; the document itself when it has hidden_size at the top.
json::Value ReadConfigDocument(const std::string& path);

// Fills model->config, labels and sigmoid_scores from a parsed configuration;
// `path` names it in errors.
void ApplyBertConfig(const json::Value& config, const std::string& path, ConfigDialect dialect, BertModel* model);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_HF_CONFIG_H_
