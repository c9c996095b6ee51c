// Token classification (NER) decoding: Hugging Face's
// TokenClassificationPipeline (transformers 4.x) from per-token probabilities
// to entities, for the tokens of one text (issue #17; the semantics are in
// /work/notes/task-semantics.md, "Token classification").
//
// Pure functions over plain arrays: no model, no allocation. Scratch and
// outputs are caller memory whose size the functions below state, so that the
// context can plan them in its arena.
//
// Numbers are float32 as in numpy: argmax is np.argmax (first maximum, first
// NaN wins), sums are numpy's pairwise float32 sums, means divide a float32
// sum by the count. NaN probabilities only arise from NaN logits; they are
// handled as numpy does (nanmean skips them) but are otherwise meaningless.
#ifndef EMBERT_SDK_DECODE_ENTITIES_H_
#define EMBERT_SDK_DECODE_ENTITIES_H_

#include <cstddef>
#include <cstdint>

namespace embert::decode {

// HF's aggregation_strategy.
enum class Aggregation {
  kNone,     // one entity per token, no grouping ("O" tokens dropped)
  kSimple,   // one entity per token, then B-/I- grouping
  kFirst,    // per word: the first token's argmax, then grouping
  kAverage,  // per word: argmax of the mean probability vector, then grouping
  kMax,      // per word: the token with the highest probability decides, then grouping
};

// HF's is_subword for WordPiece ("##" continuation prefix): the vocabulary
// entry of the token (e.g. "##ing") and the source text it covers (e.g.
// "ing") differ in length counted in Unicode code points. So "##ing" over
// "ing" is a subword, "play" over "play" is not, and "e" over a decomposed
// "e" + U+0301 (an accent the uncased tokenizer stripped) is one, while "e"
// over a precomposed "é" is not: HF's rule, kept as is.
// Code points are counted as UTF-8 lead bytes (bytes not of the form
// 10xxxxxx): exact for valid UTF-8, which the source is once the tokenizer
// has accepted it (or replaced invalid sequences by U+FFFD) and vocabulary
// entries are. For [UNK] (is_unk) HF compares the text with itself: false.
bool IsSubword(const char* vocab_entry, size_t entry_size, const char* source, size_t source_size, bool is_unk);

// One non-special token of the text, in order (the caller skips [CLS], [SEP]
// and padding): its byte span in the text and IsSubword().
struct TaggedToken {
  uint32_t begin;
  uint32_t end;
  bool is_subword;
};

// One output entity. `label` indexes the label table: with kNone it is the
// token's label ("B-PER"); otherwise the entity is a group and its displayed
// name is GroupName(labels[label]) ("PER"). [begin, end) are bytes of the
// text (the first member's begin, the last member's end); score is in [0, 1]
// for finite probabilities. first_token/last_token index the TaggedToken
// array (the members are the tokens between them); embert_entity counts
// [CLS] as token 0, so the C API adds the position of tokens[0].
struct Entity {
  uint32_t label;
  uint32_t begin;
  uint32_t end;
  float score;
  uint32_t first_token;
  uint32_t last_token;
};

// HF's entity_group of a tag: the text after its first '-' ("B-PER" -> "PER",
// "B-MISC-X" -> "MISC-X"), or the whole tag when it has none ("O" -> "O").
// Returns a pointer into `tag` (which must be NUL-terminated, as the model's
// label strings are), so the result is a valid C string as long as tag is.
const char* GroupName(const char* tag);

// Bytes of scratch ExtractEntities needs for `tokens` tokens and `num_labels`
// labels (an upper bound for every aggregation). 0 when tokens == 0.
size_t EntityScratchBytes(size_t tokens, size_t num_labels);

// The entities of one text, in text order, with "O" dropped (HF's
// ignore_labels default): returns their count, at most n, written to
// out[0..count).
//   probs:  n rows of num_labels float32 probabilities (softmax of each
//           token's logits, row stride num_labels), row t for tokens[t].
//   labels: num_labels NUL-terminated label strings (id2label).
//   tokens: the n tokens (spans and is_subword; is_subword only matters for
//           kFirst/kAverage/kMax, where a token that is not a subword starts a
//           new word; the first token always starts one).
//   scratch: EntityScratchBytes(n, num_labels) bytes aligned for float.
//   out:   capacity n (one entity per token at most; words and groups only
//          merge). It is also the working space between the word and group
//          passes, so all n entries may be written.
// Grouping (every aggregation but kNone), HF's group_entities: get_tag("B-X")
// = (B, X), ("I-X") = (I, X), anything else (I, whole tag); an entity joins
// the current group iff its tag equals the previous entity's tag and it is not
// B; a group's label is its first member's, its score the mean of its
// members' scores (np.nanmean, float32). Groups whose GroupName is "O" are
// dropped; with kNone, entities whose label is "O".
// Returns 0 (writes nothing) when n == 0 or num_labels == 0.
size_t ExtractEntities(const float* probs, size_t num_labels, const char* const* labels, const TaggedToken* tokens,
                       size_t n, Aggregation aggregation, void* scratch, Entity* out);

}  // namespace embert::decode

#endif  // EMBERT_SDK_DECODE_ENTITIES_H_
