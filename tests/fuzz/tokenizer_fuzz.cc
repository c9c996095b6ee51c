// Fuzzes the tokenizer with arbitrary bytes (split into a pair at the first
// 0xFF byte, settings from the first byte): it must never crash or read out
// of bounds, and every token's offsets must be non-empty, inside its text and
// increasing (begin and end never go back; tokens made from one source
// character, e.g. the jamo of a Hangul syllable, share its span).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace {

struct Fixture {
  std::vector<std::string> vocab;
  std::vector<uint8_t> index_bytes;
  embert::tok::VocabIndex index;
  std::vector<int32_t> specials;
  Fixture() {
    // A small vocabulary with the pieces fuzzed text is likely to hit.
    // Hangul jamo and U+0307 make one source character into several tokens.
    vocab = {"[PAD]",
             "[UNK]",
             "[CLS]",
             "[SEP]",
             "[MASK]",
             "a",
             "b",
             "##a",
             "##b",
             "ab",
             "##ab",
             "é",
             "中",
             "!",
             "##!",
             "σ",
             "ς",
             "\xE1\x84\x92",
             "##\xE1\x85\xA1",
             "##\xE1\x86\xAB",
             "i",
             "##\xCC\x87"};
    for (char c = 'c'; c <= 'z'; ++c) {
      vocab.push_back(std::string(1, c));
      vocab.push_back("##" + std::string(1, c));
    }
    index_bytes = embert::tok::BuildVocabIndex(vocab);
    if (!embert::tok::VocabIndex::Open(index_bytes.data(), index_bytes.size(), embert::tok::kVocabIndexFormat,
                                       static_cast<uint32_t>(vocab.size()), &index)
             .ok()) {
      std::abort();
    }
    specials = {0, 1, 2, 3, 4};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture f;
  if (size == 0) return 0;
  embert::tok::Settings s;
  s.lower_case = data[0] & 1;
  s.strip_accents = data[0] & 2;
  s.split_chinese = data[0] & 4;
  s.replace_invalid_utf8 = data[0] & 8;
  s.error_on_overflow = data[0] & 16;
  s.max_input_chars_per_word = 1 + (data[0] >> 5) * 7;
  s.unk_id = 1;
  s.cls_id = 2;
  s.sep_id = 3;
  s.special_ids = embert::Span<const int32_t>(f.specials.data(), f.specials.size());
  const char* text = reinterpret_cast<const char*>(data + 1);
  size_t n = size - 1;
  const void* split = std::memchr(text, 0xFF, n);
  const char* pair = nullptr;
  size_t pair_n = 0;
  if (split != nullptr) {
    pair = static_cast<const char*>(split) + 1;
    pair_n = n - static_cast<size_t>(pair - text);
    n = static_cast<size_t>(static_cast<const char*>(split) - text);
  }
  const size_t capacity = 3 + (size % 61);
  std::vector<int32_t> ids(capacity), types(capacity);
  std::vector<embert_token_span> spans(capacity);
  std::vector<uint8_t> scratch(embert::tok::Tokenizer::ScratchBytes(capacity));
  embert::tok::EncodeOutput out;
  out.ids = ids.data();
  out.type_ids = types.data();
  out.spans = spans.data();
  out.capacity = capacity;
  embert::tok::Tokenizer t(&f.index, s);
  const embert::Status st = t.Encode(text, n, pair, pair_n, scratch.data(), scratch.size(), &out);
  if (!st.ok()) {
    // The only failures input can cause are the ones the settings ask for.
    const bool expected = (st.code() == EMBERT_STATUS_INVALID_UTF8 && !s.replace_invalid_utf8) ||
                          (st.code() == EMBERT_STATUS_SEQUENCE_TOO_LONG && s.error_on_overflow);
    if (!expected) std::abort();
    return 0;
  }
  if (out.count > capacity || out.count < (pair ? 3u : 2u) || ids[0] != 2 || ids[out.count - 1] != 3) std::abort();
  for (size_t i = 1; i < out.count; ++i) {
    if (types[i] < types[i - 1] || types[i] > (pair ? 1 : 0)) std::abort();
  }
  uint32_t last_begin[2] = {0, 0}, last_end[2] = {0, 0};
  for (size_t i = 0; i < out.count; ++i) {
    if (ids[i] < 0 || static_cast<size_t>(ids[i]) >= f.vocab.size()) std::abort();
    const embert_token_span& sp = spans[i];
    if (sp.text > 1) std::abort();
    const size_t limit = sp.text == 0 ? n : pair_n;
    if (sp.begin == 0 && sp.end == 0) continue;  // [CLS]/[SEP]
    if (sp.begin >= sp.end || sp.end > limit) std::abort();
    if (sp.begin < last_begin[sp.text] || sp.end < last_end[sp.text]) std::abort();
    last_begin[sp.text] = sp.begin;
    last_end[sp.text] = sp.end;
  }
  return 0;
}
