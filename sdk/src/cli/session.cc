#include "session.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "diagnostics.h"

namespace embert_cli {
namespace {

// An arena of a few MB or more (a model file not packed for this CPU puts
// its packed weights there: BERT-base 86 MB) in 2 MB pages where Linux
// offers them: runs read every weight once, and with 4 KB pages they wait
// on TLB misses (BERT-base, Zen 5: 4-7 % faster at 16-32 tokens;
// benchmarks/RESULTS.md). Freed with free().
void* AllocateArena(size_t size) {
  constexpr size_t kHugePage = size_t{2} << 20;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (size >= 2 * kHugePage && size <= SIZE_MAX - kHugePage) {
    const size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
    void* arena = std::aligned_alloc(kHugePage, rounded);
    if (arena != nullptr) {
      madvise(arena, rounded, MADV_HUGEPAGE);  // advice only: failure changes nothing
      return arena;
    }
  }
#endif
  return std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, size);
}

}  // namespace

embert_context_options ContextOptionsFor(const Options& options, uint32_t max_seq_len) {
  embert_context_options o;
  embert_context_options_init(&o);
  o.max_seq_len = max_seq_len;
  o.num_threads = options.threads;
  o.engine = options.engine;
  o.overflow = EMBERT_OVERFLOW_TRUNCATE;
  o.invalid_utf8 = EMBERT_INVALID_UTF8_ERROR;
  o.max_batch_tokens = BatchTokens(options);
  return o;
}

uint32_t BatchTokens(const Options& options) {
  const bool batches = options.command == Command::kEmbed || options.command == Command::kClassify ||
                       options.command == Command::kRerank || options.command == Command::kSearch;
  if (!batches) return 0;
  if (options.has_batch_tokens) return options.batch_tokens;
  // Standard input may be a person typing: answer each line as it comes.
  if (options.has_input && options.input == "-") return 0;
  return options.has_input ? kDefaultBatchTokens : 0;
}

size_t RoundUpToArenaAlignment(size_t size) {
  const size_t a = EMBERT_ARENA_ALIGNMENT;
  if (size > SIZE_MAX - (a - 1)) return 0;
  return (size + a - 1) / a * a;
}

Session::~Session() {
  embert_context_destroy(context_);
  std::free(arena_);
  embert_model_destroy(model_);
}

bool Session::LoadModel(const char* path) {
  char message[512] = "";
  const embert_status s = embert_model_load_file(path, &model_, message, sizeof message);
  if (s != EMBERT_STATUS_OK) {
    model_ = nullptr;
    PrintStatusError((std::string("cannot load model ") + path).c_str(), s, message);
    return false;
  }
  return true;
}

bool Session::CreateContext(const embert_context_options& context_options) {
  size_t needed = 0;
  char message[512] = "";
  embert_status s = embert_context_arena_size_ex(model_, &context_options, &needed, message, sizeof message);
  if (s != EMBERT_STATUS_OK) {
    PrintStatusError("cannot plan a context", s, message);
    return false;
  }
  const size_t size = RoundUpToArenaAlignment(needed == 0 ? 1 : needed);
  if (size == 0) {
    PrintError("arena of %zu bytes cannot be allocated", needed);
    return false;
  }
  arena_ = AllocateArena(size);
  if (arena_ == nullptr) {
    PrintError("cannot allocate an arena of %zu bytes", size);
    return false;
  }
  arena_size_ = size;
  s = embert_context_create(model_, &context_options, arena_, arena_size_, &context_, message, sizeof message);
  if (s != EMBERT_STATUS_OK) {
    context_ = nullptr;
    PrintStatusError("cannot create a context", s, message);
    return false;
  }
  max_seq_len_ = context_options.max_seq_len != 0 ? context_options.max_seq_len : Property(EMBERT_MODEL_MAX_SEQ_LEN);
  return true;
}

uint32_t Session::Property(embert_model_property property) const {
  uint32_t value = 0;
  if (embert_model_get(model_, property, &value) != EMBERT_STATUS_OK) return 0;
  return value;
}

const char* Session::Token(int32_t id) const {
  const char* token = nullptr;
  if (embert_model_token(model_, id, &token) != EMBERT_STATUS_OK || token == nullptr) return "";
  return token;
}

}  // namespace embert_cli
