#include "decode/answers.h"

#include <cmath>

#include "decode/float32_math.h"

namespace embert::decode {
namespace {

// The order of a window's spans: score descending, ties by (start, end)
// ascending.
bool Better(const AnswerSpan& a, const AnswerSpan& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.start != b.start) return a.start < b.start;
  return a.end < b.end;
}

void Swap(AnswerSpan* a, AnswerSpan* b) {
  const AnswerSpan t = *a;
  *a = *b;
  *b = t;
}

// A heap of the k best spans so far with the worst at the root.
void SiftDown(AnswerSpan* heap, size_t n, size_t i) {
  for (;;) {
    size_t worst = i;
    const size_t left = 2 * i + 1;
    const size_t right = left + 1;
    if (left < n && Better(heap[worst], heap[left])) worst = left;
    if (right < n && Better(heap[worst], heap[right])) worst = right;
    if (worst == i) return;
    Swap(&heap[i], &heap[worst]);
    i = worst;
  }
}

void SiftUp(AnswerSpan* heap, size_t i) {
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!Better(heap[parent], heap[i])) return;
    Swap(&heap[parent], &heap[i]);
    i = parent;
  }
}

// The numpy softmax of the pipeline over one logit column (stride 2) with
// the non-context positions but [CLS] set to -10000: x - max, exp, / sum.
void MaskedSoftmax(const float* logits, size_t seq_len, const uint8_t* is_context, size_t cls_index, float* p) {
  float max = 0.0f;
  bool nan = false;
  for (size_t i = 0; i < seq_len; ++i) {
    p[i] = (is_context[i] != 0 || i == cls_index) ? logits[2 * i] : -10000.0f;
    nan = nan || std::isnan(p[i]);
    if (i == 0 || p[i] > max) max = p[i];
  }
  if (nan) max = std::nanf("");  // np.max propagates NaN
  for (size_t i = 0; i < seq_len; ++i) p[i] = std::exp(p[i] - max);
  const float sum = detail::PairwiseSum(p, seq_len, 1);
  for (size_t i = 0; i < seq_len; ++i) p[i] /= sum;
}

}  // namespace

Status PlanWindows(size_t context_tokens, size_t question_tokens, size_t max_seq_len, size_t stride, WindowPlan* out) {
  if (question_tokens >= max_seq_len || max_seq_len - question_tokens <= 3) {
    return Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG,
                         "the question (%zu tokens) leaves no room for the context in a window of %zu tokens "
                         "([CLS] question [SEP] context [SEP])",
                         question_tokens, max_seq_len);
  }
  if (context_tokens == 0) return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "the context is empty");
  const size_t w = max_seq_len - question_tokens - 3;
  if (context_tokens > w && stride >= w) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                         "the stride (%zu tokens) must be smaller than the %zu context tokens of a window when the "
                         "context (%zu tokens) needs more than one",
                         stride, w, context_tokens);
  }
  WindowPlan plan{context_tokens, w, w, 1};
  if (context_tokens > w) {
    plan.step = w - stride;
    plan.count = 1 + (context_tokens - w + plan.step - 1) / plan.step;
  }
  *out = plan;
  return Status::Ok();
}

ContextRange WindowRange(const WindowPlan& plan, size_t i) {
  const size_t first = i * plan.step;
  const size_t end =
      plan.context_tokens - first < plan.window_tokens ? plan.context_tokens : first + plan.window_tokens;
  return ContextRange{first, end};
}

size_t MaxWindows(size_t max_context_tokens, size_t question_tokens, size_t max_seq_len, size_t stride) {
  if (max_context_tokens == 0 || question_tokens >= max_seq_len || max_seq_len - question_tokens <= 3) return 0;
  const size_t w = max_seq_len - question_tokens - 3;
  if (max_context_tokens <= w || stride >= w) return 1;
  WindowPlan plan{};
  if (!PlanWindows(max_context_tokens, question_tokens, max_seq_len, stride, &plan).ok()) return 0;
  return plan.count;
}

size_t BestSpans(const float* logits, size_t seq_len, const uint8_t* is_context, size_t cls_index, size_t top_k,
                 size_t max_answer_len, float* scratch, AnswerSpan* out) {
  if (top_k == 0 || max_answer_len == 0 || seq_len == 0) return 0;
  float* p_start = scratch;
  float* p_end = scratch + seq_len;
  MaskedSoftmax(logits, seq_len, is_context, cls_index, p_start);
  MaskedSoftmax(logits + 1, seq_len, is_context, cls_index, p_end);
  if (cls_index < seq_len) p_start[cls_index] = p_end[cls_index] = 0.0f;

  // Candidates come in (s, e) order, so one that only ties the worst kept
  // span ranks after it and is not taken.
  size_t count = 0;
  for (size_t s = 0; s < seq_len; ++s) {
    if (is_context[s] == 0) continue;
    const size_t last = seq_len - s > max_answer_len ? s + max_answer_len - 1 : seq_len - 1;
    for (size_t e = s; e <= last; ++e) {
      if (is_context[e] == 0) continue;
      const AnswerSpan c{p_start[s] * p_end[e], static_cast<uint32_t>(s), static_cast<uint32_t>(e)};
      if (count < top_k) {
        out[count] = c;
        SiftUp(out, count++);
      } else if (Better(c, out[0])) {
        out[0] = c;
        SiftDown(out, count, 0);
      }
    }
  }
  // Heap sort: the worst goes to the back, leaving the best first.
  for (size_t i = count; i > 1; --i) {
    Swap(&out[0], &out[i - 1]);
    SiftDown(out, i - 1, 0);
  }
  return count;
}

size_t WordStartToken(const uint8_t* continues_word, size_t t) {
  while (t > 0 && continues_word[t] != 0) --t;
  return t;
}

size_t WordEndToken(const uint8_t* continues_word, size_t n, size_t t) {
  while (t + 1 < n && continues_word[t + 1] != 0) ++t;
  return t;
}

void MergeAnswers(Answer* best, size_t* count, size_t top_k, const Answer* window_answers, size_t n) {
  size_t kept = *count < top_k ? *count : top_k;
  for (size_t i = 0; i < n; ++i) {
    const Answer& a = window_answers[i];
    size_t pos = kept;
    while (pos > 0 && best[pos - 1].score < a.score) --pos;
    if (pos >= top_k) continue;
    const size_t moved_end = kept < top_k ? kept : top_k - 1;  // the last one falls off when full
    for (size_t j = moved_end; j > pos; --j) best[j] = best[j - 1];
    best[pos] = a;
    if (kept < top_k) ++kept;
  }
  *count = kept;
}

}  // namespace embert::decode
