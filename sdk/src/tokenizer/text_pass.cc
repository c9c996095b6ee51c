// BasicTokenizer + WordPiece over one text, in the order Hugging Face applies
// them:
//   special tokens written in the text are kept whole (it splits on them
//   first); cleaning drops NUL, U+FFFD and C*; whitespace ends a word; CJK
//   ideographs become words; lower-casing one character at a time; NFD and
//   removal of Mn when stripping accents; punctuation becomes words;
//   WordPiece (greedy longest match, "##" continuations, [UNK] per word).
// Each normalised character remembers the byte span of the source character
// it came from, which gives every token its offsets.
#include "tokenizer/text_pass.h"

#include <cstring>

#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"
#include "tokenizer/vocab_index.h"

namespace embert::tok::detail {
namespace {

constexpr uint32_t kInvalid = 0xFFFFFFFFu;
// Characters stored per word: one more than the longest word WordPiece may
// see, so that a word is known to be too long before its storage runs out.
constexpr size_t kWordCapacity = kMaxWordChars + 1;

struct WordChar {
  uint32_t cp;
  uint32_t begin;  // source bytes of the character it came from
  uint32_t end;
};

struct Piece {
  int32_t id;
  uint32_t first;
  uint32_t last;  // exclusive, in characters
};

struct WordScratch {
  WordChar chars[kWordCapacity];
  uint32_t bounds[kWordCapacity + 1];  // byte offset of each character in `bytes`
  uint32_t hashes[kWordCapacity + 1];  // hash of the piece ending before character i
  Piece pieces[kWordCapacity];
  uint8_t bytes[4 * kWordCapacity];  // the word in UTF-8
};

class Pass {
 public:
  Pass(const VocabIndex& index, const Settings& settings, const uint8_t* kinds, const uint8_t* text, size_t size,
       WordScratch* w, TokenSink* sink)
      : index_(index),
        s_(settings),
        kinds_(kinds),
        text_(text),
        size_(size),
        w_(w),
        sink_(sink),
        max_key_(index.max_key_bytes()) {}

  Status Run() {
    const uint8_t* const text = text_;
    const size_t size = size_;
    const bool lower = s_.lower_case;
    size_t pos = 0;
    while (pos < size) {
      const uint8_t b = text[pos];
      uint8_t kind = kinds_[b];
      // The hot path: a letter or digit of ASCII text.
      if (kind == kByteWord) {
        Store(lower && static_cast<uint8_t>(b - 'A') < 26 ? b + 32u : b, Pos(pos), Pos(pos + 1));
        ++pos;
        continue;
      }
      if (kind & kByteSpecial) {
        int32_t id;
        size_t len;
        if (MatchSpecial(pos, &id, &len)) {
          Flush();
          sink_->Emit(id, Pos(pos), Pos(pos + len));
          pos += len;
          continue;
        }
        kind &= kByteKindMask;
      }
      switch (kind) {
        case kByteWord:
          Store(lower && static_cast<uint8_t>(b - 'A') < 26 ? b + 32u : b, Pos(pos), Pos(pos + 1));
          ++pos;
          continue;
        case kByteSpace:
          Flush();
          ++pos;
          continue;
        case kBytePunct:
          Flush();
          Store(b, Pos(pos), Pos(pos + 1));
          Flush();
          ++pos;
          continue;
        case kByteDrop: ++pos; continue;
        default: break;
      }
      uint32_t cp;
      const size_t len = DecodeUtf8(text + pos, size - pos, &cp);
      const uint32_t begin = Pos(pos);
      pos += len;
      if (cp == kInvalid) {
        if (!s_.replace_invalid_utf8) {
          return Status::Error(EMBERT_STATUS_INVALID_UTF8, "invalid UTF-8 at byte %u of text %u", begin, sink_->text);
        }
        continue;  // read as U+FFFD, which cleaning drops
      }
      if (cp == 0xFFFD) continue;
      const uint8_t cls = ClassOf(cp);
      if (cls & kControl) continue;
      if (cls & kWhitespace) {
        Flush();
        continue;
      }
      if (s_.split_chinese && IsChineseChar(cp)) {
        // BERT puts spaces around CJK ideographs: a word of its own.
        Flush();
        Normalize(cp, cls, begin, Pos(pos));
        Flush();
        continue;
      }
      Normalize(cp, cls, begin, Pos(pos));
    }
    Flush();
    return Status::Ok();
  }

 private:
  // Encode checked that texts are shorter than 4 GiB.
  static uint32_t Pos(size_t p) { return static_cast<uint32_t>(p); }

  // The longest special token written at pos: Hugging Face's trie split keeps
  // the longest match at the earliest position, case-sensitively.
  bool MatchSpecial(size_t pos, int32_t* id, size_t* len) const {
    size_t best = 0;
    auto consider = [&](int32_t candidate) {
      const uint8_t* t;
      size_t n;
      if (index_.Token(candidate, &t, &n) && n > best && n <= size_ - pos && std::memcmp(text_ + pos, t, n) == 0) {
        best = n;
        *id = candidate;
      }
    };
    for (size_t i = 0; i < s_.special_ids.size(); ++i) consider(s_.special_ids[i]);
    consider(s_.unk_id);
    consider(s_.cls_id);
    consider(s_.sep_id);
    *len = best;
    return best > 0;
  }

  // Lower-cases (one character at a time, as Hugging Face does: no
  // final-sigma context) and strips accents, then appends.
  void Normalize(uint32_t cp, uint8_t cls, uint32_t begin, uint32_t end) {
    uint32_t lowered[kMaxLower];
    size_t nl = 1;
    lowered[0] = cp;
    if (s_.lower_case && (cls & kHasLower)) nl = ToLower(cp, lowered);
    for (size_t i = 0; i < nl; ++i) {
      const uint32_t c = lowered[i];
      const uint8_t cc = c == cp ? cls : ClassOf(c);
      if (!s_.strip_accents) {
        Append(c, cc, begin, end, false);
        continue;
      }
      if (!(cc & kHasDecomposition)) {
        Stripped(c, cc, begin, end);
        continue;
      }
      uint32_t d[kMaxDecomposition];
      const size_t nd = Decompose(c, d);
      for (size_t j = 0; j < nd; ++j) Stripped(d[j], ClassOf(d[j]), begin, end);
    }
  }

  // A character of the NFD form when stripping accents.
  void Stripped(uint32_t c, uint8_t cls, uint32_t begin, uint32_t end) {
    if (cls & kAccent) {
      // A removed starter still separated the marks around it when NFD
      // ordered them: later marks may not move before this point.
      if (!(cls & kNonStarter)) reorder_floor_ = count_;
      return;
    }
    Append(c, cls, begin, end, true);
  }

  void Append(uint32_t c, uint8_t cls, uint32_t begin, uint32_t end, bool nfd) {
    if (cls & kPunctuation) {
      Flush();
      Store(c, begin, end);
      Flush();
      return;
    }
    Store(c, begin, end);
    if (nfd && (cls & kNonStarter) && count_ <= kWordCapacity) Reorder();
  }

  // NFD's canonical ordering: a stable sort of consecutive non-starters by
  // combining class. Only marks that are not Mn survive stripping to get
  // here. The spans stay where they are, so that offsets keep following the
  // source order (tokens never overlap); only the code points move.
  void Reorder() {
    size_t i = count_ - 1;
    const uint8_t ccc = CombiningClass(w_->chars[i].cp);
    while (i > reorder_floor_) {
      const uint32_t prev = w_->chars[i - 1].cp;
      if (!(ClassOf(prev) & kNonStarter) || CombiningClass(prev) <= ccc) break;
      w_->chars[i - 1].cp = w_->chars[i].cp;
      w_->chars[i].cp = prev;
      --i;
    }
  }

  void Store(uint32_t c, uint32_t begin, uint32_t end) {
    if (count_ < kWordCapacity) w_->chars[count_] = WordChar{c, begin, end};
    last_end_ = end;
    ++count_;
  }

  void Flush() {
    if (count_ == 0) return;
    const size_t m = count_;
    count_ = 0;
    reorder_floor_ = 0;
    if (m > s_.max_input_chars_per_word) {
      sink_->Emit(s_.unk_id, w_->chars[0].begin, last_end_);
      return;
    }
    WordPiece(m);
  }

  // Greedy longest match first. Each piece's candidates are hashed
  // incrementally in one forward pass (no "##" + piece strings), then looked
  // up from the longest; pieces longer than the longest vocabulary entry are
  // never tried.
  void WordPiece(size_t m) {
    WordScratch& w = *w_;
    uint32_t nb = 0;
    for (size_t i = 0; i < m; ++i) {
      w.bounds[i] = nb;
      const uint32_t c = w.chars[i].cp;
      if (c < 0x80) {
        w.bytes[nb++] = static_cast<uint8_t>(c);
      } else {
        nb += static_cast<uint32_t>(EncodeUtf8(c, w.bytes + nb));
      }
    }
    w.bounds[m] = nb;
    size_t pieces = 0;
    size_t start = 0;
    while (start < m) {
      const bool cont = start > 0;
      const uint32_t base = w.bounds[start];
      uint32_t h = cont ? vocab_index::kContinuationSeed : vocab_index::kWordSeed;
      size_t last = start;
      for (size_t e = start + 1; e <= m && w.bounds[e] - base <= max_key_; ++e) {
        for (uint32_t b = w.bounds[e - 1]; b < w.bounds[e]; ++b) h = vocab_index::HashStep(h, w.bytes[b]);
        w.hashes[e] = h;
        VocabProbe::Prefetch(index_, h);
        last = e;
      }
      int32_t found = -1;
      size_t e = last;
      for (; e > start; --e) {
        found = index_.FindKey(cont, w.bytes + base, w.bounds[e] - base, w.hashes[e]);
        if (found >= 0) break;
      }
      if (found < 0) {
        sink_->Emit(s_.unk_id, w.chars[0].begin, last_end_);
        return;
      }
      w.pieces[pieces++] = Piece{found, static_cast<uint32_t>(start), static_cast<uint32_t>(e)};
      start = e;
    }
    for (size_t i = 0; i < pieces; ++i) {
      const Piece& p = w.pieces[i];
      sink_->Emit(p.id, w.chars[p.first].begin, w.chars[p.last - 1].end);
    }
  }

  const VocabIndex& index_;
  const Settings& s_;
  const uint8_t* kinds_;
  const uint8_t* text_;
  size_t size_;
  WordScratch* w_;
  TokenSink* sink_;
  uint32_t max_key_;
  size_t count_ = 0;          // characters of the current word (stored or not)
  size_t reorder_floor_ = 0;  // marks may not be reordered before this index
  uint32_t last_end_ = 0;     // end of the current word's last character
};

}  // namespace

void FillByteKinds(const VocabIndex& index, const Settings& settings, uint8_t kinds[256]) {
  for (uint32_t b = 0; b < 256; ++b) {
    uint8_t kind = kByteMulti;
    if (b < 0x80) {
      const uint8_t cls = ClassOf(b);
      kind = (b == 0 || (cls & kControl)) ? kByteDrop
             : (cls & kWhitespace)        ? kByteSpace
             : (cls & kPunctuation)       ? kBytePunct
                                          : kByteWord;
    }
    kinds[b] = kind;
  }
  auto mark = [&](int32_t id) {
    const uint8_t* t;
    size_t n;
    if (index.Token(id, &t, &n) && n > 0) kinds[t[0]] |= kByteSpecial;
  };
  for (size_t i = 0; i < settings.special_ids.size(); ++i) mark(settings.special_ids[i]);
  mark(settings.unk_id);
  mark(settings.cls_id);
  mark(settings.sep_id);
}

size_t WordScratchBytes() { return (sizeof(WordScratch) + 63) / 64 * 64; }

Status TokenizeText(const VocabIndex& index, const Settings& settings, const uint8_t* kinds, const uint8_t* text,
                    size_t size, void* word_scratch, TokenSink* sink) {
  return Pass(index, settings, kinds, text, size, static_cast<WordScratch*>(word_scratch), sink).Run();
}

}  // namespace embert::tok::detail
