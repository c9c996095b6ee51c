// Setting a context's input and the checks every C entry point on a context
// makes: shared by the C API (sdk/src/api) and the task heads' entry points
// (sdk/src/heads), so that each checks, reports and tokenizes one way.
#ifndef EMBERT_SDK_CONTEXT_CONTEXT_INPUT_H_
#define EMBERT_SDK_CONTEXT_CONTEXT_INPUT_H_

#include <cstddef>

#include "context/context.h"

namespace embert {

// Records the call's outcome as the context's last error (cleared on
// success) and returns its code.
embert_status ReportOn(embert_context* ctx, const Status& s);

// EMBERT_STATUS_OK, or the error every call on a context whose model was
// destroyed returns (before touching the model).
Status CheckModelAlive(const embert_context* ctx);

Status InvalidNull(const char* what);

// A result struct's struct_size is plausible (set by the caller).
inline bool StructSizeOk(size_t struct_size) { return struct_size >= 2 * sizeof(size_t) && struct_size <= 4096; }

// What a task's entry point checks before it runs: the context's model is
// alive, and its result struct `name` is given with struct_size set.
template <typename Result>
Status CheckTaskCall(const embert_context* ctx, const Result* out, const char* name) {
  EMBERT_RETURN_IF_ERROR(CheckModelAlive(ctx));
  if (out == nullptr || !StructSizeOk(out->struct_size)) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "%s is NULL or its struct_size is not set", name);
  }
  return Status::Ok();
}

// Forgets the current input (and the encoder output of it).
void ClearInput(embert_context* ctx);

// Tokenizes `a` (and `b` when not NULL) into the context's input, as
// embert_tokenize documents.
Status TokenizeInput(embert_context* ctx, const char* a, size_t a_size, const char* b, size_t b_size);

// Marks the current input as one input of ctx->count tokens.
void SetOneInput(embert_context* ctx);

// The single-input tasks on a packed input of more than one: an error that
// says `what` to do instead.
Status CheckOneInput(const embert_context* ctx, const char* what);

// Packs inputs[0..) into the context's input until max_batch_tokens, as
// embert_tokenize_batch documents.
Status TokenizeBatch(embert_context* ctx, const embert_text* inputs, size_t n, size_t* taken);

// Sets packed token ids, as embert_set_batch_tokens documents.
Status SetBatchTokens(embert_context* ctx, const int32_t* ids, const int32_t* types, const size_t* lengths, size_t n);

}  // namespace embert

#endif  // EMBERT_SDK_CONTEXT_CONTEXT_INPUT_H_
