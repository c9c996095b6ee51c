// Extractive QA decoding: Hugging Face's QuestionAnsweringPipeline (up to
// transformers 4.52) from start/end logits to answers (issue #17; the
// semantics are in /work/notes/task-semantics.md, "Extractive QA").
//
// The context is cut into windows ([CLS] Q [SEP] C[a, a+W) [SEP]) that
// overlap by `stride` tokens (PlanWindows, WindowRange); each window's logits
// give its best spans (BestSpans); the lead maps a span to the bytes of the
// words it touches (WordStartToken, WordEndToken) and keeps a running top-k
// over the windows (MergeAnswers). Pure functions over plain arrays: no
// model, no allocation; scratch and outputs are caller memory of stated size.
//
// Scores are float32 like numpy's: softmax subtracts the row maximum, takes
// exp (std::exp in float; numpy's vectorised float32 exp may differ by an ulp)
// and divides by numpy's pairwise float32 sum; a span's score is the float32
// product p_start[s] * p_end[e].
#ifndef EMBERT_SDK_DECODE_ANSWERS_H_
#define EMBERT_SDK_DECODE_ANSWERS_H_

#include <cstddef>
#include <cstdint>

#include "core/status.h"

namespace embert::decode {

// How a context of n tokens is cut into windows. Window i covers the context
// tokens [i * step, min(i * step + window_tokens, n)).
struct WindowPlan {
  size_t context_tokens;  // n
  size_t window_tokens;   // W = max_seq_len - question_tokens - 3 ([CLS], [SEP], [SEP])
  size_t step;            // W - stride (W when there is one window: unused)
  size_t count;           // windows: 1, or 1 + ceil((n - W) / step) when n > W
};

// HF tokenizers' overflow with stride (the pipeline's doc_stride): starts 0,
// W - stride, 2 (W - stride), ..., stopping after the first window that
// reaches the end of the context. Errors (*out untouched), with the codes
// embert_answer_question states: SEQUENCE_TOO_LONG when the question leaves
// no context token in a window (W <= 0); INVALID_ARGUMENT when the context is
// empty (n == 0), or when more than one window is needed (n > W) and
// stride >= W (the windows would not advance).
Status PlanWindows(size_t context_tokens, size_t question_tokens, size_t max_seq_len, size_t stride, WindowPlan* out);

// The context tokens of window i < plan.count: [first, end).
struct ContextRange {
  size_t first;
  size_t end;
};
ContextRange WindowRange(const WindowPlan& plan, size_t i);

// The most windows PlanWindows gives for any context of 1 to
// max_context_tokens tokens with these settings (the count only grows with
// the context), so that the lead can state a bound: 0 when every such
// context is an error (W <= 0, or max_context_tokens == 0), 1 when the
// largest fits in one window or stride >= W (longer contexts are errors).
size_t MaxWindows(size_t max_context_tokens, size_t question_tokens, size_t max_seq_len, size_t stride);

// One candidate answer of a window: token indices in the window's sequence
// ([CLS] at cls_index, then the question, the context, [SEP]s), inclusive.
struct AnswerSpan {
  float score;
  uint32_t start;
  uint32_t end;
};

// Floats of scratch BestSpans needs for a window of seq_len tokens.
inline size_t BestSpansScratchFloats(size_t seq_len) { return 2 * seq_len; }

// HF's select_starts_ends + decode_spans for one window, as the spec states
// them: the top_k spans written best first to out[0..count) (count <=
// top_k), returned count.
//   logits:     seq_len rows of (start_logit, end_logit), interleaved.
//   is_context: seq_len flags, nonzero for the context tokens of the window.
//   cls_index:  the [CLS] position (0), whose logits take part in the
//               softmax but which is never an answer; >= seq_len for none.
//   scratch:    BestSpansScratchFloats(seq_len) floats (the two
//               probability rows).
//   out:        capacity top_k.
// Steps: every position that is neither context nor [CLS] gets logit
// -10000; p_start and p_end are the float32 softmax of each column over the
// whole window; p_start[CLS] = p_end[CLS] = 0. Candidates are the (s, e) with
// both context tokens and s <= e <= s + max_answer_len - 1, scored
// p_start[s] * p_end[e]. The order is score descending, ties by (s, e)
// ascending (np.argmax's first index for top_k 1). Candidates with score 0
// count (HF picks its top_k among all cells, then drops non-context ones, so
// with more top_k than positive-score candidates HF returns fewer answers;
// the spec keeps the candidates).
// Time O(seq_len * max_answer_len * log top_k); memory: out and scratch.
// Returns 0 when top_k, max_answer_len or seq_len is 0 or no token is context.
size_t BestSpans(const float* logits, size_t seq_len, const uint8_t* is_context, size_t cls_index, size_t top_k,
                 size_t max_answer_len, float* scratch, AnswerSpan* out);

// Word alignment (HF's align_to_words). Over n context tokens,
// continues_word[t] is nonzero when token t continues the word of token
// t - 1 (a WordPiece continuation "##..."; a word that became [UNK] is one
// token; punctuation and CJK characters are words of their own, so their
// tokens never continue one). These give the first and last token of the
// word containing token t < n; an answer spans the bytes
// [begin of WordStartToken(s), end of WordEndToken(e)). O(word length).
// Pass the window's slice (continues_word + range.first, n = range.end -
// range.first, t relative to range.first): HF asks the window's own encoding
// (word_to_chars), which holds only the window's tokens, so a word cut by
// the window's edge ends there; token 0 of the slice always starts a word.
size_t WordStartToken(const uint8_t* continues_word, size_t t);
size_t WordEndToken(const uint8_t* continues_word, size_t n, size_t t);

// An answer mapped to bytes of the context text, and the window it came from.
struct Answer {
  float score;
  uint32_t begin;
  uint32_t end;
  uint32_t window;
};

// A running top-k over the windows: best[0..*count) (capacity top_k, best
// first) takes in window_answers[0..n) (the next window's answers, best
// first). After feeding every window in window order, best holds what
// collecting all answers in that order, sorting them by score descending
// with a stable sort (Python's sorted) and keeping the first top_k gives:
// an answer goes after every kept answer with a score >= its own. Start with
// *count = 0. O(n * top_k).
void MergeAnswers(Answer* best, size_t* count, size_t top_k, const Answer* window_answers, size_t n);

}  // namespace embert::decode

#endif  // EMBERT_SDK_DECODE_ANSWERS_H_
