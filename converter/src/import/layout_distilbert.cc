// DistilBERT's and ELECTRA's Hugging Face names, presented as BERT's.
//
// DistilBERT (DistilBertModel / ...For{SequenceClassification,
// TokenClassification,QuestionAnswering,MaskedLM}):
//   distilbert.embeddings.{word,position}_embeddings, .LayerNorm  -> bert.embeddings.*  (no token types)
//   distilbert.transformer.layer.N.attention.{q,k,v}_lin         ->
//   bert.encoder.layer.N.attention.self.{query,key,value}
//   ... .attention.out_lin / .sa_layer_norm                     -> .attention.output.dense /
//   .attention.output.LayerNorm
//   ... .ffn.lin1 / .ffn.lin2 / .output_layer_norm              -> .intermediate.dense / .output.dense /
//   .output.LayerNorm pre_classifier + classifier (sequence classification)       -> classifier.dense +
//   classifier.out_proj classifier alone (token classification), qa_outputs         -> unchanged vocab_transform /
//   vocab_layer_norm                          -> cls.predictions.transform.dense / .LayerNorm vocab_projector.weight /
//   .bias                              -> cls.predictions.decoder.weight / cls.predictions.bias
// ELECTRA (discriminator: ElectraModel / ...For{SequenceClassification,
// TokenClassification,QuestionAnswering}):
//   electra.*  (BERT's names, and embeddings_project)           -> bert.*
//   classifier.dense / classifier.out_proj, classifier, qa_outputs -> unchanged
// Anything else keeps its name, and the loader reports it unused.
#include "import/layout_rules.h"

namespace embert::convert::layout {
namespace {

// The body's prefix: what comes before "embeddings.word_embeddings.weight".
std::string BodyPrefix(const std::vector<TensorInfo>& tensors) {
  const std::string anchor = "embeddings.word_embeddings.weight";
  for (const auto& t : tensors) {
    if (EndsWith(t.name, anchor)) return t.name.substr(0, t.name.size() - anchor.size());
  }
  return "";
}

bool Has(const std::vector<TensorInfo>& tensors, const std::string& name) {
  for (const auto& t : tensors) {
    if (t.name == name) return true;
  }
  return false;
}

std::string DistilBodyName(const std::string& rel) {
  static const std::pair<const char*, const char*> kRules[] = {
      {".attention.q_lin.", ".attention.self.query."},
      {".attention.k_lin.", ".attention.self.key."},
      {".attention.v_lin.", ".attention.self.value."},
      {".attention.out_lin.", ".attention.output.dense."},
      {".sa_layer_norm.", ".attention.output.LayerNorm."},
      {".ffn.lin1.", ".intermediate.dense."},
      {".ffn.lin2.", ".output.dense."},
      {".output_layer_norm.", ".output.LayerNorm."},
  };
  if (!StartsWith(rel, "transformer.layer.")) return "bert." + rel;
  std::string out = "bert.encoder.layer." + rel.substr(18);
  for (const auto& [from, to] : kRules) {
    if (out.find(from) != std::string::npos) return ReplaceAll(out, from, to);
  }
  return out;
}

}  // namespace

Plan PlanDistilBert(const std::vector<TensorInfo>& tensors) {
  const std::string prefix = BodyPrefix(tensors);
  // classifier is the sequence classifier's output layer after
  // pre_classifier, else a token classifier.
  const bool sequence = Has(tensors, "pre_classifier.weight");
  Plan plan;
  for (const auto& t : tensors) {
    Renamed r;
    r.source = &t;
    const std::string& n = t.name;
    if (!prefix.empty() && StartsWith(n, prefix)) {
      r.hf_name = DistilBodyName(n.substr(prefix.size()));
    } else if (prefix.empty() && (StartsWith(n, "embeddings.") || StartsWith(n, "transformer."))) {
      r.hf_name = DistilBodyName(n);
    } else if (StartsWith(n, "pre_classifier.")) {
      r.hf_name = "classifier.dense." + n.substr(15);
    } else if (sequence && StartsWith(n, "classifier.")) {
      r.hf_name = "classifier.out_proj." + n.substr(11);
    } else if (StartsWith(n, "vocab_transform.")) {
      r.hf_name = "cls.predictions.transform.dense." + n.substr(16);
    } else if (StartsWith(n, "vocab_layer_norm.")) {
      r.hf_name = "cls.predictions.transform.LayerNorm." + n.substr(17);
    } else if (n == "vocab_projector.weight") {
      r.hf_name = "cls.predictions.decoder.weight";
    } else if (n == "vocab_projector.bias") {
      r.hf_name = "cls.predictions.bias";
    } else {
      r.hf_name = n;
    }
    plan.tensors.push_back(r);
  }
  return plan;
}

Plan PlanElectra(const std::vector<TensorInfo>& tensors) {
  const std::string prefix = BodyPrefix(tensors);
  Plan plan;
  for (const auto& t : tensors) {
    Renamed r;
    r.source = &t;
    r.hf_name = StartsWith(t.name, prefix) ? "bert." + t.name.substr(prefix.size()) : t.name;
    plan.tensors.push_back(r);
  }
  return plan;
}

}  // namespace embert::convert::layout
