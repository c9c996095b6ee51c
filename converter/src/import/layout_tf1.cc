// google-research/bert's TensorFlow 1 names: "/"-separated scopes, layer_N,
// Dense kernels [in, out], LayerNorm gamma/beta, run_classifier's bare
// output_weights [labels, hidden] (used with transpose_b, so already [out, in]).
#include <set>

#include "import/layout_rules.h"

namespace embert::convert::layout {
namespace {

bool IsOptimizerState(const std::string& name) {
  static const std::set<std::string> kCounters = {"global_step", "beta1_power", "beta2_power",
                                                  "good_steps",  "loss_scale",  "current_loss_scale"};
  if (kCounters.count(name)) return true;
  for (const char* slot : {"/adam_m", "/adam_v", "/Adam", "/Adam_1", "/Momentum", "/lamb_m", "/lamb_v"}) {
    if (EndsWith(name, slot)) return true;
  }
  return false;
}

// "bert/encoder/layer_3/output/LayerNorm/gamma" -> "bert.encoder.layer.3.output.LayerNorm.weight".
bool MapScoped(const std::string& rel, Renamed* r) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t slash = rel.find('/', start);
    parts.push_back(rel.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string& leaf = parts.back();
  if (leaf == "kernel") {
    leaf = "weight";
    r->reshape = Reshape::kTranspose;
  } else if (leaf == "gamma") {
    leaf = "weight";
  } else if (leaf == "beta") {
    leaf = "bias";
  } else if (leaf != "bias") {
    return false;
  }
  std::string out;
  for (const auto& p : parts) {
    std::string piece = p;
    if (StartsWith(p, "layer_") && p.size() > 6 && p.find_first_not_of("0123456789", 6) == std::string::npos) {
      piece = "layer." + p.substr(6);
    }
    out += (out.empty() ? "" : ".") + piece;
  }
  r->hf_name = out;
  return true;
}

}  // namespace

Plan PlanGoogleTf1(const std::vector<TensorInfo>& tensors) {
  const std::string anchor = "bert/embeddings/word_embeddings";
  std::string prefix;  // a scope above "bert/", e.g. from a model_fn wrapper
  for (const auto& t : tensors) {
    if (EndsWith(t.name, anchor)) prefix = t.name.substr(0, t.name.size() - anchor.size());
  }
  Plan plan;
  for (const auto& t : tensors) {
    if (IsOptimizerState(t.name)) {
      plan.ignored.push_back(t.name);
      continue;
    }
    if (!StartsWith(t.name, prefix)) {
      plan.unplaced.push_back(t.name);
      continue;
    }
    const std::string rel = t.name.substr(prefix.size());
    Renamed r;
    r.source = &t;
    if (rel == "bert/embeddings/word_embeddings" || rel == "bert/embeddings/position_embeddings" ||
        rel == "bert/embeddings/token_type_embeddings") {
      r.hf_name = ReplaceAll(rel, "/", ".") + ".weight";
    } else if (rel == "cls/predictions/output_bias") {
      r.hf_name = "cls.predictions.bias";
    } else if (rel == "cls/seq_relationship/output_weights") {
      r.hf_name = "cls.seq_relationship.weight";
    } else if (rel == "cls/seq_relationship/output_bias") {
      r.hf_name = "cls.seq_relationship.bias";
    } else if (rel == "cls/squad/output_weights") {  // run_squad: [2, hidden], used with transpose_b
      r.hf_name = "qa_outputs.weight";
    } else if (rel == "cls/squad/output_bias") {
      r.hf_name = "qa_outputs.bias";
    } else if (rel == "output_weights") {
      r.hf_name = "classifier.weight";
    } else if (rel == "output_bias") {
      r.hf_name = "classifier.bias";
    } else if (!((StartsWith(rel, "bert/") || StartsWith(rel, "cls/")) && MapScoped(rel, &r))) {
      plan.unplaced.push_back(t.name);
      continue;
    }
    plan.tensors.push_back(r);
  }
  return plan;
}

}  // namespace embert::convert::layout
