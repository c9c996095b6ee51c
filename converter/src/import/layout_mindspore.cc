// The MindSpore model zoo's BERT (models/official/nlp/Bert): BertModel's
// parameters under "<P>bert_embedding_lookup", "<P>bert_embedding_postprocessor",
// "<P>bert_encoder.layers.N", "<P>dense" (the pooler), where P is the path of
// the BertModel cell ("bert.bert." inside BertCLS or BertNetworkWithLoss);
// the heads sit beside it: "dense_1" (BertCLSModel's classifier), "dense1"
// (BertSquadModel's span head, Dense(hidden, 2) on every token: qa_outputs),
// "cls1" (masked LM: dense, layernorm, output_bias; the decoder is the tied
// word table) and "cls2" (next sentence). nn.Dense weights are [out, in], as
// in PyTorch; LayerNorm parameters are gamma/beta. BertNERModel's tagger is
// also named "dense_1" (on every token, beside an unused pooler), so a NER
// checkpoint cannot be told from a classifier by its names: not read as one.
#include <map>

#include "import/layout_rules.h"

namespace embert::convert::layout {
namespace {

bool IsOptimizerState(const std::string& name) {
  for (const char* p : {"moment1.", "moment2.", "adam_m.", "adam_v.", "accu_grads.", "accumulation.", "momentum."}) {
    if (StartsWith(name, p)) return true;
  }
  // Step counters, learning rate, loss scale: scalars with a bare name.
  return name.find('.') == std::string::npos;
}

std::string Leaf(const std::string& name) {
  if (EndsWith(name, ".gamma")) return "weight";
  if (EndsWith(name, ".beta")) return "bias";
  if (EndsWith(name, ".weight")) return "weight";
  if (EndsWith(name, ".bias")) return "bias";
  return "";
}

// A layer's parameter, relative to "bert_encoder.layers.N.".
bool MapLayer(const std::string& rel, std::string* hf) {
  static const std::map<std::string, std::string> kScopes = {
      {"attention.attention.query_layer.", "attention.self.query."},
      {"attention.attention.key_layer.", "attention.self.key."},
      {"attention.attention.value_layer.", "attention.self.value."},
      {"attention.output.dense.", "attention.output.dense."},
      {"attention.output.layernorm.", "attention.output.LayerNorm."},
      {"intermediate.", "intermediate.dense."},
      {"output.dense.", "output.dense."},
      {"output.layernorm.", "output.LayerNorm."}};
  for (const auto& [scope, name] : kScopes) {
    if (StartsWith(rel, scope) && rel.find('.', scope.size()) == std::string::npos) {
      const std::string leaf = Leaf(rel);
      if (leaf.empty()) return false;
      *hf = name + leaf;
      return true;
    }
  }
  return false;
}

}  // namespace

Plan PlanMindSpore(const std::vector<TensorInfo>& tensors) {
  const std::string anchor = "bert_embedding_lookup.embedding_table";
  std::string body;  // P
  for (const auto& t : tensors) {
    // Not the optimizer's copies ("moment1.bert.bert.bert_embedding_lookup...").
    if (EndsWith(t.name, anchor) && !IsOptimizerState(t.name)) {
      body = t.name.substr(0, t.name.size() - anchor.size());
    }
  }
  // The heads are siblings of the BertModel cell.
  std::string heads = body;
  if (EndsWith(heads, "bert.")) heads.resize(heads.size() - 5);
  static const std::map<std::string, std::string> kBody = {
      {"bert_embedding_lookup.embedding_table", "bert.embeddings.word_embeddings.weight"},
      {"bert_embedding_postprocessor.full_position_embedding.embedding_table",
       "bert.embeddings.position_embeddings.weight"},
      {"bert_embedding_postprocessor.full_position_embeddings", "bert.embeddings.position_embeddings.weight"},
      {"bert_embedding_postprocessor.token_type_embedding.embedding_table",
       "bert.embeddings.token_type_embeddings.weight"},
      {"bert_embedding_postprocessor.embedding_table", "bert.embeddings.token_type_embeddings.weight"},
      {"bert_embedding_postprocessor.layernorm.gamma", "bert.embeddings.LayerNorm.weight"},
      {"bert_embedding_postprocessor.layernorm.beta", "bert.embeddings.LayerNorm.bias"},
      {"dense.weight", "bert.pooler.dense.weight"},
      {"dense.bias", "bert.pooler.dense.bias"}};
  static const std::map<std::string, std::string> kHeads = {
      {"dense_1.weight", "classifier.weight"},
      {"dense_1.bias", "classifier.bias"},
      {"dense1.weight", "qa_outputs.weight"},
      {"dense1.bias", "qa_outputs.bias"},
      {"cls1.dense.weight", "cls.predictions.transform.dense.weight"},
      {"cls1.dense.bias", "cls.predictions.transform.dense.bias"},
      {"cls1.layernorm.gamma", "cls.predictions.transform.LayerNorm.weight"},
      {"cls1.layernorm.beta", "cls.predictions.transform.LayerNorm.bias"},
      {"cls1.output_bias", "cls.predictions.bias"},
      {"cls2.dense.weight", "cls.seq_relationship.weight"},
      {"cls2.dense.bias", "cls.seq_relationship.bias"}};
  Plan plan;
  for (const auto& t : tensors) {
    if (IsOptimizerState(t.name)) {
      plan.ignored.push_back(t.name);
      continue;
    }
    Renamed r;
    r.source = &t;
    if (StartsWith(t.name, body)) {
      const std::string rel = t.name.substr(body.size());
      if (const auto it = kBody.find(rel); it != kBody.end()) {
        r.hf_name = it->second;
      } else if (StartsWith(rel, "bert_encoder.layers.")) {
        const size_t dot = rel.find('.', 20);
        const std::string n = rel.substr(20, dot == std::string::npos ? std::string::npos : dot - 20);
        std::string hf;
        if (dot != std::string::npos && !n.empty() && n.find_first_not_of("0123456789") == std::string::npos &&
            MapLayer(rel.substr(dot + 1), &hf)) {
          r.hf_name = "bert.encoder.layer." + n + "." + hf;
        }
      }
    }
    if (r.hf_name.empty() && StartsWith(t.name, heads)) {
      if (const auto it = kHeads.find(t.name.substr(heads.size())); it != kHeads.end()) r.hf_name = it->second;
    }
    if (r.hf_name.empty()) {
      plan.unplaced.push_back(t.name);
    } else {
      plan.tensors.push_back(r);
    }
  }
  return plan;
}

}  // namespace embert::convert::layout
