#include "import/hf_loader.h"

#include <memory>

#include "import/hf_config.h"
#include "import/hf_files.h"
#include "import/hf_tokenizer.h"
#include "readers/checkpoint.h"

namespace embert::convert {

BertModel LoadHuggingFace(const std::string& dir) {
  BertModel m;
  const std::string config = dir + "/config.json";
  if (!IsFile(config)) {
    throw ConvertError(dir +
                       ": no config.json (a Hugging Face BERT directory holds config.json, "
                       "model.safetensors or pytorch_model.bin, and vocab.txt)");
  }
  ReadHfConfig(config, &m);
  m.source_files = {config};
  for (const auto& f : ReadHfTokenizer(dir, &m)) m.source_files.push_back(f);
  const std::unique_ptr<CheckpointReader> reader = OpenHuggingFaceWeights(dir);
  m.source_format = "huggingface-" + reader->format();  // safetensors[-sharded], torch-zip, torch-legacy
  LoadHuggingFaceWeights(*reader, &m);
  for (const auto& f : reader->files()) m.source_files.push_back(f);
  return m;
}

std::unique_ptr<CheckpointReader> OpenHuggingFaceWeights(const std::string& dir) {
  if (IsFile(dir + "/model.safetensors")) return OpenSafetensors(dir + "/model.safetensors");
  if (IsFile(dir + "/model.safetensors.index.json")) {
    return OpenShardedSafetensors(dir + "/model.safetensors.index.json");
  }
  if (IsFile(dir + "/pytorch_model.bin")) return OpenTorch(dir + "/pytorch_model.bin");
  throw ConvertError(dir + ": no weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin)");
}

}  // namespace embert::convert
