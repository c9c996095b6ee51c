// One text through BasicTokenizer and WordPiece in a single streaming pass:
// tokens go straight to a sink, and only the current word is buffered, so
// memory is bounded for any text length (a word longer than
// max_input_chars_per_word is [UNK] whatever it holds: it is counted, not
// stored).
#ifndef EMBERT_SDK_TOKENIZER_TEXT_PASS_H_
#define EMBERT_SDK_TOKENIZER_TEXT_PASS_H_

#include <cstddef>
#include <cstdint>

#include "tokenizer/tokenizer.h"

namespace embert::tok::detail {

// Bound of the per-word buffers; the model loader refuses a larger
// max_input_chars_per_word and Encode checks it again.
constexpr uint32_t kMaxWordChars = 1024;

// What the first byte of a character tells the hot loop, precomputed once per
// tokenizer so that ASCII text needs one table load per byte.
enum ByteKind : uint8_t {
  kByteWord = 0,   // ASCII letter, digit or other word character
  kByteSpace = 1,  // \t \n \r and space
  kBytePunct = 2,  // ASCII punctuation
  kByteDrop = 3,   // NUL and ASCII controls: cleaned away
  kByteMulti = 4,  // not ASCII: decode and look the character up
  kByteKindMask = 7,
  kByteSpecial = 8,  // flag: a special token starts with this byte
};
void FillByteKinds(const VocabIndex& index, const Settings& settings, uint8_t kinds[256]);

// Bytes of the per-word buffers TokenizeText needs (alignment 64).
size_t WordScratchBytes();

// Where the tokens of one text go: the first `capacity` are stored, all are
// counted (truncation needs the full count of each side).
struct TokenSink {
  int32_t* ids;
  embert_token_span* spans;
  size_t capacity;
  size_t count;
  uint32_t text;  // 0 or 1, for the spans
  void Emit(int32_t id, uint32_t begin, uint32_t end) {
    if (count < capacity) {
      ids[count] = id;
      spans[count] = embert_token_span{begin, end, text};
    }
    ++count;
  }
};

// Tokens of text[0, size) without [CLS]/[SEP]. `word_scratch` holds
// WordScratchBytes(); settings.max_input_chars_per_word <= kMaxWordChars.
Status TokenizeText(const VocabIndex& index, const Settings& settings, const uint8_t* kinds, const uint8_t* text,
                    size_t size, void* word_scratch, TokenSink* sink);

}  // namespace embert::tok::detail

#endif  // EMBERT_SDK_TOKENIZER_TEXT_PASS_H_
