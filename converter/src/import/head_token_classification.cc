// BertForTokenClassification: classifier.weight [num_labels, hidden] on every
// token, no pooler (Hugging Face builds that class without one). The name
// classifier.weight is shared with BertForSequenceClassification, which
// reads the pooled output: config.json's architectures decides, and when it
// names none, the pooler's absence does (printed, since it is inferred).
#include <cstdio>

#include "import/task_heads.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

bool IsTokenClassifier(const HeadTensors& t, const BertModel& m) {
  if (!t.Has("classifier.weight")) return false;
  // BertForTokenClassification, DistilBertFor..., ElectraFor...
  const std::string kind = "ForTokenClassification";
  if (m.architecture.size() > kind.size() &&
      m.architecture.compare(m.architecture.size() - kind.size(), kind.size(), kind) == 0) {
    return true;
  }
  if (!m.architecture.empty()) return false;
  if (m.has_pooler) return false;  // the sequence classifier's input
  std::fprintf(stderr,
               "bert-convert: note: config.json names no architecture and the checkpoint has classifier.weight "
               "without a pooler: read as BertForTokenClassification (a label per token)\n");
  return true;
}

void Import(const HeadTensors& t, BertModel* m) {
  if (!IsTokenClassifier(t, *m)) return;
  const int64_t labels = t.Rows("classifier.weight");
  if (labels < 1) throw ConvertError("classifier.weight must be [num_labels, hidden]");
  TaskHeadWeights h;
  h.kind = "token_classification";
  h.linears.push_back(t.Linear("classifier", labels, m->config.hidden_size));
  h.labels = m->labels;
  if (h.labels.empty()) {
    for (int64_t i = 0; i < labels; ++i) h.labels.push_back("LABEL_" + std::to_string(i));
  }
  if (static_cast<int64_t>(h.labels.size()) != labels) {
    throw ConvertError("config.json names " + std::to_string(h.labels.size()) + " labels but classifier.weight has " +
                       std::to_string(labels) + " rows");
  }
  m->task_heads.push_back(std::move(h));
}

}  // namespace

const HeadImport kTokenClassificationHead = {"token_classification", Import};

}  // namespace embert::convert
