// The table of task heads (format/task_heads.h) and what every head shares:
// finding it in the file, verifying all at load, planning all in a context.
#include <cmath>
#include <cstring>

#include "heads/head_unit.h"

namespace embert::heads {
namespace {

#define EMBERT_HEAD_ENTRY(name, kind) &k##name,
const HeadUnit* const kHeads[] = {EMBERT_TASK_HEADS(EMBERT_HEAD_ENTRY)};
#undef EMBERT_HEAD_ENTRY
constexpr size_t kNumHeads = sizeof kHeads / sizeof kHeads[0];
static_assert(kNumHeads == static_cast<size_t>(format::kNumTaskHeads), "one unit per line of task_heads.h");
static_assert(kNumHeads <= kMaxTaskHeads, "raise kMaxTaskHeads (context.h)");

size_t IndexOf(const HeadUnit& unit) {
  for (size_t i = 0; i < kNumHeads; ++i) {
    if (kHeads[i] == &unit) return i;
  }
  return kNumHeads;
}

}  // namespace

const schema::TaskHead* FindHead(const embert_model& model, const HeadUnit& unit) {
  const auto* heads = model.root->heads();
  if (heads == nullptr) return nullptr;
  for (const auto* h : *heads) {
    if (h != nullptr && h->kind() != nullptr && std::strcmp(h->kind()->c_str(), unit.kind) == 0) return h;
  }
  return nullptr;
}

void* HeadState(const embert_context* ctx, const HeadUnit& unit) {
  const size_t i = IndexOf(unit);
  return i < kNumHeads ? ctx->task_heads[i] : nullptr;
}

Status VerifyHeads(const embert_model& model) {
  const auto* heads = model.root->heads();
  if (heads == nullptr) return Status::Ok();
  for (const auto* h : *heads) {
    if (h == nullptr || h->kind() == nullptr) {
      return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: a task head has no kind");
    }
  }
  for (const HeadUnit* unit : kHeads) {
    size_t seen = 0;
    for (const auto* h : *heads) {
      if (std::strcmp(h->kind()->c_str(), unit->kind) != 0) continue;
      if (++seen > 1) {
        return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: two task heads of kind %s", unit->kind);
      }
      EMBERT_RETURN_IF_ERROR(unit->verify(model, *h));
    }
  }
  return Status::Ok();
}

Status BuildContextWithHeads(const embert_model& model, const ContextOptions& options, Arena& arena,
                             embert_context** out) {
  embert_context* ctx = nullptr;
  EMBERT_RETURN_IF_ERROR(BuildContext(model, options, arena, &ctx));
  if (out != nullptr) *out = ctx;
  for (size_t i = 0; i < kNumHeads; ++i) {
    const schema::TaskHead* head = FindHead(model, *kHeads[i]);
    if (head == nullptr) continue;
    void* state = nullptr;
    EMBERT_RETURN_IF_ERROR(kHeads[i]->plan(model, *head, options, ctx, arena, &state));
    if (ctx != nullptr) ctx->task_heads[i] = state;
  }
  return Status::Ok();
}

void SoftmaxRows(const float* logits, size_t rows, size_t n, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    const float* x = logits + r * n;
    float* y = out + r * n;
    float max = x[0];
    for (size_t i = 1; i < n; ++i) max = x[i] > max ? x[i] : max;
    float sum = 0.0f;
    for (size_t i = 0; i < n; ++i) {
      y[i] = std::exp(x[i] - max);
      sum += y[i];
    }
    for (size_t i = 0; i < n; ++i) y[i] /= sum;
  }
}

}  // namespace embert::heads
