#include "import/source_layouts.h"

#include <cstdio>
#include <map>

#include "import/layout_rules.h"
#include "readers/checked_math.h"

namespace embert::convert {
namespace layout {

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

}  // namespace layout

namespace {

using layout::Plan;
using layout::Renamed;
using layout::Reshape;

// The readers checked that every shape's element count fits the file, so a
// product of some of its dimensions cannot overflow; checked anyway.
int64_t Product(const std::vector<int64_t>& shape, size_t begin, size_t end) {
  uint64_t n = 1;
  for (size_t i = begin; i < end; ++i) {
    if (shape[i] < 0 || !CheckedMul(n, static_cast<uint64_t>(shape[i]), &n) || n > (uint64_t{1} << 62)) {
      throw ConvertError("tensor shape too large");
    }
  }
  return static_cast<int64_t>(n);
}

class RenamedCheckpoint : public CheckpointReader {
 public:
  RenamedCheckpoint(std::unique_ptr<CheckpointReader> source, Plan plan)
      : source_(std::move(source)), ignored_(std::move(plan.ignored)) {
    for (const Renamed& r : plan.tensors) {
      const TensorInfo& s = *r.source;
      if (by_name_.count(r.hf_name)) {
        throw ConvertError("both " + entries_[by_name_[r.hf_name]].source_name + " and " + s.name + " would be " +
                           r.hf_name);
      }
      Entry e;
      e.source_name = s.name;
      e.reshape = r.reshape;
      TensorInfo info{r.hf_name, DType::F32, s.shape};
      if (r.reshape == Reshape::kFlatten) {
        info.shape = {Product(s.shape, 0, s.shape.size())};
      } else if (r.reshape == Reshape::kTranspose) {
        if (s.shape.size() < 2 || r.row_dims < 1 || r.row_dims >= s.shape.size()) {
          throw ConvertError("tensor " + s.name + " (" + r.hf_name + ") should be a kernel of rank 2 or more, " +
                             "has rank " + std::to_string(s.shape.size()));
        }
        e.rows = Product(s.shape, 0, r.row_dims);
        e.cols = Product(s.shape, r.row_dims, s.shape.size());
        info.shape = {e.cols, e.rows};
      }
      by_name_[r.hf_name] = entries_.size();
      entries_.push_back(e);
      infos_.push_back(info);
    }
  }

  const std::vector<TensorInfo>& tensors() const override { return infos_; }

  std::vector<float> ReadFloat32(const std::string& name) const override {
    const auto it = by_name_.find(name);
    if (it == by_name_.end()) throw ConvertError("no tensor " + name);
    const Entry& e = entries_[it->second];
    std::vector<float> v = source_->ReadFloat32(e.source_name);
    if (e.reshape != Reshape::kTranspose) return v;
    // [rows = in][cols = out] -> [out][in]
    std::vector<float> t(v.size());
    const size_t rows = static_cast<size_t>(e.rows), cols = static_cast<size_t>(e.cols);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols; ++c) t[c * rows + r] = v[r * cols + c];
    }
    return t;
  }

  std::string format() const override { return source_->format(); }
  std::vector<std::string> files() const override { return source_->files(); }
  std::vector<std::string> skipped() const override {
    std::vector<std::string> s = source_->skipped();
    s.insert(s.end(), ignored_.begin(), ignored_.end());
    return s;
  }
  std::string source_name(const std::string& name) const override {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? name : entries_[it->second].source_name;
  }

 private:
  struct Entry {
    std::string source_name;
    Reshape reshape = Reshape::kNone;
    int64_t rows = 0, cols = 0;
  };
  std::unique_ptr<CheckpointReader> source_;
  std::vector<std::string> ignored_;
  std::vector<Entry> entries_;
  std::vector<TensorInfo> infos_;
  std::map<std::string, size_t> by_name_;
};

}  // namespace

const char* LayoutName(Layout layout) {
  switch (layout) {
    case Layout::kHuggingFace: return "huggingface";
    case Layout::kGoogleTf1: return "google-tf1";
    case Layout::kTf2Objects: return "tf2-objects";
    case Layout::kMindSpore: return "mindspore";
    case Layout::kDistilBert: return "distilbert";
    case Layout::kElectra: return "electra";
  }
  return "?";
}

bool DetectFamilyLayout(const CheckpointReader& reader, Layout* layout) {
  for (const auto& t : reader.tensors()) {
    if (EndsWith(t.name, "transformer.layer.0.attention.q_lin.weight")) {
      *layout = Layout::kDistilBert;
      return true;
    }
    if (EndsWith(t.name, "electra.embeddings.word_embeddings.weight") &&
        (StartsWith(t.name, "electra.") || t.name.find(".electra.") != std::string::npos)) {
      *layout = Layout::kElectra;
      return true;
    }
  }
  return false;
}

Layout DetectLayout(const CheckpointReader& reader) {
  if (Layout family; DetectFamilyLayout(reader, &family)) return family;
  for (const auto& t : reader.tensors()) {
    if (EndsWith(t.name, "embeddings.word_embeddings.weight") && t.name.find("cls.predictions") == std::string::npos) {
      return Layout::kHuggingFace;
    }
    if (EndsWith(t.name, "bert/embeddings/word_embeddings")) return Layout::kGoogleTf1;
    if (t.name.find("_attention_layer/_query_dense/kernel/.ATTRIBUTES/VARIABLE_VALUE") != std::string::npos) {
      return Layout::kTf2Objects;
    }
    if (EndsWith(t.name, "bert_embedding_lookup.embedding_table")) return Layout::kMindSpore;
  }
  // Other families first: their names would otherwise only be "unknown".
  for (const auto& t : reader.tensors()) {
    for (const char* other : {"roberta.", "albert.", "deberta."}) {
      if (StartsWith(t.name, other) || t.name.find(std::string(".") + other) != std::string::npos) {
        throw ConvertError("unsupported architecture: tensor names start with \"" + std::string(other) + "\" (" +
                           t.name + "); bert-convert reads BERT only");
      }
    }
  }
  std::string seen;
  size_t shown = 0;
  for (const auto& t : reader.tensors()) {
    if (shown++ == 8) {
      seen += ", ...";
      break;
    }
    seen += (seen.empty() ? "" : ", ") + t.name;
  }
  throw ConvertError("unknown checkpoint layout (" + reader.format() + ", " + std::to_string(reader.tensors().size()) +
                     " tensors: " + (seen.empty() ? "none" : seen) +
                     "); expected one of: Hugging Face (bert.embeddings.word_embeddings.weight), Google TF1 "
                     "(bert/embeddings/word_embeddings), TF2 Model Garden (…/_attention_layer/_query_dense/kernel/"
                     ".ATTRIBUTES/VARIABLE_VALUE), MindSpore model zoo (bert.bert_embedding_lookup.embedding_table)");
}

std::unique_ptr<CheckpointReader> RenameToHuggingFace(std::unique_ptr<CheckpointReader> source, Layout layout,
                                                      LayoutFacts* facts) {
  if (layout == Layout::kHuggingFace) return source;
  Plan plan;
  switch (layout) {
    case Layout::kGoogleTf1: plan = layout::PlanGoogleTf1(source->tensors()); break;
    case Layout::kTf2Objects: plan = layout::PlanTf2Objects(source->tensors()); break;
    case Layout::kMindSpore: plan = layout::PlanMindSpore(source->tensors()); break;
    case Layout::kDistilBert: plan = layout::PlanDistilBert(source->tensors()); break;
    case Layout::kElectra: plan = layout::PlanElectra(source->tensors()); break;
    case Layout::kHuggingFace: break;
  }
  for (const auto& name : plan.unplaced) {
    std::fprintf(stderr, "bert-convert: warning: tensor %s is not part of a %s BERT; not used\n", name.c_str(),
                 LayoutName(layout));
  }
  if (facts) *facts = plan.facts;
  return std::make_unique<RenamedCheckpoint>(std::move(source), std::move(plan));
}

}  // namespace embert::convert
