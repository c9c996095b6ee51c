// Encode: both texts through the streaming pass, then [CLS]/[SEP], token
// types and "longest first" truncation.
#include "tokenizer/tokenizer.h"

#include <cstdint>

#include "tokenizer/text_pass.h"

namespace embert::tok {
namespace {

size_t AlignUp(size_t n) { return (n + 63) / 64 * 64; }

// Hugging Face's "longest_first" (the slow tokenizer's truncate_sequences):
// drop the last token of the longer side until both fit; on a tie, from the
// second text. Closed form of that loop, so that it costs nothing for a
// 10 MB text.
void LongestFirst(size_t na, size_t nb, size_t budget, size_t* la, size_t* lb) {
  size_t x = na, y = nb;
  if (x + y > budget) {
    size_t excess = x + y - budget;
    const size_t gap = x > y ? x - y : y - x;
    const size_t first = excess < gap ? excess : gap;
    if (x > y) {
      x -= first;
    } else {
      y -= first;
    }
    excess -= first;
    y -= (excess + 1) / 2;
    x -= excess / 2;
  }
  *la = x;
  *lb = y;
}

}  // namespace

Tokenizer::Tokenizer(const VocabIndex* index, const Settings& settings) : index_(index), settings_(settings) {
  if (index_ != nullptr) detail::FillByteKinds(*index_, settings_, byte_kinds_);
}

size_t Tokenizer::ScratchBytes(size_t max_tokens) {
  // The per-word buffers, and the second text's tokens (the first text's go
  // straight to the output, after [CLS]).
  return detail::WordScratchBytes() + AlignUp(max_tokens * sizeof(int32_t)) +
         AlignUp(max_tokens * sizeof(embert_token_span));
}

Status Tokenizer::Encode(const char* a, size_t a_size, const char* b, size_t b_size, void* scratch, size_t scratch_size,
                         EncodeOutput* out) const {
  if (out == nullptr) return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "tokenizer: no output");
  const bool pair = b != nullptr;
  const size_t specials = pair ? 3 : 2;
  if (index_ == nullptr || a == nullptr || out->ids == nullptr || out->type_ids == nullptr || out->spans == nullptr ||
      out->capacity < specials) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "tokenizer: no vocabulary, text or room");
  }
  const uint8_t* t;
  size_t n;
  const auto embedded = [&](int32_t id) {
    return index_->Token(id, &t, &n) && static_cast<uint32_t>(id) < settings_.embedded_ids;
  };
  if (!embedded(settings_.unk_id) || !embedded(settings_.cls_id) || !embedded(settings_.sep_id) ||
      settings_.max_input_chars_per_word > detail::kMaxWordChars) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT,
                         "tokenizer: [UNK]/[CLS]/[SEP] outside the embedding table or max_input_chars_per_word > %u",
                         detail::kMaxWordChars);
  }
  // Spans hold 32-bit offsets.
  if (a_size > UINT32_MAX - 1 || b_size > UINT32_MAX - 1) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "text longer than 4 GiB");
  }
  if (scratch == nullptr || scratch_size < ScratchBytes(out->capacity) ||
      reinterpret_cast<uintptr_t>(scratch) % alignof(embert_token_span) != 0) {
    return Status::Error(EMBERT_STATUS_INTERNAL, "tokenizer scratch too small or misaligned");
  }
  auto* base = static_cast<uint8_t*>(scratch);
  void* word = base;
  auto* b_ids = reinterpret_cast<int32_t*>(base + detail::WordScratchBytes());
  auto* b_spans = reinterpret_cast<embert_token_span*>(base + detail::WordScratchBytes() +
                                                       AlignUp(out->capacity * sizeof(int32_t)));
  const size_t budget = out->capacity - specials;

  detail::TokenSink sa{out->ids + 1, out->spans + 1, budget, 0, 0};
  EMBERT_RETURN_IF_ERROR(
      detail::TokenizeText(*index_, settings_, byte_kinds_, reinterpret_cast<const uint8_t*>(a), a_size, word, &sa));
  detail::TokenSink sb{b_ids, b_spans, budget, 0, 1};
  if (pair) {
    EMBERT_RETURN_IF_ERROR(
        detail::TokenizeText(*index_, settings_, byte_kinds_, reinterpret_cast<const uint8_t*>(b), b_size, word, &sb));
  }
  if (settings_.error_on_overflow && sa.count + sb.count > budget) {
    return Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG,
                         "input has %zu tokens with [CLS]/[SEP], the context allows %zu",
                         sa.count + sb.count + specials, out->capacity);
  }
  size_t la, lb;
  LongestFirst(sa.count, sb.count, budget, &la, &lb);
  size_t k = 0;
  out->ids[k] = settings_.cls_id;
  out->spans[k++] = embert_token_span{0, 0, 0};
  k += la;  // already in place
  out->ids[k] = settings_.sep_id;
  out->spans[k++] = embert_token_span{0, 0, 0};
  for (size_t i = 0; i < k; ++i) out->type_ids[i] = 0;
  if (pair) {
    for (size_t i = 0; i < lb; ++i, ++k) {
      out->ids[k] = b_ids[i];
      out->spans[k] = b_spans[i];
      out->type_ids[k] = 1;
    }
    out->ids[k] = settings_.sep_id;
    out->spans[k] = embert_token_span{0, 0, 1};
    out->type_ids[k++] = 1;
  }
  if (settings_.embedded_ids < index_->vocab_size_) {
    for (size_t i = 0; i < k; ++i) {
      if (static_cast<uint32_t>(out->ids[i]) >= settings_.embedded_ids) out->ids[i] = settings_.unk_id;
    }
  }
  out->count = k;
  out->truncated = sa.count + sb.count - la - lb;
  return Status::Ok();
}

}  // namespace embert::tok
