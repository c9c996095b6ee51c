// A task head of Model.heads as one unit: its kind, the check of its tensors
// at load, and the planning of its operators and buffers in a context's
// arena. Each head is one file here (<kind>.cc) that defines its HeadUnit,
// its run and its C entry points; format/task_heads.h lists them.
#ifndef EMBERT_SDK_HEADS_HEAD_UNIT_H_
#define EMBERT_SDK_HEADS_HEAD_UNIT_H_

#include "context/context.h"
#include "core/status.h"
#include "format/task_heads.h"
#include "memory/arena.h"
#include "model/model.h"

namespace embert::heads {

struct HeadUnit {
  const char* kind;  // TaskHead.kind
  // Checks the head's linears and labels against the model (at load).
  Status (*verify)(const embert_model& model, const schema::TaskHead& head);
  // Plans the head's state in `arena` after the encoder's buffers. `ctx` is
  // nullptr on a measuring arena; otherwise *state is what the head's run
  // finds in HeadState().
  Status (*plan)(const embert_model& model, const schema::TaskHead& head, const ContextOptions& options,
                 embert_context* ctx, Arena& arena, void** state);
};

#define EMBERT_DECLARE_HEAD(name, kind) extern const HeadUnit k##name;
EMBERT_TASK_HEADS(EMBERT_DECLARE_HEAD)
#undef EMBERT_DECLARE_HEAD

// The head of `unit`'s kind in the model's file, or nullptr.
const schema::TaskHead* FindHead(const embert_model& model, const HeadUnit& unit);

// The state `unit`'s plan made in this context (nullptr: the file lacks it).
void* HeadState(const embert_context* ctx, const HeadUnit& unit);

// Every head of the file whose kind is known: verified (VerifyModel has
// checked the file; this checks the heads' tensors). A kind seen twice is
// invalid; an unknown kind is ignored (a newer converter's head).
Status VerifyHeads(const embert_model& model);

// BuildContext, then every head's plan in the same arena.
Status BuildContextWithHeads(const embert_model& model, const ContextOptions& options, Arena& arena,
                             embert_context** out);

// Softmax of each of `rows` rows of `n` logits (numpy's float32 arithmetic:
// subtract the row's max, exp, divide by the sum).
void SoftmaxRows(const float* logits, size_t rows, size_t n, float* out);

}  // namespace embert::heads

#endif  // EMBERT_SDK_HEADS_HEAD_UNIT_H_
