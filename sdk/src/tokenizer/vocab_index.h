// The vocabulary lookup table stored in the model (format 1).
//
// Layout, little-endian, all sizes checked by VocabIndex::Open:
//   "EVIX" | u32 format | u32 vocab_size | u32 slot_count (power of 2)
//   | u32 max_key_bytes | u32 pool_bytes
//   | u32 slots[slot_count]        token id + 1 of an open-addressing hash table, 0 = empty
//   | u32 offsets[vocab_size + 1]  token i is pool[offsets[i], offsets[i+1])
//   | u8  pool[pool_bytes]         token texts, as in vocab.txt
// The hash key of a token is (continuation, text without "##"): WordPiece
// looks up "##" + piece for every piece after the first, and hashing the
// piece with a different seed spares building that string.
#ifndef EMBERT_SDK_TOKENIZER_VOCAB_INDEX_H_
#define EMBERT_SDK_TOKENIZER_VOCAB_INDEX_H_

#include <cstddef>
#include <cstdint>

#include "tokenizer/tokenizer.h"

namespace embert::tok::vocab_index {

constexpr size_t kHeaderBytes = 24;
constexpr uint32_t kContinuationSeed = 0x9E3779B9u;
constexpr uint32_t kWordSeed = 2166136261u;  // FNV-1a offset basis

inline uint32_t HashStep(uint32_t h, uint8_t byte) { return (h ^ byte) * 16777619u; }

inline uint32_t Hash(uint32_t seed, const uint8_t* s, size_t n) {
  uint32_t h = seed;
  for (size_t i = 0; i < n; ++i) h = HashStep(h, s[i]);
  return h;
}

inline uint32_t ReadU32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

}  // namespace embert::tok::vocab_index

namespace embert::tok::detail {

// The lookups of a word's candidate pieces are independent: touching their
// slots first lets the cache misses overlap instead of queueing up.
struct VocabProbe {
  static void Prefetch(const VocabIndex& index, uint32_t hash) {
    if (index.slots_ != nullptr) __builtin_prefetch(index.slots_ + 4u * (hash & index.slot_mask_));
  }
};

}  // namespace embert::tok::detail

#endif  // EMBERT_SDK_TOKENIZER_VOCAB_INDEX_H_
