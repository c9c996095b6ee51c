#include "bert/checkpoint_loader.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <set>

#include "bert/bert_names.h"
#include "bert/hf_config.h"
#include "bert/hf_files.h"
#include "bert/hf_loader.h"
#include "bert/hf_tokenizer.h"
#include "bert/source_layouts.h"
#include "readers/checkpoint.h"

namespace embert::convert {
namespace {

enum class Kind { kHuggingFaceDir, kTfBundle, kMindSpore, kSafetensors, kTorch };

struct Source {
  Kind kind;
  std::string weights;  // file, or the TF bundle prefix
  std::string dir;      // where the configuration and vocabulary are looked for
  bool saved_model = false;
};

// "x.data-00000-of-00002" or "x.index" -> "x"; otherwise unchanged.
std::string BundlePrefix(const std::string& path) {
  if (EndsWith(path, ".index")) return path.substr(0, path.size() - 6);
  const size_t data = path.rfind(".data-");
  if (data != std::string::npos && path.find("-of-", data) != std::string::npos) return path.substr(0, data);
  return path;
}

std::string FirstBytes(const std::string& path, size_t n) {
  std::ifstream f(path, std::ios::binary);
  std::string s(n, '\0');
  f.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<size_t>(f.gcount()));
  return s;
}

// A TF bundle in `dir`: the SavedModel's variables, the prefix the
// "checkpoint" file names, or the only *.index there.
bool FindBundleInDirectory(const std::string& dir, Source* s) {
  if (IsFile(dir + "/variables/variables.index")) {
    *s = {Kind::kTfBundle, dir + "/variables/variables", dir, true};
    return true;
  }
  std::vector<std::string> indexes;
  for (const auto& f : ListFiles(dir)) {
    if (EndsWith(f, ".index")) indexes.push_back(f);
  }
  if (indexes.empty()) return false;
  std::string chosen;
  if (indexes.size() == 1) {
    chosen = indexes[0];
  } else if (IsFile(dir + "/checkpoint")) {
    // TensorFlow's CheckpointState in text form: model_checkpoint_path: "ckpt-3"
    const std::string text = ReadText(dir + "/checkpoint");
    const size_t key = text.find("model_checkpoint_path:");
    const size_t open = key == std::string::npos ? key : text.find('"', key);
    const size_t close = open == std::string::npos ? open : text.find('"', open + 1);
    if (close != std::string::npos) {
      std::string name = text.substr(open + 1, close - open - 1);
      if (name.rfind('/') != std::string::npos) name = name.substr(name.rfind('/') + 1);
      for (const auto& f : indexes) {
        if (f == name + ".index") chosen = f;
      }
    }
  }
  if (chosen.empty()) {
    std::string list;
    for (const auto& f : indexes) list += (list.empty() ? "" : ", ") + f;
    throw ConvertError(dir + ": several TensorFlow checkpoints (" + list + "); name one, e.g. " + dir + "/" +
                       BundlePrefix(indexes.back()));
  }
  *s = {Kind::kTfBundle, dir + "/" + BundlePrefix(chosen), dir, false};
  return true;
}

Source Resolve(const std::string& input, const std::string& forced) {
  Source s;
  if (!forced.empty() && forced != "huggingface" && forced != "tf" && forced != "mindspore" &&
      forced != "safetensors" && forced != "torch") {
    throw ConvertError("unknown --format " + forced + " (huggingface, tf, mindspore, safetensors or torch)");
  }
  if (IsDirectory(input)) {
    const bool hf = IsFile(input + "/config.json") &&
                    (IsFile(input + "/model.safetensors") || IsFile(input + "/model.safetensors.index.json") ||
                     IsFile(input + "/pytorch_model.bin"));
    if (forced == "huggingface" || (forced.empty() && hf)) return {Kind::kHuggingFaceDir, input, input, false};
    if ((forced.empty() || forced == "tf") && FindBundleInDirectory(input, &s)) return s;
    if (forced.empty() || forced == "mindspore") {
      std::vector<std::string> ckpts;
      for (const auto& f : ListFiles(input)) {
        if (EndsWith(f, ".ckpt")) ckpts.push_back(f);
      }
      if (ckpts.size() == 1) return {Kind::kMindSpore, input + "/" + ckpts[0], input, false};
      if (ckpts.size() > 1) throw ConvertError(input + ": several .ckpt files; name one");
    }
    if (IsFile(input + "/config.json")) {
      throw ConvertError(input +
                         ": no weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin "
                         "beside config.json; nor a TensorFlow or MindSpore checkpoint)");
    }
    throw ConvertError(input +
                       ": not a checkpoint directory: expected a Hugging Face directory (config.json with "
                       "model.safetensors, model.safetensors.index.json or pytorch_model.bin), a TensorFlow "
                       "checkpoint (*.index + *.data-*, or a SavedModel's variables/), or a MindSpore .ckpt");
  }
  if (forced == "huggingface") throw ConvertError(input + ": --format huggingface needs a directory");
  const std::string prefix = BundlePrefix(input);
  if (forced == "tf" || (forced.empty() && (IsFile(prefix + ".index") && (prefix != input || !IsFile(input))))) {
    if (!IsFile(prefix + ".index")) throw ConvertError(input + ": no TensorFlow index " + prefix + ".index");
    return {Kind::kTfBundle, prefix, Parent(input), false};
  }
  if (!IsFile(input)) throw ConvertError(input + ": no such file or directory");
  const std::string head = FirstBytes(input, 8);
  Kind kind;
  if (!forced.empty()) {
    kind = forced == "mindspore" ? Kind::kMindSpore : forced == "safetensors" ? Kind::kSafetensors : Kind::kTorch;
  } else if (EndsWith(input, ".safetensors")) {
    kind = Kind::kSafetensors;
  } else if (head.rfind("PK\x03\x04", 0) == 0 || (!head.empty() && static_cast<uint8_t>(head[0]) == 0x80)) {
    kind = Kind::kTorch;  // a zip (torch >= 1.6) or a pickle stream (protocol 2+)
  } else if (!head.empty() && head[0] == 0x0a) {
    kind = Kind::kMindSpore;  // protobuf: field 1 (Checkpoint.value), length-delimited
  } else {
    throw ConvertError(input +
                       ": unrecognised checkpoint file (not safetensors, torch.save, a TensorFlow "
                       "index or a MindSpore .ckpt); --format names the format");
  }
  return {kind, input, Parent(input), false};
}

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

}  // namespace

BertModel LoadCheckpoint(const std::string& input, const SourceOptions& options) {
  const Source src = Resolve(input, options.format);
  BertModel m;
  if (src.kind == Kind::kHuggingFaceDir && options.config.empty() && options.vocab.empty()) {
    m = LoadHuggingFace(src.weights);
  } else {
    std::unique_ptr<CheckpointReader> reader;
    switch (src.kind) {
      case Kind::kHuggingFaceDir: reader = OpenHuggingFaceWeights(src.weights); break;
      case Kind::kTfBundle: reader = OpenTfBundle(src.weights); break;
      case Kind::kMindSpore: reader = OpenMindSpore(src.weights); break;
      case Kind::kSafetensors: reader = OpenSafetensors(src.weights); break;
      case Kind::kTorch: reader = OpenTorch(src.weights); break;
    }
    const Layout layout = DetectLayout(*reader);
    LayoutFacts facts;
    const std::string file_format = reader->format();
    reader = RenameToHuggingFace(std::move(reader), layout, &facts);
    m.source_format =
        layout == Layout::kHuggingFace ? "huggingface-" + file_format : file_format + "-" + LayoutName(layout);

    const ConfigDialect dialect = src.kind == Kind::kHuggingFaceDir ? ConfigDialect::kHuggingFace
                                  : layout == Layout::kMindSpore    ? ConfigDialect::kMindSpore
                                                                    : ConfigDialect::kGoogle;
    std::string config = options.config;
    if (config.empty()) {
      const std::string d = src.dir;
      config = src.kind == Kind::kHuggingFaceDir
                   ? d + "/config.json"
                   : FirstExisting({d + "/bert_config.json", d + "/config.json", d + "/assets/bert_config.json",
                                    d + "/config.yaml", d + "/config.yml"});
    }
    if (!config.empty()) {
      if (!IsFile(config)) throw ConvertError(config + ": no such configuration file");
      ApplyBertConfig(ReadConfigDocument(config), config, dialect, &m);
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
    if (src.kind != Kind::kHuggingFaceDir && !IsFile(src.dir + "/tokenizer_config.json") && LooksCased(input)) {
      m.tokenizer.do_lower_case = false;
      std::fprintf(stderr,
                   "bert-convert: note: \"%s\" names a cased model: not lower-casing (--lower-case changes it)\n",
                   input.c_str());
    }
    LoadHuggingFaceWeights(*reader, &m);
    for (const auto& f : reader->files()) m.source_files.push_back(f);
  }
  if (options.lower_case >= 0) m.tokenizer.do_lower_case = options.lower_case == 1;
  return m;
}

}  // namespace embert::convert
