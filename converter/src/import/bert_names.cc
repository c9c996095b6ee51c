#include "import/bert_names.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "import/task_heads.h"

namespace embert::convert {
namespace {

class Names : public HeadTensors {
 public:
  explicit Names(const CheckpointReader& r) : reader_(r) {
    for (const auto& t : r.tensors()) info_[t.name] = &t;
    // Other BERT-like families share BERT's names under their own prefix but
    // differ in positions, token types or tokenizer: refuse them by name.
    for (const char* other : {"roberta.", "albert.", "distilbert.", "electra.", "deberta."}) {
      for (const auto& t : r.tensors()) {
        if (t.name.rfind(other, 0) == 0 || t.name.find(std::string(".") + other) != std::string::npos) {
          throw ConvertError("unsupported architecture: tensor names start with \"" + std::string(other) + "\" (" +
                             t.name + "); bert-convert reads BERT only");
        }
      }
    }
    // The BERT body's names end in "embeddings.word_embeddings.weight"
    // after a prefix ("bert.", "", or a container's such as "state_dict.bert.");
    // heads sit beside "bert." in the same container.
    const std::string anchor = "embeddings.word_embeddings.weight";
    for (const auto& t : r.tensors()) {
      if (t.name.size() >= anchor.size() && t.name.compare(t.name.size() - anchor.size(), anchor.size(), anchor) == 0 &&
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
    throw ConvertError(
        "unknown checkpoint layout: expected Hugging Face BERT names such as "
        "bert.embeddings.word_embeddings.weight, found " +
        std::to_string(r.tensors().size()) + " tensors like: " + seen);
  }

  // Head tensors ("classifier.weight", "cls.*") live in the container.
  bool Has(const std::string& name) const override {
    return info_.count(container_ + name) > 0 || info_.count(name) > 0;
  }
  int64_t Rows(const std::string& name) const override {
    auto it = info_.find(container_ + name);
    if (it == info_.end()) it = info_.find(name);
    return it != info_.end() && it->second->shape.size() == 2 ? it->second->shape[0] : -1;
  }
  LinearWeights Linear(const std::string& base, int64_t out, int64_t in) const override {
    return Linear(base, false, out, in);
  }
  bool HasBert(const std::string& name) const { return info_.count(prefix_ + name) > 0; }
  const std::string& container() const { return container_; }

  std::vector<float> Read(const std::string& short_name, std::vector<int64_t> shape) const {
    const std::string name = info_.count(short_name) ? short_name : container_ + short_name;
    const auto it = info_.find(name);
    if (it == info_.end()) throw ConvertError("missing tensor " + name);
    const std::string in_file = reader_.source_name(name);
    const std::string shown = in_file == name ? name : in_file + " (" + name + ")";
    if (it->second->shape != shape) {
      std::string want, got;
      for (auto d : shape) want += (want.empty() ? "" : ", ") + std::to_string(d);
      for (auto d : it->second->shape) got += (got.empty() ? "" : ", ") + std::to_string(d);
      throw ConvertError("tensor " + shown + " has shape [" + got + "], the config implies [" + want + "]");
    }
    std::vector<float> v = reader_.ReadFloat32(name);
    for (size_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i])) {
        throw ConvertError("tensor " + shown + " holds a non-finite value (NaN or Inf) at index " + std::to_string(i));
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
      if (!used_.count(name) && name.find("position_ids") == std::string::npos) u.push_back(reader_.source_name(name));
    }
    return u;
  }

 private:
  const CheckpointReader& reader_;
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
  const Names n(reader);
  const BertConfig& c = m->config;
  const int64_t H = c.hidden_size, I = c.intermediate_size, V = c.vocab_size;
  try {
    m->word_embeddings = AsMatrix(n.Bert("embeddings.word_embeddings.weight", {V, H}), c.vocab_size, c.hidden_size);
  } catch (const ConvertError& e) {
    // Name the config's keys: a vocab_size that disagrees with the table is
    // the usual cause.
    throw ConvertError(std::string(e.what()) + " (vocab_size " + std::to_string(V) + ", hidden_size " +
                       std::to_string(H) + ")");
  }
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
  ImportTaskHeads(n, m);
  // classifier.weight is the sequence classifier's unless a token
  // classifier took it (head_token_classification.cc).
  if (n.Has("classifier.weight") && FindTaskHead(*m, "token_classification") == nullptr) {
    m->has_classifier = true;
    int64_t labels = 0;
    for (const auto& t : reader.tensors()) {
      if ((t.name == "classifier.weight" || t.name == n.container() + "classifier.weight") && t.shape.size() == 2) {
        labels = t.shape[0];
      }
    }
    if (labels < 1) throw ConvertError("classifier.weight must be [num_labels, hidden]");
    m->classifier = n.Linear("classifier", false, labels, H);
    if (!m->has_pooler) {
      throw ConvertError("classifier.weight without bert.pooler.dense, and config.json's architectures says " +
                         m->architecture +
                         ": BertForSequenceClassification reads the pooled output (a token classifier would be "
                         "BertForTokenClassification)");
    }
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

}  // namespace embert::convert
