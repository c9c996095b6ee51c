// The tokenizer's side of the vocabulary lookup table (format/vocab_index.h
// describes its bytes): prefetching a lookup's slot.
#ifndef EMBERT_SDK_TOKENIZER_VOCAB_INDEX_H_
#define EMBERT_SDK_TOKENIZER_VOCAB_INDEX_H_

#include <cstddef>
#include <cstdint>

#include "format/vocab_index.h"
#include "tokenizer/tokenizer.h"

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
