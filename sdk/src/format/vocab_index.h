// The vocabulary lookup table stored in the model (format kVocabIndexFormat),
// which bert-convert builds and the tokenizer reads in place.
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
#ifndef EMBERT_SDK_FORMAT_VOCAB_INDEX_H_
#define EMBERT_SDK_FORMAT_VOCAB_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// In the tokenizer's namespace: the table is the tokenizer's data; the SDK's
// reader is tok::VocabIndex (tokenizer/tokenizer.h).
namespace embert::tok {

// Version of the VocabIndex byte format; stored in the model beside it.
constexpr uint32_t kVocabIndexFormat = 1;

// Converter side: the lookup table for `vocab` (id = position). Not part of
// libembert.a: defined in vocab_index_build.cc (library embert_format_build).
std::vector<uint8_t> BuildVocabIndex(const std::vector<std::string>& vocab);

}  // namespace embert::tok

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

// Whether a vocabulary entry is a WordPiece continuation ("##" + piece).
inline bool IsContinuation(const uint8_t* s, size_t n) { return n > 2 && s[0] == '#' && s[1] == '#'; }

inline uint32_t ReadU32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

}  // namespace embert::tok::vocab_index

#endif  // EMBERT_SDK_FORMAT_VOCAB_INDEX_H_
