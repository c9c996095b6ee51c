// TF2 object-based checkpoints (tf.train.Checkpoint, Keras save_weights, the
// variables of a TF Hub SavedModel) of TF Model Garden's BertEncoder. Keys are
// object-graph paths ending in "/.ATTRIBUTES/VARIABLE_VALUE". Two encoder
// shapes exist: the functional BertEncoder, whose sublayers are numbered
// "layer_with_weights-K" in model order (word, position and type embeddings,
// embedding LayerNorm, the transformer layers, the pooler), and
// BertEncoderV2, whose sublayers are named attributes ("_embedding_layer",
// "_transformer_layers/N", "_pooler_layer"). Attention projections are
// EinsumDense: Q/K/V kernels [hidden, heads, head_dim], biases [heads,
// head_dim], the output kernel [heads, head_dim, hidden]. A Keras Dense on
// top of the encoder (a kernel [hidden, labels] outside it) is the classifier.
#include <algorithm>
#include <cstdlib>
#include <map>

#include "import/layout_rules.h"
#include "readers/convert_error.h"

namespace embert::convert::layout {
namespace {

const std::string kSuffix = "/.ATTRIBUTES/VARIABLE_VALUE";
const std::string kQueryKernel = "_attention_layer/_query_dense/kernel";

bool IsOptimizerState(const std::string& key) {
  return key.find("/.OPTIMIZER_SLOT/") != std::string::npos || StartsWith(key, "optimizer/") ||
         StartsWith(key, "save_counter/") || StartsWith(key, "keras_api/") || StartsWith(key, "global_step/");
}

// "…/layer_with_weights-7" or "…/_transformer_layers/7": the number, or -1.
long NumberedComponent(const std::string& path_with_slash, std::string* parent) {
  std::string p = path_with_slash;
  if (p.empty() || p.back() != '/') return -1;
  p.pop_back();
  const size_t slash = p.rfind('/');
  const std::string last = slash == std::string::npos ? p : p.substr(slash + 1);
  const std::string before = slash == std::string::npos ? "" : p.substr(0, slash + 1);
  auto number = [](const std::string& s) -> long {
    if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::strtol(s.c_str(), nullptr, 10);
  };
  if (StartsWith(last, "layer_with_weights-")) {
    *parent = before;
    return number(last.substr(19));
  }
  for (const char* list : {"_transformer_layers/", "transformer_layers/"}) {
    if (EndsWith(before, list)) {
      *parent = before.substr(0, before.size() - std::string(list).size());
      return number(last);
    }
  }
  return -1;
}

// One transformer block's variable, relative to the block.
bool MapBlock(const std::string& rel, const TensorInfo& t, const std::string& hf, Renamed* r) {
  static const std::map<std::string, std::string> kDense = {
      {"_attention_layer/_query_dense/", "attention.self.query."},
      {"_attention_layer/_key_dense/", "attention.self.key."},
      {"_attention_layer/_value_dense/", "attention.self.value."},
      {"_attention_layer/_output_dense/", "attention.output.dense."},
      {"_attention_output_dense/", "attention.output.dense."},
      {"_intermediate_dense/", "intermediate.dense."},
      {"_output_dense/", "output.dense."}};
  static const std::map<std::string, std::string> kNorm = {{"_attention_layer_norm/", "attention.output.LayerNorm."},
                                                           {"_output_layer_norm/", "output.LayerNorm."}};
  r->source = &t;
  for (const auto& [scope, name] : kDense) {
    if (rel == scope + "kernel") {
      r->hf_name = hf + name + "weight";
      r->reshape = Reshape::kTranspose;
      // Q/K/V: [hidden | heads, head_dim]; outputs: [heads, head_dim | hidden] and [inter | hidden].
      const bool input_first = name.rfind("attention.self.", 0) == 0 || name == "intermediate.dense.";
      r->row_dims = input_first ? 1 : (t.shape.empty() ? 1 : t.shape.size() - 1);
      return true;
    }
    if (rel == scope + "bias") {
      r->hf_name = hf + name + "bias";
      r->reshape = Reshape::kFlatten;
      return true;
    }
  }
  for (const auto& [scope, name] : kNorm) {
    if (rel == scope + "gamma") r->hf_name = hf + name + "weight";
    if (rel == scope + "beta") r->hf_name = hf + name + "bias";
    if (!r->hf_name.empty()) return true;
  }
  return false;
}

}  // namespace

Plan PlanTf2Objects(const std::vector<TensorInfo>& tensors) {
  Plan plan;
  struct Var {
    std::string key;  // without the suffix
    const TensorInfo* info;
  };
  std::vector<Var> vars;
  for (const auto& t : tensors) {
    if (IsOptimizerState(t.name)) {
      plan.ignored.push_back(t.name);
    } else if (EndsWith(t.name, kSuffix)) {
      vars.push_back({t.name.substr(0, t.name.size() - kSuffix.size()), &t});
    } else {
      plan.unplaced.push_back(t.name);
    }
  }
  // The transformer blocks, found by their query kernels.
  std::string encoder;
  bool have_encoder = false;
  std::map<long, std::string> blocks;  // number -> block path ("…/layer_with_weights-4/")
  for (const auto& v : vars) {
    if (!EndsWith(v.key, kQueryKernel)) continue;
    const std::string block = v.key.substr(0, v.key.size() - kQueryKernel.size());
    std::string parent;
    const long k = NumberedComponent(block, &parent);
    if (k < 0) {
      throw ConvertError("unknown TF2 layout: transformer block \"" + block +
                         "\" is neither \"layer_with_weights-K/\" nor \"_transformer_layers/K/\"");
    }
    if (have_encoder && parent != encoder) {
      throw ConvertError("TF2 checkpoint holds more than one BERT encoder (\"" + encoder + "\" and \"" + parent +
                         "\"); bert-convert reads one");
    }
    encoder = parent;
    have_encoder = true;
    if (v.info->shape.size() == 3) plan.facts.num_heads = static_cast<int>(v.info->shape[1]);
    blocks[k] = block;
  }
  std::map<std::string, int> layer_of;  // block path -> layer index
  for (const auto& [k, block] : blocks) layer_of[block] = static_cast<int>(layer_of.size());
  const long first_block = blocks.empty() ? 0 : blocks.begin()->first;
  const long last_block = blocks.empty() ? 0 : blocks.rbegin()->first;

  std::map<long, std::vector<const Var*>> numbered;        // functional encoder: non-block sublayers
  std::map<std::string, std::vector<const Var*>> outside;  // parent path -> variables, outside the encoder
  for (const auto& v : vars) {
    Renamed r;
    if (!StartsWith(v.key, encoder)) {
      const size_t slash = v.key.rfind('/');
      outside[slash == std::string::npos ? "" : v.key.substr(0, slash + 1)].push_back(&v);
      continue;
    }
    const std::string rel = v.key.substr(encoder.size());
    bool placed = false;
    for (const auto& [block, layer] : layer_of) {
      if (StartsWith(v.key, block)) {
        placed = MapBlock(v.key.substr(block.size()), *v.info, "bert.encoder.layer." + std::to_string(layer) + ".", &r);
        break;
      }
    }
    if (!placed) {
      static const std::map<std::string, std::string> kNamed = {
          {"_embedding_layer/embeddings", "bert.embeddings.word_embeddings.weight"},
          {"_position_embedding_layer/embeddings", "bert.embeddings.position_embeddings.weight"},
          {"_type_embedding_layer/embeddings", "bert.embeddings.token_type_embeddings.weight"},
          {"_embedding_norm_layer/gamma", "bert.embeddings.LayerNorm.weight"},
          {"_embedding_norm_layer/beta", "bert.embeddings.LayerNorm.bias"},
          {"_pooler_layer/kernel", "bert.pooler.dense.weight"},
          {"_pooler_layer/bias", "bert.pooler.dense.bias"}};
      if (const auto it = kNamed.find(rel); it != kNamed.end()) {
        r.source = v.info;
        r.hf_name = it->second;
        if (EndsWith(rel, "/kernel")) r.reshape = Reshape::kTranspose;
        placed = true;
      } else if (StartsWith(rel, "layer_with_weights-") && rel.find('/') != std::string::npos) {
        std::string parent;
        const long k = NumberedComponent(rel.substr(0, rel.find('/') + 1), &parent);
        if (k >= 0 && rel.find('/') == rel.rfind('/')) {
          numbered[k].push_back(&v);
          continue;
        }
      }
    }
    if (placed) {
      plan.tensors.push_back(r);
    } else {
      plan.unplaced.push_back(v.info->name);
    }
  }
  // Functional encoder: embeddings in model order, the LayerNorm before the
  // blocks, the pooler after them.
  std::vector<const Var*> embeddings;
  for (const auto& [k, list] : numbered) {
    for (const Var* v : list) {
      const std::string leaf = v->key.substr(v->key.rfind('/') + 1);
      Renamed r;
      r.source = v->info;
      if (leaf == "embeddings" && k < first_block) {
        embeddings.push_back(v);
        continue;
      }
      if (k < first_block && (leaf == "gamma" || leaf == "beta")) {
        r.hf_name = std::string("bert.embeddings.LayerNorm.") + (leaf == "gamma" ? "weight" : "bias");
      } else if (k > last_block && (leaf == "kernel" || leaf == "bias")) {
        r.hf_name = "bert.pooler.dense." + std::string(leaf == "kernel" ? "weight" : "bias");
        if (leaf == "kernel") r.reshape = Reshape::kTranspose;
      } else {
        plan.unplaced.push_back(v->info->name);
        continue;
      }
      plan.tensors.push_back(r);
    }
  }
  if (!embeddings.empty()) {
    if (embeddings.size() != 3) {
      throw ConvertError(
          "TF2 BertEncoder: expected 3 embedding tables before the transformer layers (word, "
          "position, token type), found " +
          std::to_string(embeddings.size()));
    }
    const char* kNames[3] = {"bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
                             "bert.embeddings.token_type_embeddings.weight"};
    for (int i = 0; i < 3; ++i) {
      Renamed r;
      r.source = embeddings[i]->info;
      r.hf_name = kNames[i];
      plan.tensors.push_back(r);
    }
  }
  // A Keras Dense head: a kernel [hidden, labels] and its bias outside the encoder.
  std::vector<std::string> heads;
  for (const auto& [parent, list] : outside) {
    const Var* kernel = nullptr;
    const Var* bias = nullptr;
    for (const Var* v : list) {
      if (v->key == parent + "kernel" && v->info->shape.size() == 2) kernel = v;
      if (v->key == parent + "bias" && v->info->shape.size() == 1) bias = v;
    }
    if (kernel && bias) {
      heads.push_back(parent);
      Renamed w, b;
      w.source = kernel->info;
      w.hf_name = "classifier.weight";
      w.reshape = Reshape::kTranspose;
      b.source = bias->info;
      b.hf_name = "classifier.bias";
      plan.tensors.push_back(w);
      plan.tensors.push_back(b);
    }
    for (const Var* v : list) {
      if (v != kernel && v != bias) plan.unplaced.push_back(v->info->name);
    }
  }
  if (heads.size() > 1) {
    std::string list;
    for (const auto& h : heads) list += (list.empty() ? "" : ", ") + h;
    throw ConvertError("TF2 checkpoint has " + std::to_string(heads.size()) + " Dense layers outside the encoder (" +
                       list + "); bert-convert reads one classification head on the pooled output");
  }
  return plan;
}

}  // namespace embert::convert::layout
