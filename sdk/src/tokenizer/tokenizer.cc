// BERT's tokenizer in one streaming pass per text, without allocating:
//   special tokens written in the text are kept whole (Hugging Face splits on
//   them first); clean (drop NUL, U+FFFD, C*; whitespace ends a word); CJK
//   ideographs become words; lower-case (full mapping, Greek final sigma);
//   NFD and drop Mn when stripping accents; punctuation becomes words;
//   WordPiece (greedy longest match, "##" continuations, [UNK] per word).
// Each normalised character remembers the byte span of the character it came
// from, which gives every token its offsets.
#include "tokenizer/tokenizer.h"

#include <cstring>

#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"
#include "tokenizer/vocab_index.h"

namespace embert::tok {
namespace {

// Bounds of the per-word buffers. The loader refuses models whose
// max_input_chars_per_word exceeds kMaxWordChars.
constexpr size_t kMaxWordChars = 1024;
// How far past a capital sigma the final-sigma rule looks for a cased letter.
constexpr size_t kSigmaLookahead = 1024;
constexpr uint32_t kInvalid = 0xFFFFFFFFu;

struct WordChar {
  uint32_t cp;
  uint32_t begin;
  uint32_t end;
};

struct Piece {
  int32_t id;
  uint32_t first;
  uint32_t last;  // exclusive, in characters
};

// What one word needs, for any text.
struct WordScratch {
  WordChar chars[kMaxWordChars + 4];
  uint32_t bounds[kMaxWordChars + 5];
  uint32_t hashes[kMaxWordChars + 5];
  Piece pieces[kMaxWordChars + 4];
  uint8_t bytes[4 * (kMaxWordChars + 4)];
};

size_t AlignUp(size_t n) { return (n + 63) / 64 * 64; }

const uint8_t* AsciiClasses() {
  static const struct Table {
    uint8_t bits[128];
    Table() {
      for (uint32_t c = 0; c < 128; ++c) bits[c] = ClassOf(c);
    }
  } table;
  return table.bits;
}

inline uint8_t Classify(uint32_t c, const uint8_t* ascii) { return c < 128 ? ascii[c] : ClassOf(c); }

struct Sink {
  int32_t* ids;
  embert_token_span* spans;
  size_t capacity;
  size_t count;
  uint32_t text;
  void Emit(int32_t id, uint32_t begin, uint32_t end) {
    if (count < capacity) {
      ids[count] = id;
      spans[count] = embert_token_span{begin, end, text};
    }
    ++count;
  }
};

class Pass {
 public:
  Pass(const VocabIndex& index, const Settings& settings, const uint8_t* text, size_t size,
       WordScratch* w, Sink* sink)
      : index_(index), s_(settings), text_(text), size_(size), w_(w), sink_(sink),
        ascii_(AsciiClasses()) {
    for (size_t i = 0; i < s_.special_ids.size(); ++i) AddSpecial(s_.special_ids[i]);
    AddSpecial(s_.unk_id);
    AddSpecial(s_.cls_id);
    AddSpecial(s_.sep_id);
  }

  Status Run() {
    size_t pos = 0;
    while (pos < size_) {
      int32_t special_id;
      size_t special_len;
      if (MatchSpecial(pos, &special_id, &special_len)) {
        FlushWord();
        sink_->Emit(special_id, static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + special_len));
        pos += special_len;
        prev_cased_ = false;
        continue;
      }
      uint32_t cp;
      const size_t len = DecodeUtf8(text_ + pos, size_ - pos, &cp);
      const auto begin = static_cast<uint32_t>(pos);
      pos += len;
      if (cp == kInvalid) {
        if (!s_.replace_invalid_utf8) {
          return Status::Error(EMBERT_STATUS_INVALID_UTF8, "invalid UTF-8 at byte %u of text %u",
                               begin, sink_->text);
        }
        continue;  // read as U+FFFD, which cleaning drops
      }
      if (cp == 0 || cp == 0xFFFD) continue;
      const uint8_t cls = Classify(cp, ascii_);
      if (cls & kControl) continue;
      if (cls & kWhitespace) {
        FlushWord();
        prev_cased_ = false;
        continue;
      }
      const auto end = static_cast<uint32_t>(pos);
      if (s_.split_chinese && IsChineseChar(cp)) {
        // BERT puts spaces around CJK ideographs: a word (and a separate
        // lower-casing context) of its own.
        FlushWord();
        prev_cased_ = false;
        Normalize(cp, cls, begin, end, pos);
        FlushWord();
        prev_cased_ = false;
        continue;
      }
      Normalize(cp, cls, begin, end, pos);
    }
    FlushWord();
    return Status::Ok();
  }

 private:
  void AddSpecial(int32_t id) {
    const uint8_t* t;
    size_t n;
    if (!index_.Token(id, &t, &n) || n == 0 || specials_ == kMaxSpecials) return;
    special_first_[t[0]] = true;
    special_ids_[specials_++] = id;
  }

  // The longest special token written at pos (Hugging Face's trie split).
  bool MatchSpecial(size_t pos, int32_t* id, size_t* len) const {
    if (!special_first_[text_[pos]]) return false;
    size_t best = 0;
    for (size_t i = 0; i < specials_; ++i) {
      const uint8_t* t;
      size_t n;
      index_.Token(special_ids_[i], &t, &n);
      if (n > best && n <= size_ - pos && std::memcmp(text_ + pos, t, n) == 0) {
        best = n;
        *id = special_ids_[i];
      }
    }
    *len = best;
    return best > 0;
  }

  // Python's str.lower: capital sigma becomes final sigma when preceded by a
  // cased letter and not followed by one (case-ignorable characters skipped).
  bool FollowedByCased(size_t pos) const {
    for (size_t steps = 0; pos < size_ && steps < kSigmaLookahead; ++steps) {
      int32_t id;
      size_t len;
      if (MatchSpecial(pos, &id, &len)) return false;
      uint32_t cp;
      pos += DecodeUtf8(text_ + pos, size_ - pos, &cp);
      if (cp == kInvalid || cp == 0 || cp == 0xFFFD) continue;
      const uint8_t cls = Classify(cp, ascii_);
      if (cls & kControl) continue;
      if (cls & kWhitespace) return false;
      if (s_.split_chinese && IsChineseChar(cp)) return false;
      if (cls & kCaseIgnorable) continue;
      return (cls & kCased) != 0;
    }
    return false;
  }

  void Normalize(uint32_t cp, uint8_t cls, uint32_t begin, uint32_t end, size_t next) {
    uint32_t lowered[4];
    size_t nl = 1;
    lowered[0] = cp;
    if (s_.lower_case) {
      if (cp == 0x3A3) {
        lowered[0] = prev_cased_ && !FollowedByCased(next) ? 0x3C2 : 0x3C3;
      } else {
        nl = ToLower(cp, lowered);
      }
    }
    if (!(cls & kCaseIgnorable)) prev_cased_ = (cls & kCased) != 0;
    for (size_t i = 0; i < nl; ++i) {
      const uint32_t c = lowered[i];
      if (!s_.strip_accents) {
        Append(c, c == cp ? cls : Classify(c, ascii_), begin, end, false);
        continue;
      }
      uint32_t d[kMaxDecomposition];
      const size_t nd = c < 0xC0 ? (d[0] = c, 1) : Decompose(c, d);
      for (size_t j = 0; j < nd; ++j) {
        const uint8_t dc = Classify(d[j], ascii_);
        if (dc & kAccent) continue;
        Append(d[j], dc, begin, end, true);
      }
    }
  }

  void Append(uint32_t c, uint8_t cls, uint32_t begin, uint32_t end, bool nfd) {
    if (cls & kPunctuation) {
      FlushWord();
      Store(c, begin, end);
      FlushWord();
      return;
    }
    Store(c, begin, end);
    // NFD orders consecutive combining marks by combining class (stable).
    // Only marks that are not Mn survive accent stripping to get here.
    if (nfd && c >= 0x300 && count_ <= kMaxWordChars) {
      const uint8_t ccc = CombiningClass(c);
      size_t i = count_ - 1;
      while (ccc != 0 && i > 0) {
        const uint8_t prev = CombiningClass(w_->chars[i - 1].cp);
        if (prev == 0 || prev <= ccc) break;
        const WordChar t = w_->chars[i - 1];
        w_->chars[i - 1] = w_->chars[i];
        w_->chars[i] = t;
        --i;
      }
    }
  }

  void Store(uint32_t c, uint32_t begin, uint32_t end) {
    if (count_ == 0) word_begin_ = begin;
    word_end_ = end;
    // Past the limit the word is [UNK] whatever it holds: keep counting only.
    if (count_ <= kMaxWordChars) w_->chars[count_] = WordChar{c, begin, end};
    ++count_;
  }

  void FlushWord() {
    if (count_ == 0) return;
    const size_t m = count_;
    count_ = 0;
    if (m > s_.max_input_chars_per_word) {
      sink_->Emit(s_.unk_id, word_begin_, word_end_);
      return;
    }
    WordPiece(m);
  }

  void WordPiece(size_t m) {
    uint32_t nb = 0;
    for (size_t i = 0; i < m; ++i) {
      w_->bounds[i] = nb;
      nb += static_cast<uint32_t>(EncodeUtf8(w_->chars[i].cp, w_->bytes + nb));
    }
    w_->bounds[m] = nb;
    const uint32_t max_key = index_.max_key_bytes();
    size_t pieces = 0;
    size_t start = 0;
    while (start < m) {
      const bool cont = start > 0;
      uint32_t h = cont ? vocab_index::kContinuationSeed : vocab_index::kWordSeed;
      size_t last = start;
      for (size_t e = start + 1; e <= m; ++e) {
        if (w_->bounds[e] - w_->bounds[start] > max_key) break;
        for (uint32_t b = w_->bounds[e - 1]; b < w_->bounds[e]; ++b) h = vocab_index::HashStep(h, w_->bytes[b]);
        w_->hashes[e] = h;
        last = e;
      }
      int32_t found = -1;
      size_t e = last;
      for (; e > start; --e) {
        found = index_.FindKey(cont, w_->bytes + w_->bounds[start], w_->bounds[e] - w_->bounds[start],
                               w_->hashes[e]);
        if (found >= 0) break;
      }
      if (found < 0) {
        sink_->Emit(s_.unk_id, word_begin_, word_end_);
        return;
      }
      w_->pieces[pieces++] = Piece{found, static_cast<uint32_t>(start), static_cast<uint32_t>(e)};
      start = e;
    }
    for (size_t i = 0; i < pieces; ++i) {
      const Piece& p = w_->pieces[i];
      sink_->Emit(p.id, w_->chars[p.first].begin, w_->chars[p.last - 1].end);
    }
  }

  static constexpr size_t kMaxSpecials = 64;
  const VocabIndex& index_;
  const Settings& s_;
  const uint8_t* text_;
  size_t size_;
  WordScratch* w_;
  Sink* sink_;
  const uint8_t* ascii_;
  bool special_first_[256] = {false};
  int32_t special_ids_[kMaxSpecials];
  size_t specials_ = 0;
  size_t count_ = 0;
  uint32_t word_begin_ = 0;
  uint32_t word_end_ = 0;
  bool prev_cased_ = false;
};

// Hugging Face's "longest_first": drop the last token of the longer side
// until both fit; on a tie, from the second text.
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

size_t Tokenizer::ScratchBytes(size_t max_tokens) {
  return AlignUp(sizeof(WordScratch)) + AlignUp(max_tokens * sizeof(int32_t)) +
         AlignUp(max_tokens * sizeof(embert_token_span));
}

Status Tokenizer::Encode(const char* a, size_t a_size, const char* b, size_t b_size, void* scratch,
                         size_t scratch_size, EncodeOutput* out) const {
  const bool pair = b != nullptr;
  const size_t specials = pair ? 3 : 2;
  if (index_ == nullptr || out->capacity < specials || a == nullptr) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "tokenizer: no vocabulary, text or room");
  }
  if (a_size > UINT32_MAX - 1 || b_size > UINT32_MAX - 1) {
    return Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "text longer than 4 GiB");
  }
  if (scratch == nullptr || scratch_size < ScratchBytes(out->capacity)) {
    return Status::Error(EMBERT_STATUS_INTERNAL, "tokenizer scratch too small");
  }
  auto* base = static_cast<uint8_t*>(scratch);
  auto* word = reinterpret_cast<WordScratch*>(base);
  auto* b_ids = reinterpret_cast<int32_t*>(base + AlignUp(sizeof(WordScratch)));
  auto* b_spans = reinterpret_cast<embert_token_span*>(
      base + AlignUp(sizeof(WordScratch)) + AlignUp(out->capacity * sizeof(int32_t)));
  const size_t budget = out->capacity - specials;

  Sink sa{out->ids + 1, out->spans + 1, budget, 0, 0};
  EMBERT_RETURN_IF_ERROR(
      Pass(*index_, settings_, reinterpret_cast<const uint8_t*>(a), a_size, word, &sa).Run());
  Sink sb{b_ids, b_spans, budget, 0, 1};
  if (pair) {
    EMBERT_RETURN_IF_ERROR(
        Pass(*index_, settings_, reinterpret_cast<const uint8_t*>(b), b_size, word, &sb).Run());
  }
  if (settings_.error_on_overflow && sa.count + sb.count > budget) {
    return Status::Error(EMBERT_STATUS_SEQUENCE_TOO_LONG,
                         "input has %zu tokens with [CLS]/[SEP], the context allows %zu",
                         sa.count + sb.count + specials, out->capacity);
  }
  size_t la, lb;
  LongestFirst(sa.count, sb.count, budget, &la, &lb);
  size_t n = 0;
  out->ids[n] = settings_.cls_id;
  out->spans[n++] = embert_token_span{0, 0, 0};
  n += la;  // already in place
  out->ids[n] = settings_.sep_id;
  out->spans[n++] = embert_token_span{0, 0, 0};
  for (size_t i = 0; i < n; ++i) out->type_ids[i] = 0;
  if (pair) {
    for (size_t i = 0; i < lb; ++i, ++n) {
      out->ids[n] = b_ids[i];
      out->spans[n] = b_spans[i];
      out->type_ids[n] = 1;
    }
    out->ids[n] = settings_.sep_id;
    out->spans[n] = embert_token_span{0, 0, 1};
    out->type_ids[n++] = 1;
  }
  out->count = n;
  out->truncated = sa.count + sb.count - la - lb;
  return Status::Ok();
}

}  // namespace embert::tok
