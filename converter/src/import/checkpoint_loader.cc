#include "import/checkpoint_loader.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <set>

#include "import/bert_names.h"
#include "import/hf_config.h"
#include "import/hf_files.h"
#include "import/hf_loader.h"
#include "import/hf_tokenizer.h"
#include "import/sentence_transformers.h"
#include "import/source_formats.h"
#include "import/source_layouts.h"
#include "readers/checkpoint.h"

namespace embert::convert {
namespace {

std::string FirstExisting(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    if (IsFile(p)) return p;
  }
  return "";
}

// Dimensions read off the tensors, for a TF2 SavedModel that has no
// configuration file: every size is a tensor's shape, the head count is the
// EinsumDense kernels' middle dimension.
void InferConfig(const CheckpointReader& reader, int num_heads, BertModel* m) {
  BertConfig& c = m->config;
  std::set<std::string> layers;
  for (const auto& t : reader.tensors()) {
    const auto dim = [&](size_t i) { return t.shape.size() > i ? static_cast<uint32_t>(t.shape[i]) : 0u; };
    if (t.name == "bert.embeddings.word_embeddings.weight") {
      c.vocab_size = dim(0);
      c.hidden_size = dim(1);
    }
    if (t.name == "bert.embeddings.position_embeddings.weight") c.max_position_embeddings = dim(0);
    if (t.name == "bert.embeddings.token_type_embeddings.weight") c.type_vocab_size = dim(0);
    if (EndsWith(t.name, ".intermediate.dense.weight")) {
      c.intermediate_size = dim(0);
      layers.insert(t.name);
    }
  }
  c.num_layers = static_cast<uint32_t>(layers.size());
  c.num_heads = static_cast<uint32_t>(num_heads);
  if (!c.vocab_size || !c.hidden_size || !c.max_position_embeddings || !c.type_vocab_size || !c.intermediate_size ||
      !c.num_layers || !c.num_heads || c.hidden_size % c.num_heads != 0) {
    throw ConvertError("cannot infer the configuration from the tensors; give --config");
  }
  std::fprintf(stderr,
               "bert-convert: note: no configuration file; from the tensors: vocab %u, hidden %u, layers %u, heads %u, "
               "intermediate %u, positions %u, token types %u; gelu, LayerNorm epsilon 1e-12\n",
               c.vocab_size, c.hidden_size, c.num_layers, c.num_heads, c.intermediate_size, c.max_position_embeddings,
               c.type_vocab_size);
}

// Google's release names cased models "cased_L-12_H-768_A-12" and uncased
// ones "uncased_L-..."; its tokenizer must match (tokenization.py checks the
// same way), and a TF checkpoint has no tokenizer_config.json to say so.
bool LooksCased(const std::string& path) {
  for (size_t at = path.find("cased_L-"); at != std::string::npos; at = path.find("cased_L-", at + 1)) {
    if (at < 2 || path.compare(at - 2, 2, "un") != 0) return true;
  }
  return false;
}

BertModel LoadBert(const std::string& input, const SourceOptions& options) {
  const Source src = Resolve(input, options.format);
  BertModel m;
  const FileLayout& files = src.format->layout;
  if (files.huggingface && options.config.empty() && options.vocab.empty()) {
    m = LoadHuggingFace(src.weights);
  } else {
    std::unique_ptr<CheckpointReader> reader = src.format->open(src.weights);
    const Layout layout = DetectLayout(*reader);
    LayoutFacts facts;
    const std::string file_format = reader->format();
    reader = RenameToHuggingFace(std::move(reader), layout, &facts);
    m.source_format =
        layout == Layout::kHuggingFace ? "huggingface-" + file_format : file_format + "-" + LayoutName(layout);

    const ConfigDialect dialect = files.huggingface              ? ConfigDialect::kHuggingFace
                                  : layout == Layout::kMindSpore ? ConfigDialect::kMindSpore
                                                                 : ConfigDialect::kGoogle;
    std::string config = options.config;
    if (config.empty()) {
      // A Hugging Face directory has its config.json (else it is an error
      // below); elsewhere the first one found.
      std::vector<std::string> paths;
      for (const auto& name : files.configs) paths.push_back(src.dir + "/" + name);
      config = files.huggingface ? paths[0] : FirstExisting(paths);
    }
    if (!config.empty()) {
      if (!IsFile(config)) throw ConvertError(config + ": no such configuration file");
      const json::Value document = ReadConfigDocument(config);
      ConfigDialect used = dialect;
      if (dialect == ConfigDialect::kHuggingFace && !NamesArchitecture(document)) {
        InferBertFromTensorNames(*reader, config);
        used = ConfigDialect::kHuggingFaceInferred;
      }
      ApplyBertConfig(document, config, used, &m);
      CheckFamilyMatchesNames(m, layout, config);
      m.source_files.push_back(config);
    } else if (facts.num_heads > 0) {
      InferConfig(*reader, facts.num_heads, &m);
    } else {
      throw ConvertError(input + ": no configuration (looked for bert_config.json, config.json, config.yaml in " +
                         src.dir + "); give --config FILE (JSON, or a MindSpore model zoo YAML)");
    }

    std::string vocab = options.vocab;
    if (vocab.empty()) vocab = FirstExisting({src.dir + "/vocab.txt", src.dir + "/assets/vocab.txt"});
    if (vocab.empty())
      throw ConvertError(input + ": no vocab.txt beside the checkpoint (or in assets/); give --vocab FILE");
    for (const auto& f : ReadTokenizerFiles(vocab, src.dir, &m)) m.source_files.push_back(f);
    if (!files.huggingface && !IsFile(src.dir + "/tokenizer_config.json") && LooksCased(input)) {
      m.tokenizer.do_lower_case = false;
      std::fprintf(stderr,
                   "bert-convert: note: \"%s\" names a cased model: not lower-casing (--lower-case changes it)\n",
                   input.c_str());
    }
    LoadHuggingFaceWeights(*reader, &m);
    for (const auto& f : reader->files()) m.source_files.push_back(f);
  }
  return m;
}

}  // namespace

BertModel LoadCheckpoint(const std::string& input, const SourceOptions& options) {
  BertModel m;
  if (IsSentenceTransformersDirectory(input) && (options.format.empty() || options.format == "huggingface")) {
    m = LoadBert(SentenceTransformerFolder(input), options);
    ApplySentenceTransformers(input, &m);
  } else {
    m = LoadBert(input, options);
  }
  if (options.lower_case >= 0) m.tokenizer.do_lower_case = options.lower_case == 1;
  return m;
}

}  // namespace embert::convert
