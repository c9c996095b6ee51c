// Building the vocabulary table (bert-convert; the SDK only reads it:
// tokenizer/vocab_index.cc).
#include <cstring>

#include "format/vocab_index.h"

namespace embert::tok {
namespace {

using vocab_index::Hash;
using vocab_index::IsContinuation;
using vocab_index::ReadU32;

void PutU32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void SetU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

std::vector<uint8_t> BuildVocabIndex(const std::vector<std::string>& vocab) {
  const auto n = static_cast<uint32_t>(vocab.size());
  uint32_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  uint32_t pool_bytes = 0, max_key = 0;
  for (const auto& t : vocab) {
    pool_bytes += static_cast<uint32_t>(t.size());
    const auto* s = reinterpret_cast<const uint8_t*>(t.data());
    const size_t key = IsContinuation(s, t.size()) ? t.size() - 2 : t.size();
    if (key > max_key) max_key = static_cast<uint32_t>(key);
  }
  std::vector<uint8_t> out;
  for (char c : {'E', 'V', 'I', 'X'}) out.push_back(static_cast<uint8_t>(c));
  PutU32(&out, kVocabIndexFormat);
  PutU32(&out, n);
  PutU32(&out, slots);
  PutU32(&out, max_key);
  PutU32(&out, pool_bytes);
  const size_t slots_at = out.size();
  out.resize(out.size() + 4u * slots, 0);
  uint32_t offset = 0;
  for (const auto& t : vocab) {
    PutU32(&out, offset);
    offset += static_cast<uint32_t>(t.size());
  }
  PutU32(&out, offset);
  for (const auto& t : vocab) {
    for (char c : t) out.push_back(static_cast<uint8_t>(c));
  }
  // Insert in id order, a later duplicate replacing an earlier one: the id a
  // Python dict built from vocab.txt keeps.
  for (uint32_t id = 0; id < n; ++id) {
    const auto* s = reinterpret_cast<const uint8_t*>(vocab[id].data());
    const size_t len = vocab[id].size();
    const bool cont = IsContinuation(s, len);
    const uint8_t* key = cont ? s + 2 : s;
    const size_t key_len = cont ? len - 2 : len;
    uint32_t h = Hash(cont ? vocab_index::kContinuationSeed : vocab_index::kWordSeed, key, key_len);
    for (;; ++h) {
      uint8_t* slot = out.data() + slots_at + 4u * (h & (slots - 1));
      const uint32_t existing = ReadU32(slot);
      if (existing == 0) {
        SetU32(slot, id + 1);
        break;
      }
      const std::string& other = vocab[existing - 1];
      if (other.size() == len && std::memcmp(other.data(), s, len) == 0) {
        SetU32(slot, id + 1);
        break;
      }
    }
  }
  return out;
}

}  // namespace embert::tok
