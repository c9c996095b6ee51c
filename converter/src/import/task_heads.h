// The converter's side of the task heads of Model.heads: one import per head
// (head_<kind>.cc) that finds its tensors under Hugging Face's names (the
// TF and MindSpore layouts map theirs to those names first) and fills a
// TaskHeadWeights. format/task_heads.h lists the heads for both sides.
#ifndef EMBERT_CONVERTER_IMPORT_TASK_HEADS_H_
#define EMBERT_CONVERTER_IMPORT_TASK_HEADS_H_

#include <cstdint>
#include <string>

#include "format/task_heads.h"
#include "import/bert_model.h"

namespace embert::convert {

// The checkpoint's tensors as a head sees them (Hugging Face names; heads
// live beside "bert." in the checkpoint's container).
class HeadTensors {
 public:
  virtual ~HeadTensors() = default;
  virtual bool Has(const std::string& name) const = 0;
  // Rows of a 2-D tensor, or -1 when it is absent or not 2-D.
  virtual int64_t Rows(const std::string& name) const = 0;
  // base.weight [out, in] and base.bias [out], checked and marked used.
  virtual LinearWeights Linear(const std::string& base, int64_t out, int64_t in) const = 0;
};

struct HeadImport {
  const char* kind;  // TaskHead.kind, as in format/task_heads.h
  // Adds the head to `model->task_heads` when the checkpoint has it; throws
  // ConvertError when it has it in a form that cannot be right.
  void (*import)(const HeadTensors& tensors, BertModel* model);
};

#define EMBERT_DECLARE_HEAD_IMPORT(name, kind) extern const HeadImport k##name;
EMBERT_TASK_HEADS(EMBERT_DECLARE_HEAD_IMPORT)
#undef EMBERT_DECLARE_HEAD_IMPORT

// Runs every head's import, in format/task_heads.h's order.
void ImportTaskHeads(const HeadTensors& tensors, BertModel* model);

// The head of `kind` in the model, or nullptr.
const TaskHeadWeights* FindTaskHead(const BertModel& model, const char* kind);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_TASK_HEADS_H_
