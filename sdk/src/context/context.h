// The state of one context. It lives at the start of the caller's arena,
// followed by every buffer it plans; nothing of it is on the heap except the
// optional thread pool.
#ifndef EMBERT_SDK_CONTEXT_CONTEXT_H_
#define EMBERT_SDK_CONTEXT_CONTEXT_H_

#include <pthreadpool.h>

#include <cstddef>
#include <cstdint>

#include "backend/linear.h"
#include "core/status.h"
#include "embert/embert_experimental.h"
#include "memory/arena.h"
#include "model/model.h"
#include "tokenizer/tokenizer.h"

namespace embert {

struct ContextOptions {
  uint32_t max_seq_len = 0;  // resolved: never 0
  uint32_t threads = 1;
  embert_engine engine = EMBERT_ENGINE_AUTO;
  embert_overflow overflow = EMBERT_OVERFLOW_TRUNCATE;
  embert_invalid_utf8 invalid_utf8 = EMBERT_INVALID_UTF8_ERROR;
  uint32_t max_document_tokens = 0;  // resolved: 4 x max_seq_len when the caller gave 0
  uint32_t max_batch_tokens = 0;     // resolved: tokens one run holds, >= max_seq_len
};

// The most inputs one packed run holds (each has [CLS] and [SEP]).
inline size_t MaxBatchInputs(const ContextOptions& o) {
  return o.max_batch_tokens / 2 > 1 ? o.max_batch_tokens / 2 : 1;
}

// Reads the caller's options (which may be shorter than ours: struct_size).
Status ResolveOptions(const embert_model& model, const embert_context_options* in, ContextOptions* out);

struct LayerOps {
  LinearOp query, key, value, attention_output, intermediate, output;
  LayerNormView attention_norm, output_norm;
};

// The largest top_k of embert_fill_mask (bounds its result buffers).
constexpr size_t kMaxTopK = 64;

// Slots for the task heads of sdk/src/heads (format/task_heads.h; the head
// table checks that its heads fit).
constexpr size_t kMaxTaskHeads = 8;

// Planning steps shared with the task heads, which plan their buffers in the
// same arena after BuildContext: each returns ARENA_TOO_SMALL once the arena
// overflowed, and on a measuring arena only counts.
Status TooSmall();
template <typename T>
Status PlanArray(Arena& arena, size_t count, T** out) {
  *out = arena.AllocateArray<T>(count);
  return arena.overflowed() ? TooSmall() : Status::Ok();
}
// Prepares `op` (nullptr or a throwaway when measuring) for weights `w`.
Status PrepareLinear(LinearOp* op, const LinearView& w, const LinearEngine& engine, size_t out_stride, Arena& arena);

}  // namespace embert

struct embert_context {
  const embert_model* model = nullptr;
  embert::ContextOptions options;
  pthreadpool_t pool = nullptr;
  embert::LinearEngine engine;
  embert::LinearEngine head_engine;  // reference kernels: heads read weights in place

  // Tokenizer and the current input.
  embert::tok::Tokenizer tokenizer;
  void* tokenizer_scratch = nullptr;
  size_t tokenizer_scratch_size = 0;
  int32_t* input_ids = nullptr;
  int32_t* token_type_ids = nullptr;
  int32_t* attention_mask = nullptr;
  embert_token_span* spans = nullptr;
  // Code points of each token's source text (0 for special tokens): Hugging
  // Face's token-classification pipeline compares it with the vocabulary
  // entry's length to tell sub-words (heads/token_classification.cc).
  uint32_t* source_chars = nullptr;
  size_t count = 0;
  size_t truncated = 0;
  // Packed inputs: input i is tokens [input_offsets[i], input_offsets[i+1]);
  // one input of `count` tokens unless a batch call packed more.
  size_t num_inputs = 0;
  size_t* input_offsets = nullptr;  // [MaxBatchInputs + 1]
  bool has_input = false;
  bool text_input = false;  // the input came from embert_tokenize of one text
  bool masked = false;      // some attention_mask entry is 0
  bool encoded = false;     // hidden holds the encoder output of the input
  // embert_experimental_set_observer: sees the encoder's activations (tools).
  embert_observer observer = nullptr;
  void* observer_user = nullptr;

  // Encoder.
  embert::EmbeddingsView embeddings;
  embert::LayerOps* layers = nullptr;
  float* hidden = nullptr;    // [S][H]
  float* wide = nullptr;      // [S][max(3H, I)]: Q|K|V, then the FFN intermediate
  float* attended = nullptr;  // [S][H]
  float* branch = nullptr;    // [S][H]: a sub-layer's output before the residual add
  float* scores = nullptr;    // [threads][S][S]
  size_t score_slots = 1;
  // ELECTRA's embedding projection (embeddings.has_projection): the
  // embeddings [S][E] before it, and the layer (fp32, on head_engine).
  float* embedded = nullptr;
  embert::LinearOp embedding_projection;

  // Heads.
  bool has_pooler = false;
  embert::LinearOp pooler;
  embert::LinearOp classifier;
  bool has_classifier_transform = false;  // ClassificationHead.transform instead of the pooler
  embert::LinearOp classifier_transform;
  embert::LinearOp next_sentence;
  embert::LinearOp mlm_transform;
  embert::LayerNormView mlm_norm;
  embert::LinearOp mlm_decoder;
  float* pooled = nullptr;  // [H]
  float* vector = nullptr;  // [max(H, sentence.max_width)]: embeddings returned to the caller
  // Model.sentence_embedding's dense layers, and the other half of their
  // ping-pong with `vector` (as wide).
  embert::LinearOp sentence_dense[embert::kMaxSentenceDense];
  float* sentence_scratch = nullptr;
  float* logits = nullptr;  // [max(labels, 2)]
  float* probs = nullptr;
  size_t num_logits = 0;
  float* batch_logits = nullptr;  // [MaxBatchInputs][num_logits]: embert_classify_batch
  float* batch_probs = nullptr;
  float* mlm_rows = nullptr;         // [S][H]
  float* vocab_logits = nullptr;     // [V]
  size_t* mask_positions = nullptr;  // [S]
  int32_t* top_ids = nullptr;        // [S][kMaxTopK]
  float* top_scores = nullptr;

  // State of each task head of the file, in format/task_heads.h's order
  // (nullptr when the file lacks it); planned by sdk/src/heads.
  void* task_heads[embert::kMaxTaskHeads] = {};

  char last_error[256] = {0};
  char description[160] = {0};
};

namespace embert {

// Plans (and, unless the arena is measuring, builds) a context in `arena`.
// With a measuring arena `ctx` may be nullptr.
Status BuildContext(const embert_model& model, const ContextOptions& options, Arena& arena, embert_context** out);

// Releases what a built context holds outside the arena (operators, pool).
void TeardownContext(embert_context* ctx);

}  // namespace embert

#endif  // EMBERT_SDK_CONTEXT_CONTEXT_H_
