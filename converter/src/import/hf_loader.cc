#include "import/hf_loader.h"

#include <cstdio>
#include <memory>

#include <set>

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
  const json::Value document = ReadJson(config);
  std::unique_ptr<CheckpointReader> reader = OpenHuggingFaceWeights(dir);
  Layout layout = Layout::kHuggingFace;
  if (DetectFamilyLayout(*reader, &layout)) reader = RenameToHuggingFace(std::move(reader), layout, nullptr);
  ConfigDialect dialect = ConfigDialect::kHuggingFace;
  if (!NamesArchitecture(document)) {
    InferBertFromTensorNames(*reader, config);
    dialect = ConfigDialect::kHuggingFaceInferred;
  }
  ApplyBertConfig(document, config, dialect, &m);
  CheckFamilyMatchesNames(m, layout, config);
  m.source_files = {config};
  for (const auto& f : ReadHfTokenizer(dir, &m)) m.source_files.push_back(f);
  m.source_format = "huggingface-" + reader->format();  // safetensors[-sharded], torch-zip, torch-legacy
  LoadHuggingFaceWeights(*reader, &m);
  for (const auto& f : reader->files()) m.source_files.push_back(f);
  return m;
}

void CheckFamilyMatchesNames(const BertModel& m, Layout layout, const std::string& config_path) {
  const Family f = m.config.family;
  const char* type = f == Family::kDistilBert ? "distilbert" : f == Family::kElectra ? "electra" : "bert";
  if ((layout == Layout::kDistilBert) != (f == Family::kDistilBert) ||
      (layout == Layout::kElectra && f != Family::kElectra)) {
    throw ConvertError(config_path + ": model_type \"" + type + "\" but the tensor names are " +
                       (layout == Layout::kDistilBert ? "DistilBERT's (transformer.layer.N.attention.q_lin)"
                        : layout == Layout::kElectra  ? "ELECTRA's (electra.)"
                                                      : "BERT's (encoder.layer.N.attention.self.query)"));
  }
}

void InferBertFromTensorNames(const CheckpointReader& reader, const std::string& config_path) {
  const std::string anchor = "embeddings.word_embeddings.weight";
  const std::string query = "encoder.layer.0.attention.self.query.weight";
  std::string word, other;
  std::set<std::string> names;
  for (const auto& t : reader.tensors()) {
    names.insert(t.name);
    if (word.empty() && EndsWith(t.name, anchor) && t.name.find("cls.predictions") == std::string::npos) word = t.name;
    for (const char* family :
         {"roberta.", "albert.", "distilbert.", "electra.", "deberta.", "lm_head.", "embeddings_project."}) {
      if (other.empty() &&
          (StartsWith(t.name, family) || t.name.find(std::string(".") + family) != std::string::npos)) {
        other = t.name;
      }
    }
  }
  const std::string prefix = word.substr(0, word.size() - anchor.size());
  const char* why = "names neither model_type nor architectures, and ";
  if (!other.empty()) {
    throw ConvertError(config_path + ": " + why + "tensor " + other +
                       " is not a BERT's; bert-convert reads BERT (model_type \"bert\")");
  }
  if (word.empty() || names.count(prefix + query) == 0) {
    std::string seen;
    size_t shown = 0;
    for (const auto& t : reader.tensors()) {
      if (shown++ == 3) {
        seen += ", ...";
        break;
      }
      seen += (seen.empty() ? "" : ", ") + t.name;
    }
    throw ConvertError(config_path + ": " + why + "the tensors (" + (seen.empty() ? "none" : seen) +
                       ") are not a BERT's (expected " + (word.empty() ? "bert." : prefix) + anchor + " and " +
                       (word.empty() ? "bert." : prefix) + query + "); add \"model_type\" to config.json");
  }
  std::fprintf(stderr,
               "bert-convert: note: %s names neither model_type nor architectures; from the tensor names (%s, %s%s): "
               "model_type \"bert\"\n",
               config_path.c_str(), word.c_str(), prefix.c_str(), query.c_str());
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
