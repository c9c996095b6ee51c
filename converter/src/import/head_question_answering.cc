// BertForQuestionAnswering: qa_outputs.weight [2, hidden] (start and end
// logits of every token). Google's run_squad checkpoints name it
// cls/squad/output_weights, which layout_tf1.cc maps to qa_outputs.
#include "import/task_heads.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

void Import(const HeadTensors& t, BertModel* m) {
  if (!t.Has("qa_outputs.weight")) return;
  if (t.Rows("qa_outputs.weight") != 2) {
    throw ConvertError("qa_outputs.weight must be [2, hidden]: a start and an end logit per token");
  }
  TaskHeadWeights h;
  h.kind = "question_answering";
  h.linears.push_back(t.Linear("qa_outputs", 2, m->config.hidden_size));
  m->task_heads.push_back(std::move(h));
}

}  // namespace

const HeadImport kQuestionAnsweringHead = {"question_answering", Import};

}  // namespace embert::convert
