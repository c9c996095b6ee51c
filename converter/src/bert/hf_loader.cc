#include "bert/hf_loader.h"

#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "json/json.h"

namespace embert::convert {


namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string ReadText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConvertError("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

json::Value ReadJson(const std::string& path) {
  try {
    return json::Parse(ReadText(path));
  } catch (const json::ParseError& e) {
    throw ConvertError(path + ": " + e.what());
  }
}

uint32_t Dim(const json::Value& config, const char* key, const std::string& path) {
  const json::Value* v = config.find(key);
  if (v == nullptr || !v->is_number()) throw ConvertError(path + ": missing or non-numeric " + key);
  const double d = v->as_number();
  if (!(d >= 1 && d <= 1e7) || d != std::floor(d)) {
    throw ConvertError(path + ": " + key + " = " + std::to_string(d) + " is not a valid size");
  }
  return static_cast<uint32_t>(d);
}

// Special tokens appear as strings or as {"content": ...} objects.
std::string TokenText(const json::Value& v) {
  if (v.is_string()) return v.as_string();
  if (const json::Value* c = v.find("content"); c && c->is_string()) return c->as_string();
  return "";
}

void LoadConfig(const std::string& path, BertModel* m) {
  const json::Value c = ReadJson(path);
  if (!c.is_object()) throw ConvertError(path + ": not a JSON object");
  std::string type;
  if (const json::Value* t = c.find("model_type"); t && t->is_string()) type = t->as_string();
  std::string archs;
  if (const json::Value* a = c.find("architectures"); a && a->is_array()) {
    for (const auto& x : a->as_array()) {
      if (x.is_string()) archs += (archs.empty() ? "" : ", ") + x.as_string();
    }
  }
  const bool bert_arch = archs.rfind("Bert", 0) == 0;
  if (!(type == "bert" || (type.empty() && bert_arch))) {
    throw ConvertError(path + ": unsupported architecture (model_type \"" + type +
                       "\", architectures [" + archs +
                       "]): bert-convert reads BERT (model_type \"bert\"); RoBERTa, ALBERT, "
                       "DistilBERT and ELECTRA differ in layout or tokenizer");
  }
  BertConfig& k = m->config;
  k.vocab_size = Dim(c, "vocab_size", path);
  k.hidden_size = Dim(c, "hidden_size", path);
  k.num_layers = Dim(c, "num_hidden_layers", path);
  k.num_heads = Dim(c, "num_attention_heads", path);
  k.intermediate_size = Dim(c, "intermediate_size", path);
  k.max_position_embeddings = Dim(c, "max_position_embeddings", path);
  k.type_vocab_size = Dim(c, "type_vocab_size", path);
  if (k.hidden_size % k.num_heads != 0) {
    throw ConvertError(path + ": num_attention_heads does not divide hidden_size");
  }
  if (const json::Value* e = c.find("layer_norm_eps"); e && e->is_number()) {
    k.layer_norm_eps = static_cast<float>(e->as_number());
  }
  if (const json::Value* a = c.find("hidden_act"); a && a->is_string()) {
    k.hidden_act = a->as_string();
    if (k.hidden_act != "gelu" && k.hidden_act != "gelu_new" && k.hidden_act != "relu" &&
        k.hidden_act != "gelu_pytorch_tanh") {
      throw ConvertError(path + ": unsupported hidden_act \"" + k.hidden_act + "\"");
    }
    if (k.hidden_act == "gelu_pytorch_tanh") k.hidden_act = "gelu_new";
  }
  if (const json::Value* pe = c.find("position_embedding_type");
      pe && pe->is_string() && pe->as_string() != "absolute") {
    throw ConvertError(path + ": position_embedding_type \"" + pe->as_string() +
                       "\" is not supported (only \"absolute\")");
  }
  // Labels, ordered by id.
  if (const json::Value* id2label = c.find("id2label"); id2label && id2label->is_object()) {
    std::map<long, std::string> byid;
    for (const auto& [id, name] : id2label->items()) {
      char* end = nullptr;
      const long i = std::strtol(id.c_str(), &end, 10);
      if (*end != '\0' || i < 0 || !name.is_string()) throw ConvertError(path + ": bad id2label entry " + id);
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

void LoadTokenizer(const std::string& dir, BertModel* m) {
  TokenizerSettings& t = m->tokenizer;
  const std::string vocab_path = dir + "/vocab.txt";
  if (!Exists(vocab_path)) throw ConvertError(dir + ": no vocab.txt (BERT's WordPiece vocabulary)");
  std::istringstream vocab(ReadText(vocab_path));
  std::string line;
  while (std::getline(vocab, line)) t.vocab.push_back(line);  // HF strips only "\n"
  if (t.vocab.size() != m->config.vocab_size) {
    throw ConvertError(vocab_path + ": " + std::to_string(t.vocab.size()) +
                       " tokens, but config.json says vocab_size " +
                       std::to_string(m->config.vocab_size));
  }
  std::map<std::string, std::string> names = {{"unk_token", "[UNK]"},   {"cls_token", "[CLS]"},
                                              {"sep_token", "[SEP]"},   {"pad_token", "[PAD]"},
                                              {"mask_token", "[MASK]"}};
  std::vector<std::string> extra;
  for (const char* file : {"/special_tokens_map.json", "/tokenizer_config.json"}) {
    if (!Exists(dir + file)) continue;
    const json::Value c = ReadJson(dir + file);
    for (auto& [key, value] : names) {
      if (const json::Value* v = c.find(key)) {
        if (!TokenText(*v).empty()) value = TokenText(*v);
      }
    }
    if (const json::Value* a = c.find("additional_special_tokens"); a && a->is_array()) {
      for (const auto& x : a->as_array()) extra.push_back(TokenText(x));
    }
    if (std::string(file) == "/tokenizer_config.json") {
      if (const json::Value* v = c.find("do_lower_case"); v && v->is_bool()) t.do_lower_case = v->as_bool();
      if (const json::Value* v = c.find("strip_accents")) {
        t.strip_accents = v->is_bool() ? (v->as_bool() ? 1 : 0) : -1;
      }
      if (const json::Value* v = c.find("tokenize_chinese_chars"); v && v->is_bool()) {
        t.tokenize_chinese_chars = v->as_bool();
      }
      if (const json::Value* v = c.find("model_max_length"); v && v->is_number()) {
        const double n = v->as_number();
        if (n >= 3 && n <= m->config.max_position_embeddings) t.max_seq_len = static_cast<uint32_t>(n);
      }
    }
  }
  std::map<std::string, int32_t> ids;
  for (size_t i = 0; i < t.vocab.size(); ++i) ids[t.vocab[i]] = static_cast<int32_t>(i);  // last wins, as HF
  auto id_of = [&](const std::string& token, bool required) -> int32_t {
    const auto it = ids.find(token);
    if (it == ids.end()) {
      if (required) throw ConvertError(vocab_path + ": special token " + token + " is not in the vocabulary");
      return -1;
    }
    return it->second;
  };
  t.unk_id = id_of(names["unk_token"], true);
  t.cls_id = id_of(names["cls_token"], true);
  t.sep_id = id_of(names["sep_token"], true);
  t.pad_id = id_of(names["pad_token"], false);
  t.mask_id = id_of(names["mask_token"], false);
  std::set<int32_t> special = {t.unk_id, t.cls_id, t.sep_id};
  if (t.pad_id >= 0) special.insert(t.pad_id);
  if (t.mask_id >= 0) special.insert(t.mask_id);
  for (const auto& e : extra) {
    const int32_t id = id_of(e, false);
    if (id >= 0) special.insert(id);
  }
  t.special_ids.assign(special.begin(), special.end());
}

class Names {
 public:
  Names(const CheckpointReader& r, const BertModel& m) : reader_(r), model_(m) {
    for (const auto& t : r.tensors()) info_[t.name] = &t;
    // Other BERT-like families share BERT's names under their own prefix but
    // differ in positions, token types or tokenizer: refuse them by name.
    for (const char* other : {"roberta.", "albert.", "distilbert.", "electra.", "deberta."}) {
      for (const auto& t : r.tensors()) {
        if (t.name.rfind(other, 0) == 0 || t.name.find(std::string(".") + other) != std::string::npos) {
          throw ConvertError("unsupported architecture: tensor names start with \"" + std::string(other) +
                             "\" (" + t.name + "); bert-convert reads BERT only");
        }
      }
    }
    // The BERT body's names end in "embeddings.word_embeddings.weight"
    // after a prefix ("bert.", "", or a container's such as "state_dict.bert.");
    // heads sit beside "bert." in the same container.
    const std::string anchor = "embeddings.word_embeddings.weight";
    for (const auto& t : r.tensors()) {
      if (t.name.size() >= anchor.size() &&
          t.name.compare(t.name.size() - anchor.size(), anchor.size(), anchor) == 0 &&
          t.name.find("cls.predictions") == std::string::npos) {
        prefix_ = t.name.substr(0, t.name.size() - anchor.size());
        container_ = prefix_;
        if (container_.size() >= 5 && container_.compare(container_.size() - 5, 5, "bert.") == 0) {
          container_.resize(container_.size() - 5);
        }
        return;
      }
    }
    std::string seen;
    size_t n = 0;
    for (const auto& t : r.tensors()) {
      if (n++ == 6) break;
      seen += (seen.empty() ? "" : ", ") + t.name;
    }
    throw ConvertError("unknown checkpoint layout: expected Hugging Face BERT names such as "
                       "bert.embeddings.word_embeddings.weight, found " +
                       std::to_string(r.tensors().size()) + " tensors like: " + seen);
  }

  // Head tensors ("classifier.weight", "cls.*") live in the container.
  bool Has(const std::string& name) const { return info_.count(container_ + name) > 0 || info_.count(name) > 0; }
  bool HasBert(const std::string& name) const { return info_.count(prefix_ + name) > 0; }
  const std::string& container() const { return container_; }

  std::vector<float> Read(const std::string& short_name, std::vector<int64_t> shape) const {
    const std::string name = info_.count(short_name) ? short_name : container_ + short_name;
    const auto it = info_.find(name);
    if (it == info_.end()) throw ConvertError("missing tensor " + name);
    if (it->second->shape != shape) {
      std::string want, got;
      for (auto d : shape) want += (want.empty() ? "" : ", ") + std::to_string(d);
      for (auto d : it->second->shape) got += (got.empty() ? "" : ", ") + std::to_string(d);
      throw ConvertError("tensor " + name + " has shape [" + got + "], the config implies [" + want + "]");
    }
    std::vector<float> v = reader_.ReadFloat32(name);
    for (size_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i])) {
        throw ConvertError("tensor " + name + " holds a non-finite value (NaN or Inf) at index " +
                           std::to_string(i));
      }
    }
    used_.insert(name);
    return v;
  }
  std::vector<float> Bert(const std::string& name, std::vector<int64_t> shape) const {
    return Read(prefix_ + name, std::move(shape));
  }
  // LayerNorm parameters are weight/bias, or gamma/beta in older checkpoints.
  NormWeights Norm(const std::string& base, bool in_bert, int64_t n) const {
    const std::string p = (in_bert ? prefix_ : "") + base;
    NormWeights w;
    const bool legacy = !Has(p + ".weight") && Has(p + ".gamma");
    w.gamma = Read(p + (legacy ? ".gamma" : ".weight"), {n});
    w.beta = Read(p + (legacy ? ".beta" : ".bias"), {n});
    return w;
  }
  LinearWeights Linear(const std::string& base, bool in_bert, int64_t out, int64_t in) const {
    const std::string p = (in_bert ? prefix_ : "") + base;
    LinearWeights l;
    l.weight.data = Read(p + ".weight", {out, in});
    l.weight.rows = static_cast<uint32_t>(out);
    l.weight.cols = static_cast<uint32_t>(in);
    l.bias = Read(p + ".bias", {out});
    return l;
  }
  std::vector<std::string> Unused() const {
    std::vector<std::string> u;
    for (const auto& [name, info] : info_) {
      if (!used_.count(name) && name.find("position_ids") == std::string::npos) u.push_back(name);
    }
    return u;
  }

 private:
  const CheckpointReader& reader_;
  const BertModel& model_;
  std::map<std::string, const TensorInfo*> info_;
  std::string prefix_;
  std::string container_;
  mutable std::set<std::string> used_;
};

Matrix AsMatrix(std::vector<float> data, uint32_t rows, uint32_t cols) {
  Matrix m;
  m.data = std::move(data);
  m.rows = rows;
  m.cols = cols;
  return m;
}

}  // namespace

void LoadHuggingFaceWeights(const CheckpointReader& reader, BertModel* m) {
  const Names n(reader, *m);
  const BertConfig& c = m->config;
  const int64_t H = c.hidden_size, I = c.intermediate_size, V = c.vocab_size;
  m->word_embeddings = AsMatrix(n.Bert("embeddings.word_embeddings.weight", {V, H}), c.vocab_size, c.hidden_size);
  m->position_embeddings = AsMatrix(n.Bert("embeddings.position_embeddings.weight", {c.max_position_embeddings, H}),
                                    c.max_position_embeddings, c.hidden_size);
  m->token_type_embeddings = AsMatrix(n.Bert("embeddings.token_type_embeddings.weight", {c.type_vocab_size, H}),
                                      c.type_vocab_size, c.hidden_size);
  m->embedding_norm = n.Norm("embeddings.LayerNorm", true, H);
  m->layers.resize(c.num_layers);
  for (uint32_t i = 0; i < c.num_layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    LayerWeights& l = m->layers[i];
    l.query = n.Linear(p + "attention.self.query", true, H, H);
    l.key = n.Linear(p + "attention.self.key", true, H, H);
    l.value = n.Linear(p + "attention.self.value", true, H, H);
    l.attention_output = n.Linear(p + "attention.output.dense", true, H, H);
    l.attention_norm = n.Norm(p + "attention.output.LayerNorm", true, H);
    l.intermediate = n.Linear(p + "intermediate.dense", true, I, H);
    l.output = n.Linear(p + "output.dense", true, H, I);
    l.output_norm = n.Norm(p + "output.LayerNorm", true, H);
  }
  m->has_pooler = n.HasBert("pooler.dense.weight");
  if (m->has_pooler) m->pooler = n.Linear("pooler.dense", true, H, H);
  if (n.Has("classifier.weight")) {
    m->has_classifier = true;
    int64_t labels = 0;
    for (const auto& t : reader.tensors()) {
      if ((t.name == "classifier.weight" || t.name == n.container() + "classifier.weight") && t.shape.size() == 2) {
        labels = t.shape[0];
      }
    }
    if (labels < 1) throw ConvertError("classifier.weight must be [num_labels, hidden]");
    m->classifier = n.Linear("classifier", false, labels, H);
    if (!m->has_pooler) throw ConvertError("classifier.weight without bert.pooler.dense: the head reads the pooled output");
    if (m->labels.empty()) {
      for (int64_t i = 0; i < labels; ++i) m->labels.push_back("LABEL_" + std::to_string(i));
    }
    if (static_cast<int64_t>(m->labels.size()) != labels) {
      throw ConvertError("config.json names " + std::to_string(m->labels.size()) +
                         " labels but classifier.weight has " + std::to_string(labels) + " rows");
    }
    if (labels == 1) m->sigmoid_scores = true;
  }
  if (n.Has("cls.predictions.transform.dense.weight")) {
    m->has_masked_lm = true;
    m->mlm_transform = n.Linear("cls.predictions.transform.dense", false, H, H);
    m->mlm_norm = n.Norm("cls.predictions.transform.LayerNorm", false, H);
    const std::string bias = n.Has("cls.predictions.bias") ? "cls.predictions.bias" : "cls.predictions.decoder.bias";
    m->mlm_bias = n.Read(bias, {V});
    if (n.Has("cls.predictions.decoder.weight")) {
      std::vector<float> d = n.Read("cls.predictions.decoder.weight", {V, H});
      m->mlm_tied = d == m->word_embeddings.data;
      if (!m->mlm_tied) m->mlm_decoder = AsMatrix(std::move(d), c.vocab_size, c.hidden_size);
    }
    if (n.Has("cls.predictions.decoder.bias") && bias != "cls.predictions.decoder.bias") {
      n.Read("cls.predictions.decoder.bias", {V});  // the same parameter, tied by HF
    }
  }
  if (n.Has("cls.seq_relationship.weight")) {
    m->has_next_sentence = true;
    m->next_sentence = n.Linear("cls.seq_relationship", false, 2, H);
  }
  for (const auto& u : n.Unused()) {
    std::fprintf(stderr, "bert-convert: warning: tensor %s is not used\n", u.c_str());
  }
}

BertModel LoadHuggingFace(const std::string& dir) {
  BertModel m;
  const std::string config = dir + "/config.json";
  if (!Exists(config)) {
    throw ConvertError(dir + ": no config.json (a HuggingFace BERT directory holds config.json, "
                       "model.safetensors or pytorch_model.bin, and vocab.txt)");
  }
  LoadConfig(config, &m);
  LoadTokenizer(dir, &m);
  std::unique_ptr<CheckpointReader> reader;
  if (Exists(dir + "/model.safetensors")) {
    reader = OpenSafetensors(dir + "/model.safetensors");
    m.source_format = "huggingface-safetensors";
  } else if (Exists(dir + "/model.safetensors.index.json")) {
    reader = OpenShardedSafetensors(dir + "/model.safetensors.index.json");
    m.source_format = "huggingface-safetensors-sharded";
  } else if (Exists(dir + "/pytorch_model.bin")) {
    reader = OpenTorch(dir + "/pytorch_model.bin");
    m.source_format = "huggingface-" + reader->format();
  } else {
    throw ConvertError(dir + ": no weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin)");
  }
  LoadHuggingFaceWeights(*reader, &m);
  m.source_files = {config, dir + "/vocab.txt"};
  for (const char* f : {"/tokenizer_config.json", "/special_tokens_map.json"}) {
    if (Exists(dir + f)) m.source_files.push_back(dir + f);
  }
  for (const auto& f : reader->files()) m.source_files.push_back(f);
  return m;
}

}  // namespace embert::convert
