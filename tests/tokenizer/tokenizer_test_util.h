// Builds a tokenizer over a vocabulary the way a loaded model does.
#ifndef EMBERT_TESTS_TOKENIZER_TOKENIZER_TEST_UTIL_H_
#define EMBERT_TESTS_TOKENIZER_TOKENIZER_TEST_UTIL_H_

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tokenizer/tokenizer.h"

namespace embert::test {

inline std::vector<std::string> ReadVocab(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<std::string> v;
  std::string line;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    v.push_back(line);
  }
  return v;
}

struct Tokens {
  std::vector<int32_t> ids;
  std::vector<int32_t> types;
  std::vector<std::string> text;
  std::vector<embert_token_span> spans;
  size_t truncated = 0;
  Status status;
};

class TestTokenizer {
 public:
  TestTokenizer(std::vector<std::string> vocab, bool lower, bool strip, bool chinese = true)
      : vocab_(std::move(vocab)), bytes_(tok::BuildVocabIndex(vocab_)) {
    EXPECT_TRUE(tok::VocabIndex::Open(bytes_.data(), bytes_.size(), tok::kVocabIndexFormat,
                                      static_cast<uint32_t>(vocab_.size()), &index_)
                    .ok());
    settings_.lower_case = lower;
    settings_.strip_accents = strip;
    settings_.split_chinese = chinese;
    for (const char* s : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
      const int32_t id = index_.Find(s, std::strlen(s));
      if (id >= 0) specials_.push_back(id);
    }
    settings_.unk_id = Id("[UNK]");
    settings_.cls_id = Id("[CLS]");
    settings_.sep_id = Id("[SEP]");
    settings_.special_ids = Span<const int32_t>(specials_.data(), specials_.size());
  }

  int32_t Id(const char* s) const { return index_.Find(s, std::strlen(s)); }
  tok::Settings& settings() { return settings_; }
  const std::vector<std::string>& vocab() const { return vocab_; }

  // Tokens of text (and pair), [CLS]/[SEP] removed unless keep_specials.
  Tokens Run(const std::string& a, const std::string* b = nullptr, size_t capacity = 4096, bool keep_specials = false) {
    tok::Tokenizer t(&index_, settings_);
    std::vector<uint8_t> scratch(tok::Tokenizer::ScratchBytes(capacity) + 64);
    auto* aligned = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(scratch.data()) + 63) / 64 * 64);
    std::vector<int32_t> ids(capacity), types(capacity);
    std::vector<embert_token_span> spans(capacity);
    tok::EncodeOutput out;
    out.ids = ids.data();
    out.type_ids = types.data();
    out.spans = spans.data();
    out.capacity = capacity;
    Tokens r;
    r.status = t.Encode(a.data(), a.size(), b ? b->data() : nullptr, b ? b->size() : 0, aligned,
                        tok::Tokenizer::ScratchBytes(capacity), &out);
    if (!r.status.ok()) return r;
    r.truncated = out.truncated;
    for (size_t i = 0; i < out.count; ++i) {
      const bool added = (i == 0) || (ids[i] == settings_.sep_id && spans[i].begin == spans[i].end);
      if (added && !keep_specials) continue;
      r.ids.push_back(ids[i]);
      r.types.push_back(types[i]);
      r.text.push_back(vocab_[static_cast<size_t>(ids[i])]);
      r.spans.push_back(spans[i]);
    }
    return r;
  }

 private:
  std::vector<std::string> vocab_;
  std::vector<uint8_t> bytes_;
  tok::VocabIndex index_;
  tok::Settings settings_;
  std::vector<int32_t> specials_;
};

}  // namespace embert::test

#endif  // EMBERT_TESTS_TOKENIZER_TOKENIZER_TEST_UTIL_H_
