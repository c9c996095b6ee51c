#include "import/sentence_transformers.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "import/hf_files.h"
#include "import/hf_loader.h"
#include "readers/checkpoint.h"

namespace embert::convert {
namespace {

// Dense modules chained after the pooling (the SDK plans for this many).
constexpr size_t kMaxDense = 4;

enum class Kind { kTransformer, kPooling, kDense, kNormalize };

struct Module {
  Kind kind;
  std::string path;  // relative to the model directory, "" for itself
  std::string type;
};

// "sentence_transformers.models.Pooling" -> "Pooling".
std::string ClassName(const std::string& type) {
  const size_t dot = type.rfind('.');
  return dot == std::string::npos ? type : type.substr(dot + 1);
}

std::string Join(const std::string& dir, const std::string& path) { return path.empty() ? dir : dir + "/" + path; }

std::vector<Module> ReadModules(const std::string& dir) {
  const std::string path = dir + "/modules.json";
  const json::Value doc = ReadJson(path);
  if (!doc.is_array() || doc.size() == 0) throw ConvertError(path + ": expected a list of modules");
  std::vector<Module> modules;
  for (const json::Value& v : doc.as_array()) {
    const json::Value* type = v.is_object() ? v.find("type") : nullptr;
    const json::Value* where = v.is_object() ? v.find("path") : nullptr;
    if (type == nullptr || !type->is_string() || where == nullptr || !where->is_string()) {
      throw ConvertError(path + ": every module needs a \"type\" and a \"path\"");
    }
    Module m;
    m.type = type->as_string();
    m.path = where->as_string();
    if (m.path.find("..") != std::string::npos || (!m.path.empty() && m.path[0] == '/')) {
      throw ConvertError(path + ": module path \"" + m.path + "\" leaves the model directory");
    }
    while (!m.path.empty() && m.path.back() == '/') m.path.pop_back();
    const std::string name = ClassName(m.type);
    if (name == "Transformer") {
      m.kind = Kind::kTransformer;
    } else if (name == "Pooling") {
      m.kind = Kind::kPooling;
    } else if (name == "Dense") {
      m.kind = Kind::kDense;
    } else if (name == "Normalize") {
      m.kind = Kind::kNormalize;
    } else {
      throw ConvertError(path + ": module " + m.type +
                         " is not supported (bert-convert reads Transformer, Pooling, Dense and Normalize)");
    }
    modules.push_back(m);
  }
  // The order encode() runs them in: Transformer, Pooling, Dense*, Normalize.
  const auto order_error = [&]() {
    std::string list;
    for (const Module& m : modules) list += (list.empty() ? "" : ", ") + ClassName(m.type);
    return ConvertError(path + ": modules " + list +
                        ": bert-convert reads Transformer, Pooling, then any Dense, then an optional Normalize");
  };
  size_t i = 0;
  if (modules.size() < 2 || modules[i++].kind != Kind::kTransformer || modules[i++].kind != Kind::kPooling) {
    throw order_error();
  }
  while (i < modules.size() && modules[i].kind == Kind::kDense) ++i;
  if (i < modules.size() && modules[i].kind == Kind::kNormalize) ++i;
  if (i != modules.size()) throw order_error();
  return modules;
}

bool Flag(const json::Value& config, const char* key, const std::string& path) {
  const json::Value* v = config.find(key);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_bool()) throw ConvertError(path + ": " + key + " must be true or false");
  return v->as_bool();
}

uint32_t Size(const json::Value& config, const char* key, const std::string& path) {
  const json::Value* v = config.find(key);
  if (v == nullptr || !v->is_int() || v->as_int() <= 0 || v->as_int() > (1 << 16)) {
    throw ConvertError(path + ": " + key + " must be a positive integer");
  }
  return static_cast<uint32_t>(v->as_int());
}

void ReadPooling(const std::string& folder, BertModel* m) {
  const std::string path = folder + "/config.json";
  if (!IsFile(path)) throw ConvertError(folder + ": the Pooling module has no config.json");
  const json::Value c = ReadJson(path);
  if (!c.is_object()) throw ConvertError(path + ": expected an object");
  m->source_files.push_back(path);
  const uint32_t dim = Size(c, "word_embedding_dimension", path);
  if (dim != m->config.hidden_size) {
    throw ConvertError(path + ": word_embedding_dimension " + std::to_string(dim) + " differs from hidden_size " +
                       std::to_string(m->config.hidden_size));
  }
  for (const char* unsupported : {"pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
    if (Flag(c, unsupported, path)) {
      throw ConvertError(path + ": " + unsupported +
                         " is not supported (embert pools with cls, mean, max and mean_sqrt_len tokens)");
    }
  }
  // sentence-transformers' concatenation order.
  std::vector<SentencePooling>& p = m->sentence_embedding.pooling;
  if (Flag(c, "pooling_mode_cls_token", path)) p.push_back(SentencePooling::kCls);
  if (Flag(c, "pooling_mode_max_tokens", path)) p.push_back(SentencePooling::kMax);
  if (Flag(c, "pooling_mode_mean_tokens", path)) p.push_back(SentencePooling::kMean);
  if (Flag(c, "pooling_mode_mean_sqrt_len_tokens", path)) p.push_back(SentencePooling::kMeanSqrtLen);
  if (p.empty()) throw ConvertError(path + ": no pooling_mode_*_tokens is true");
}

DenseActivation ActivationNamed(const std::string& name, const std::string& path) {
  const std::string c = ClassName(name);
  if (c == "Identity") return DenseActivation::kIdentity;
  if (c == "Tanh") return DenseActivation::kTanh;
  if (c == "ReLU") return DenseActivation::kRelu;
  if (c == "GELU") return DenseActivation::kGelu;
  if (c == "Sigmoid") return DenseActivation::kSigmoid;
  throw ConvertError(path + ": activation_function " + name +
                     " is not supported (Identity, Tanh, ReLU, GELU or Sigmoid of torch.nn)");
}

void ReadDense(const std::string& folder, uint32_t in_width, BertModel* m) {
  const std::string path = folder + "/config.json";
  if (!IsFile(path)) throw ConvertError(folder + ": the Dense module has no config.json");
  const json::Value c = ReadJson(path);
  if (!c.is_object()) throw ConvertError(path + ": expected an object");
  m->source_files.push_back(path);
  const uint32_t in = Size(c, "in_features", path);
  const uint32_t out = Size(c, "out_features", path);
  if (in != in_width) {
    throw ConvertError(path + ": in_features " + std::to_string(in) + " but the module before it gives " +
                       std::to_string(in_width));
  }
  for (const char* key : {"module_input_name", "module_output_name"}) {
    const json::Value* v = c.find(key);
    if (v != nullptr && !v->is_null() && !(v->is_string() && v->as_string() == "sentence_embedding")) {
      throw ConvertError(path + ": " + key + " other than \"sentence_embedding\" is not supported");
    }
  }
  bool bias = true;
  if (const json::Value* v = c.find("bias"); v != nullptr && v->is_bool()) bias = v->as_bool();
  DenseActivation act = DenseActivation::kTanh;  // Dense's default
  if (const json::Value* v = c.find("activation_function"); v != nullptr && !v->is_null()) {
    if (!v->is_string()) throw ConvertError(path + ": activation_function must be a class name");
    act = ActivationNamed(v->as_string(), path);
  }
  const std::unique_ptr<CheckpointReader> reader = OpenHuggingFaceWeights(folder);
  const auto read = [&](const std::string& name, uint32_t rows, uint32_t cols) {
    for (const TensorInfo& t : reader->tensors()) {
      if (t.name != name) continue;
      const std::vector<int64_t> want = cols ? std::vector<int64_t>{rows, cols} : std::vector<int64_t>{rows};
      if (t.shape != want) {
        throw ConvertError(folder + ": " + name + " has the wrong shape (out_features x in_features expected)");
      }
      std::vector<float> v = reader->ReadFloat32(name);
      for (float x : v) {
        if (!std::isfinite(x)) throw ConvertError(folder + ": " + name + " holds NaN or infinity");
      }
      return v;
    }
    throw ConvertError(folder + ": no tensor " + name + " in the Dense module's weights");
  };
  LinearWeights l;
  l.weight.rows = out;
  l.weight.cols = in;
  l.weight.data = read("linear.weight", out, in);
  l.bias = bias ? read("linear.bias", out, 0) : std::vector<float>(out, 0.0f);
  for (const auto& f : reader->files()) m->source_files.push_back(f);
  m->sentence_embedding.dense.push_back(std::move(l));
  m->sentence_embedding.dense_activation.push_back(act);
}

void ReadSentenceBertConfig(const std::string& folder, BertModel* m) {
  const std::string path = folder + "/sentence_bert_config.json";
  if (!IsFile(path)) return;
  const json::Value c = ReadJson(path);
  if (!c.is_object()) throw ConvertError(path + ": expected an object");
  m->source_files.push_back(path);
  if (const json::Value* v = c.find("max_seq_length"); v != nullptr && !v->is_null()) {
    if (!v->is_int() || v->as_int() < 3) throw ConvertError(path + ": max_seq_length must be an integer >= 3");
    // Tokens with [CLS] and [SEP], as the SDK counts them; the tokenizer's
    // own model_max_length gives way to it (the writer clamps it to the
    // position table).
    const int64_t n = v->as_int();
    m->tokenizer.max_seq_len = static_cast<uint32_t>(n < (1 << 20) ? n : (1 << 20));
  }
  if (Flag(c, "do_lower_case", path) && !m->tokenizer.do_lower_case) {
    // The Transformer module lower-cases the text (str.lower()) before a
    // cased tokenizer sees it: lower-case, keep the accents.
    m->tokenizer.do_lower_case = true;
    if (m->tokenizer.strip_accents < 0) m->tokenizer.strip_accents = 0;
    std::fprintf(stderr, "bert-convert: note: %s: do_lower_case: the text is lower-cased (accents kept)\n",
                 path.c_str());
  }
}

}  // namespace

bool IsSentenceTransformersDirectory(const std::string& dir) {
  return IsDirectory(dir) && IsFile(dir + "/modules.json");
}

std::string SentenceTransformerFolder(const std::string& dir) { return Join(dir, ReadModules(dir)[0].path); }

void ApplySentenceTransformers(const std::string& dir, BertModel* m) {
  const std::vector<Module> modules = ReadModules(dir);
  m->source_files.push_back(dir + "/modules.json");
  ReadSentenceBertConfig(Join(dir, modules[0].path), m);
  m->has_sentence_embedding = true;
  SentenceEmbeddingSpec& s = m->sentence_embedding;
  for (size_t i = 1; i < modules.size(); ++i) {
    const std::string folder = Join(dir, modules[i].path);
    switch (modules[i].kind) {
      case Kind::kPooling: ReadPooling(folder, m); break;
      case Kind::kDense: {
        if (s.dense.size() == kMaxDense) {
          throw ConvertError(dir + "/modules.json: more than " + std::to_string(kMaxDense) + " Dense modules");
        }
        const uint32_t width = s.dense.empty() ? static_cast<uint32_t>(s.pooling.size()) * m->config.hidden_size
                                               : s.dense.back().weight.rows;
        ReadDense(folder, width, m);
        break;
      }
      case Kind::kNormalize: s.normalize = true; break;
      case Kind::kTransformer: break;  // ReadModules allows it first only
    }
  }
  m->source_format = "sentence-transformers+" + m->source_format;
}

}  // namespace embert::convert
