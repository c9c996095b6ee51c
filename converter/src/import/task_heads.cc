#include "import/task_heads.h"

#include <cstring>

namespace embert::convert {
namespace {

#define EMBERT_HEAD_IMPORT_ENTRY(name, kind) &k##name,
const HeadImport* const kImports[] = {EMBERT_TASK_HEADS(EMBERT_HEAD_IMPORT_ENTRY)};
#undef EMBERT_HEAD_IMPORT_ENTRY

}  // namespace

void ImportTaskHeads(const HeadTensors& tensors, BertModel* model) {
  for (const HeadImport* h : kImports) h->import(tensors, model);
}

const TaskHeadWeights* FindTaskHead(const BertModel& model, const char* kind) {
  for (const auto& h : model.task_heads) {
    if (h.kind == kind) return &h;
  }
  return nullptr;
}

}  // namespace embert::convert
