// Reads a Hugging Face BERT directory: config.json, the weights
// (model.safetensors, sharded model.safetensors.index.json, or
// pytorch_model.bin; safetensors preferred), and the tokenizer files.
#ifndef EMBERT_CONVERTER_IMPORT_HF_LOADER_H_
#define EMBERT_CONVERTER_IMPORT_HF_LOADER_H_

#include <memory>
#include <string>

#include "import/bert_model.h"
#include "import/bert_names.h"
#include "import/source_layouts.h"
#include "readers/checkpoint.h"

namespace embert::convert {

BertModel LoadHuggingFace(const std::string& dir);

// For a Hugging Face config.json that names neither model_type nor
// architectures (pytorch-transformers, 2019: BertModel.from_pretrained loads
// it, only AutoModel needs the field): the architecture from the tensor
// names. BERT's body is "[bert.]embeddings.word_embeddings.weight" beside
// "[bert.]encoder.layer.0.attention.self.query.weight"; with them, and none
// of another family's names (roberta., albert., distilbert., electra.,
// deberta., lm_head., embeddings_project.), it is a BERT: a note on stderr says
// so and which names decided. ConvertError naming what was found otherwise.
void InferBertFromTensorNames(const CheckpointReader& reader, const std::string& config_path);

// The configuration's family (model_type) must be the tensor names' family:
// DistilBERT's names for "distilbert", and DistilBERT's only for it.
void CheckFamilyMatchesNames(const BertModel& model, Layout layout, const std::string& config_path);

// The weights of a Hugging Face directory: model.safetensors, else the
// sharded index, else pytorch_model.bin (safetensors first: the newer format,
// and it cannot run code when read). ConvertError if there are none.
std::unique_ptr<CheckpointReader> OpenHuggingFaceWeights(const std::string& dir);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_HF_LOADER_H_
