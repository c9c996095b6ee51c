#include "import/hf_config.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "import/hf_files.h"
#include "json/yaml_subset.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

uint32_t Dim(const json::Value& config, const char* key, const std::string& path) {
  const json::Value* v = config.find(key);
  if (v == nullptr || !v->is_number()) throw ConvertError(path + ": missing or non-numeric " + key);
  const double d = v->as_number();
  if (!(d >= 1 && d <= 1e7) || d != std::floor(d)) {
    throw ConvertError(path + ": " + key + " = " + std::to_string(d) + " is not a valid size");
  }
  return static_cast<uint32_t>(d);
}

void CheckArchitecture(const json::Value& c, const std::string& path, ConfigDialect dialect) {
  std::string type;
  if (const json::Value* t = c.find("model_type"); t && t->is_string()) type = t->as_string();
  std::string archs;
  if (const json::Value* a = c.find("architectures"); a && a->is_array()) {
    for (const auto& x : a->as_array()) {
      if (x.is_string()) archs += (archs.empty() ? "" : ", ") + x.as_string();
    }
  }
  const bool bert_arch =
      archs.rfind("Bert", 0) == 0 || archs.rfind("DistilBert", 0) == 0 || archs.rfind("Electra", 0) == 0;
  // Google's and MindSpore's files name no architecture: BERT is implied.
  // So is it for a Hugging Face file whose tensors were recognised.
  const bool implied = dialect != ConfigDialect::kHuggingFace && type.empty() && archs.empty();
  if (dialect == ConfigDialect::kHuggingFace && type.empty() && archs.empty()) {
    throw ConvertError(path +
                       ": names neither model_type nor architectures; bert-convert reads BERT (model_type "
                       "\"bert\")");
  }
  const bool family = type == "bert" || type == "distilbert" || type == "electra";
  if (!(family || (type.empty() && bert_arch) || implied)) {
    throw ConvertError(path + ": unsupported architecture (model_type \"" + type + "\", architectures [" + archs +
                       "]): bert-convert reads BERT, DistilBERT and ELECTRA (model_type \"bert\", \"distilbert\", "
                       "\"electra\"); RoBERTa, ALBERT and DeBERTa differ in layout or tokenizer");
  }
  if (archs.rfind("ElectraForPreTraining", 0) == 0 || archs.rfind("ElectraForMaskedLM", 0) == 0) {
    throw ConvertError(path + ": " + archs +
                       " is not supported: bert-convert reads ELECTRA discriminators as encoders "
                       "(ElectraModel) with sequence classification, token classification or QA heads");
  }
  if (const json::Value* pe = c.find("position_embedding_type");
      pe && pe->is_string() && pe->as_string() != "absolute") {
    throw ConvertError(path + ": position_embedding_type \"" + pe->as_string() +
                       "\" is not supported (only \"absolute\")");
  }
}

}  // namespace

bool NamesArchitecture(const json::Value& c) {
  const json::Value* type = c.find("model_type");
  const json::Value* archs = c.find("architectures");
  return (type && type->is_string() && !type->as_string().empty()) || (archs && archs->is_array() && archs->size() > 0);
}

json::Value ReadConfigDocument(const std::string& path) {
  if (!(EndsWith(path, ".yaml") || EndsWith(path, ".yml"))) return ReadJson(path);
  json::Value doc;
  try {
    doc = json::ParseYamlSubset(ReadText(path));
  } catch (const json::ParseError& e) {
    throw ConvertError(path + ": " + e.what());
  }
  if (!doc.is_object()) throw ConvertError(path + ": not a YAML mapping");
  if (doc.find("hidden_size")) return doc;
  std::vector<std::string> names;
  if (const json::Value* n = doc.find("bert_network"); n && n->is_string())
    names.push_back(n->as_string() + "_net_cfg");
  names.push_back("bert_net_cfg");
  for (const auto& name : names) {
    if (const json::Value* section = doc.find(name); section && section->is_object()) return *section;
  }
  const json::Value* only = nullptr;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_object() && value.find("hidden_size")) {
      if (only) throw ConvertError(path + ": several sections have hidden_size; name one with bert_network");
      only = &value;
    }
  }
  if (!only) throw ConvertError(path + ": no BERT configuration (no mapping with hidden_size)");
  return *only;
}

void ApplyBertConfig(const json::Value& c, const std::string& path, ConfigDialect dialect, BertModel* m) {
  if (!c.is_object()) throw ConvertError(path + ": not a JSON object");
  CheckArchitecture(c, path, dialect);
  if (dialect == ConfigDialect::kMindSpore) m->config.layer_norm_eps = 1e-7f;
  if (const json::Value* r = c.find("use_relative_positions"); r && r->is_bool() && r->as_bool()) {
    throw ConvertError(path + ": use_relative_positions is not supported (only absolute positions)");
  }
  BertConfig& k = m->config;
  std::string type, arch;
  if (const json::Value* t = c.find("model_type"); t && t->is_string()) type = t->as_string();
  if (const json::Value* a = c.find("architectures");
      a && a->is_array() && !a->as_array().empty() && a->as_array()[0].is_string()) {
    arch = a->as_array()[0].as_string();
  }
  if (type == "distilbert" || (type.empty() && arch.rfind("DistilBert", 0) == 0)) {
    k.family = Family::kDistilBert;
  } else if (type == "electra" || (type.empty() && arch.rfind("Electra", 0) == 0)) {
    k.family = Family::kElectra;
  }
  k.vocab_size = Dim(c, "vocab_size", path);
  k.max_position_embeddings = Dim(c, "max_position_embeddings", path);
  if (k.family == Family::kDistilBert) {
    // DistilBertConfig's own keys (transformers maps hidden_size & co. onto
    // them; a config.json holds these). No token types: one zero row.
    // Every LayerNorm is nn.LayerNorm(dim, eps=1e-12), whatever the config.
    const auto key = [&](const char* own, const char* bert) { return c.find(own) ? own : bert; };
    k.hidden_size = Dim(c, key("dim", "hidden_size"), path);
    k.num_layers = Dim(c, key("n_layers", "num_hidden_layers"), path);
    k.num_heads = Dim(c, key("n_heads", "num_attention_heads"), path);
    k.intermediate_size = Dim(c, key("hidden_dim", "intermediate_size"), path);
    k.type_vocab_size = 1;
    if (const json::Value* s = c.find("sinusoidal_pos_embds"); s && s->is_bool() && s->as_bool()) {
      // transformers writes the sinusoids into position_embeddings.weight
      // (create_sinusoidal_embeddings), which the checkpoint holds.
      std::fprintf(stderr,
                   "bert-convert: note: %s: sinusoidal_pos_embds: the sinusoids are read from "
                   "position_embeddings.weight\n",
                   path.c_str());
    }
  } else {
    k.hidden_size = Dim(c, "hidden_size", path);
    k.num_layers = Dim(c, "num_hidden_layers", path);
    k.num_heads = Dim(c, "num_attention_heads", path);
    k.intermediate_size = Dim(c, "intermediate_size", path);
    k.type_vocab_size = Dim(c, "type_vocab_size", path);
  }
  if (k.family == Family::kElectra) {
    // ElectraConfig's default embedding_size is 128.
    k.embedding_size = c.find("embedding_size") ? Dim(c, "embedding_size", path) : 128;
    if (k.embedding_size == k.hidden_size) k.embedding_size = 0;
  }
  // BertEmbeddings' nn.Embedding(vocab_size, hidden, padding_idx=pad_token_id):
  // torch refuses a padding index outside the table ("Padding_idx must be
  // within num_embeddings"), so transformers cannot build such a model.
  if (const json::Value* p = c.find("pad_token_id"); p && p->is_number()) {
    const double pad = p->as_number();
    if (pad >= k.vocab_size || pad < -static_cast<double>(k.vocab_size)) {
      throw ConvertError(path + ": pad_token_id " + std::to_string(static_cast<int64_t>(pad)) +
                         " is outside the embedding table of vocab_size " + std::to_string(k.vocab_size) +
                         " rows (transformers refuses it too: padding_idx must be within num_embeddings)");
    }
  }
  if (k.hidden_size % k.num_heads != 0) {
    throw ConvertError(path + ": num_attention_heads does not divide hidden_size");
  }
  if (const json::Value* e = c.find("layer_norm_eps"); e && e->is_number() && k.family != Family::kDistilBert) {
    k.layer_norm_eps = static_cast<float>(e->as_number());
  }
  if (const json::Value* a = c.find(k.family == Family::kDistilBert ? "activation" : "hidden_act");
      a && a->is_string()) {
    k.hidden_act = a->as_string();
    // gelu_pytorch_tanh is gelu_new under another name.
    if (k.hidden_act == "gelu_pytorch_tanh") k.hidden_act = "gelu_new";
    if (k.hidden_act != "gelu" && k.hidden_act != "gelu_new" && k.hidden_act != "relu") {
      throw ConvertError(path + ": unsupported hidden_act \"" + a->as_string() +
                         "\" (expected gelu, gelu_new or relu)");
    }
  }
  if (const json::Value* a = c.find("architectures");
      a && a->is_array() && !a->as_array().empty() && a->as_array()[0].is_string()) {
    m->architecture = a->as_array()[0].as_string();
  }
  // Labels, ordered by id (JSON object order is whatever the writer chose).
  if (const json::Value* id2label = c.find("id2label"); id2label && id2label->is_object()) {
    std::map<long, std::string> byid;
    for (const auto& [id, name] : id2label->items()) {
      char* end = nullptr;
      const long i = std::strtol(id.c_str(), &end, 10);
      if (id.empty() || *end != '\0' || i < 0 || !name.is_string()) {
        throw ConvertError(path + ": bad id2label entry " + id);
      }
      byid[i] = name.as_string();
    }
    long expect = 0;
    for (const auto& [i, name] : byid) {
      if (i != expect++) throw ConvertError(path + ": id2label ids are not 0..n-1");
      m->labels.push_back(name);
    }
  }
  if (const json::Value* p = c.find("problem_type"); p && p->is_string()) {
    m->sigmoid_scores = p->as_string() == "multi_label_classification";
  }
}

}  // namespace embert::convert
