// Fuzzes the NER and QA decoding (sdk/src/decode) with arbitrary bytes as
// probabilities, logits, flags, spans and sizes: ExtractEntities under every
// aggregation, PlanWindows / WindowRange / MaxWindows, BestSpans and
// MergeAnswers. None may crash, read or write outside the stated capacities
// (every buffer is exactly as large as stated, so ASan sees any overrun), or
// return an out-of-range index; for finite inputs (probabilities in [0, 1],
// finite logits) every score is finite and in [0, 1] and the orders hold.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "decode/answers.h"
#include "decode/entities.h"

namespace {

using embert::decode::Aggregation;
using embert::decode::Answer;
using embert::decode::AnswerSpan;
using embert::decode::ContextRange;
using embert::decode::Entity;
using embert::decode::TaggedToken;
using embert::decode::WindowPlan;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Reads the input front to back; zeros once it runs out.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t left() const { return size_ - pos_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t U16() { return static_cast<uint16_t>(Byte() | (Byte() << 8)); }
  float RawFloat() {
    uint32_t bits = 0;
    for (int i = 0; i < 4; ++i) bits |= static_cast<uint32_t>(Byte()) << (8 * i);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

bool InUnit(float x) { return std::isfinite(x) && x >= 0.0f && x <= 1.0f; }

const char* const kLabelPool[] = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "PER", "X-O", "-", "B-", "I-O", "S-PER", ""};
constexpr size_t kLabelPoolSize = sizeof(kLabelPool) / sizeof(kLabelPool[0]);

void FuzzEntities(Reader& r) {
  const uint8_t settings = r.Byte();
  const bool raw = (settings & 1) != 0;  // raw float bits, else bytes / 255
  const size_t num_labels = 1 + (settings >> 1) % 9;
  std::vector<const char*> labels(num_labels);
  for (const char*& l : labels) l = kLabelPool[r.Byte() % kLabelPoolSize];
  const size_t per_token = 2 + num_labels * (raw ? 4 : 1);
  const size_t n = r.left() / per_token;
  std::vector<float> probs(n * num_labels);
  std::vector<TaggedToken> tokens(n);
  uint32_t end = 0;
  for (size_t t = 0; t < n; ++t) {
    const uint8_t b = r.Byte();
    const uint8_t flags = r.Byte();
    tokens[t].begin = end + (b & 3);
    tokens[t].end = tokens[t].begin + (b >> 2);
    tokens[t].is_subword = (flags & 1) != 0;
    end = tokens[t].end;
    for (size_t j = 0; j < num_labels; ++j) {
      probs[t * num_labels + j] = raw ? r.RawFloat() : static_cast<float>(r.Byte()) / 255.0f;
    }
  }
  // IsSubword over arbitrary bytes: only counts, never reads past the sizes.
  if (n > 0) {
    const auto* bytes = reinterpret_cast<const char*>(probs.data());
    const size_t size = probs.size() * sizeof(float);
    (void)embert::decode::IsSubword(bytes, size / 2, bytes + size / 2, size - size / 2, (settings & 2) != 0);
  }
  for (Aggregation a :
       {Aggregation::kNone, Aggregation::kSimple, Aggregation::kFirst, Aggregation::kAverage, Aggregation::kMax}) {
    // Exactly the stated sizes, so that ASan catches any overrun.
    std::vector<uint8_t> scratch(embert::decode::EntityScratchBytes(n, num_labels));
    std::vector<Entity> out(n);
    const size_t count = embert::decode::ExtractEntities(probs.data(), num_labels, labels.data(), tokens.data(), n, a,
                                                         scratch.data(), out.data());
    Check(count <= n);
    for (size_t i = 0; i < count; ++i) {
      const Entity& e = out[i];
      Check(e.label < num_labels);
      Check(e.first_token <= e.last_token && e.last_token < n);
      Check(e.begin == tokens[e.first_token].begin && e.end == tokens[e.last_token].end);
      Check(e.begin <= e.end);
      if (i > 0) Check(out[i - 1].last_token < e.first_token);  // in text order, disjoint
      if (a == Aggregation::kNone) Check(e.first_token == e.last_token && std::strcmp(labels[e.label], "O") != 0);
      if (a != Aggregation::kNone) Check(std::strcmp(embert::decode::GroupName(labels[e.label]), "O") != 0);
      if (!raw) Check(InUnit(e.score));
    }
  }
}

void FuzzWindows(Reader& r) {
  const size_t n = r.U16() % 3000;
  const size_t q = r.U16() % 600;
  const size_t max_seq_len = r.U16() % 600;
  const size_t stride = r.U16() % 600;
  WindowPlan plan{};
  if (!embert::decode::PlanWindows(n, q, max_seq_len, stride, &plan).ok()) {
    Check(n == 0 || q + 3 >= max_seq_len || (n > max_seq_len - q - 3 && stride >= max_seq_len - q - 3));
    return;
  }
  Check(plan.count >= 1 && plan.window_tokens == max_seq_len - q - 3);
  Check(embert::decode::MaxWindows(n, q, max_seq_len, stride) == plan.count);
  size_t prev_first = 0;
  for (size_t i = 0; i < plan.count; ++i) {
    const ContextRange range = embert::decode::WindowRange(plan, i);
    Check(range.first < range.end && range.end <= n && range.end - range.first <= plan.window_tokens);
    Check(i == 0 ? range.first == 0 : range.first == prev_first + plan.step && range.first > prev_first);
    Check((range.end == n) == (i + 1 == plan.count));                  // only the last window reaches the end
    if (i > 0) Check(range.first <= prev_first + plan.window_tokens);  // no gap between windows
    prev_first = range.first;
  }
}

void FuzzSpans(Reader& r) {
  const uint8_t settings = r.Byte();
  const bool raw = (settings & 1) != 0;  // raw float bits, else int8 / 8
  const size_t top_k = r.Byte() % 9;
  const size_t max_answer_len = r.Byte() % 20;
  const size_t cls = r.Byte();  // often beyond the window: no [CLS]
  const size_t windows = 1 + (settings >> 1) % 4;
  std::vector<Answer> best(top_k);
  size_t best_count = 0;
  for (size_t w = 0; w < windows; ++w) {
    const size_t per_token = 1 + (raw ? 8 : 2);
    const size_t seq_len = (r.left() / per_token) / (windows - w);
    std::vector<float> logits(2 * seq_len);
    std::vector<uint8_t> is_context(seq_len);
    for (size_t i = 0; i < seq_len; ++i) {
      is_context[i] = r.Byte() & 1;
      for (int c = 0; c < 2; ++c) {
        logits[2 * i + c] = raw ? r.RawFloat() : static_cast<float>(static_cast<int8_t>(r.Byte())) / 8.0f;
      }
    }
    std::vector<float> scratch(embert::decode::BestSpansScratchFloats(seq_len));
    std::vector<AnswerSpan> spans(top_k);
    const size_t count = embert::decode::BestSpans(logits.data(), seq_len, is_context.data(), cls, top_k,
                                                   max_answer_len, scratch.data(), spans.data());
    Check(count <= top_k);
    std::vector<Answer> answers(count);
    for (size_t i = 0; i < count; ++i) {
      const AnswerSpan& s = spans[i];
      Check(s.start <= s.end && s.end < seq_len && s.end - s.start < max_answer_len);
      Check(is_context[s.start] != 0 && is_context[s.end] != 0);
      if (!raw) {
        Check(InUnit(s.score));
        if (i > 0) {
          const AnswerSpan& p = spans[i - 1];
          Check(p.score > s.score ||
                (p.score == s.score && (p.start < s.start || (p.start == s.start && p.end < s.end))));
        }
      }
      answers[i] = Answer{s.score, s.start, s.end + 1, static_cast<uint32_t>(w)};
    }
    embert::decode::MergeAnswers(best.data(), &best_count, top_k, answers.data(), answers.size());
    Check(best_count <= top_k);
    for (size_t i = 0; i < best_count; ++i) {
      Check(best[i].window <= w);
      if (!raw && i > 0) Check(best[i - 1].score >= best[i].score);
    }
  }
  // Word alignment over the last flags: a word's first and last tokens
  // surround the token.
  const size_t n = r.left();
  std::vector<uint8_t> continues(n);
  for (uint8_t& c : continues) c = r.Byte() & 1;
  for (size_t t = 0; t < n; ++t) {
    const size_t first = embert::decode::WordStartToken(continues.data(), t);
    const size_t last = embert::decode::WordEndToken(continues.data(), n, t);
    Check(first <= t && t <= last && last < n);
    Check(first == 0 || continues[first] == 0);
    Check(last + 1 == n || continues[last + 1] == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Reader r(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: FuzzEntities(r); break;
    case 1: FuzzWindows(r); break;
    default: FuzzSpans(r); break;
  }
  return 0;
}
