#include "bert/hf_loader.h"

#include <memory>

#include "bert/hf_config.h"
#include "bert/hf_files.h"
#include "bert/hf_tokenizer.h"
#include "readers/checkpoint.h"

namespace embert::convert {

BertModel LoadHuggingFace(const std::string& dir) {
  BertModel m;
  const std::string config = dir + "/config.json";
  if (!IsFile(config)) {
    throw ConvertError(dir + ": no config.json (a Hugging Face BERT directory holds config.json, "
                       "model.safetensors or pytorch_model.bin, and vocab.txt)");
  }
  ReadHfConfig(config, &m);
  m.source_files = {config};
  for (const auto& f : ReadHfTokenizer(dir, &m)) m.source_files.push_back(f);
  // safetensors first: it is the newer format and cannot run code when read.
  std::unique_ptr<CheckpointReader> reader;
  if (IsFile(dir + "/model.safetensors")) {
    reader = OpenSafetensors(dir + "/model.safetensors");
    m.source_format = "huggingface-safetensors";
  } else if (IsFile(dir + "/model.safetensors.index.json")) {
    reader = OpenShardedSafetensors(dir + "/model.safetensors.index.json");
    m.source_format = "huggingface-safetensors-sharded";
  } else if (IsFile(dir + "/pytorch_model.bin")) {
    reader = OpenTorch(dir + "/pytorch_model.bin");
    m.source_format = "huggingface-" + reader->format();  // torch-zip or torch-legacy
  } else {
    throw ConvertError(dir + ": no weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin)");
  }
  LoadHuggingFaceWeights(*reader, &m);
  for (const auto& f : reader->files()) m.source_files.push_back(f);
  return m;
}

}  // namespace embert::convert
