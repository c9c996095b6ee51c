// One loaded model and one context in a heap arena allocated once.
#ifndef EMBERT_CLI_SESSION_H_
#define EMBERT_CLI_SESSION_H_

#include <cstddef>
#include <cstdint>

#include "args.h"
#include "embert/embert.h"

namespace embert_cli {

// Context options from the command line; max_seq_len 0 means the model's.
embert_context_options ContextOptionsFor(const Options& options, uint32_t max_seq_len);

// Tokens per packed run of the batching commands (--batch-tokens and its
// defaults); 0: one input per run.
uint32_t BatchTokens(const Options& options);

// `size` rounded up to a multiple of EMBERT_ARENA_ALIGNMENT (0 on overflow).
size_t RoundUpToArenaAlignment(size_t size);

class Session {
 public:
  Session() = default;
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Both print the error on stderr and return false on failure.
  bool LoadModel(const char* path);
  bool CreateContext(const embert_context_options& context_options);

  // A model property (0 if it cannot be read).
  uint32_t Property(embert_model_property property) const;
  // The text of a vocabulary entry, or "" for an unknown id.
  const char* Token(int32_t id) const;

  embert_model* model() const { return model_; }
  embert_context* context() const { return context_; }
  size_t arena_size() const { return arena_size_; }
  uint32_t max_seq_len() const { return max_seq_len_; }

 private:
  embert_model* model_ = nullptr;
  embert_context* context_ = nullptr;
  void* arena_ = nullptr;
  size_t arena_size_ = 0;
  uint32_t max_seq_len_ = 0;
};

}  // namespace embert_cli

#endif  // EMBERT_CLI_SESSION_H_
