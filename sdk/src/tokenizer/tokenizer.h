// BERT's tokenizer (BasicTokenizer + WordPiece), exact to Google's
// tokenization.py and Hugging Face's BertTokenizer, without heap allocation.
//
// The vocabulary lookup table (VocabIndex) is built once by the converter and
// stored in the model file; the SDK verifies it and reads it in place.
#ifndef EMBERT_SDK_TOKENIZER_TOKENIZER_H_
#define EMBERT_SDK_TOKENIZER_TOKENIZER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/span.h"
#include "core/status.h"
#include "embert/embert.h"
#include "format/vocab_index.h"

namespace embert::tok {

namespace detail {
struct VocabProbe;
}

// A verified, read-only view of the bytes BuildVocabIndex wrote.
class VocabIndex {
 public:
  VocabIndex() = default;
  // Checks every offset and size so that no lookup can leave `data`.
  static Status Open(const uint8_t* data, size_t size, uint32_t format, uint32_t vocab_size, VocabIndex* out);
  // Id of the token spelled by the n bytes at s, or -1.
  int32_t Find(const char* s, size_t n) const;
  // Lookup by key: the token's text without a leading "##", whether it had
  // one, and vocab_index::Hash of the key with the matching seed.
  int32_t FindKey(bool continuation, const uint8_t* key, size_t n, uint32_t hash) const;
  // Text of token `id` (not NUL-terminated).
  bool Token(int32_t id, const uint8_t** text, size_t* size) const;
  // Longest key in bytes: WordPiece never tries a longer piece.
  uint32_t max_key_bytes() const;

 private:
  friend class Tokenizer;
  friend struct detail::VocabProbe;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint32_t vocab_size_ = 0;
  // Where Open found the parts, so that lookups do not re-derive them.
  const uint8_t* slots_ = nullptr;
  const uint8_t* offsets_ = nullptr;
  const uint8_t* pool_ = nullptr;
  uint32_t slot_mask_ = 0;
  uint32_t max_key_bytes_ = 0;
};

struct Settings {
  bool lower_case = true;
  bool strip_accents = true;  // already resolved from the model's FOLLOW_LOWER_CASE/STRIP/KEEP
  bool split_chinese = true;
  int32_t unk_id = -1;
  int32_t cls_id = -1;
  int32_t sep_id = -1;
  Span<const int32_t> special_ids;  // tokens kept whole when written in the text ([MASK], ...)
  // Vocabulary entries at or beyond this id have no embedding row (a
  // vocab.txt longer than the checkpoint's table): they still decide how a
  // word splits, as in Hugging Face's tokenizer, but come out as unk_id.
  uint32_t embedded_ids = UINT32_MAX;
  uint32_t max_input_chars_per_word = 100;
  bool replace_invalid_utf8 = false;  // else EMBERT_STATUS_INVALID_UTF8
  bool error_on_overflow = false;     // else truncate, longest first
};

struct EncodeOutput {
  // Caller-provided arrays of `capacity` entries.
  int32_t* ids = nullptr;
  int32_t* type_ids = nullptr;
  embert_token_span* spans = nullptr;
  size_t capacity = 0;
  // Results.
  size_t count = 0;
  size_t truncated = 0;  // tokens of a and b dropped to fit `capacity`
};

class Tokenizer {
 public:
  Tokenizer() = default;
  // `index` and the strings behind `settings.special_ids` must outlive this.
  Tokenizer(const VocabIndex* index, const Settings& settings);

  // Scratch bytes Encode needs to produce up to `max_tokens` tokens, for any
  // text length.
  static size_t ScratchBytes(size_t max_tokens);

  // [CLS] a [SEP] or [CLS] a [SEP] b [SEP] (when b != nullptr), at most
  // out->capacity tokens. Never allocates; `scratch` holds ScratchBytes(capacity).
  Status Encode(const char* a, size_t a_size, const char* b, size_t b_size, void* scratch, size_t scratch_size,
                EncodeOutput* out) const;

 private:
  const VocabIndex* index_ = nullptr;
  Settings settings_;
  // What each byte means where a character starts (text_pass.h), computed
  // once from the settings and the special tokens' first bytes.
  uint8_t byte_kinds_[256] = {};
};

}  // namespace embert::tok

#endif  // EMBERT_SDK_TOKENIZER_TOKENIZER_H_
