// Windows, span selection, word alignment and the merge across windows of
// the extractive QA decoding, on cases computed by hand from Hugging Face's
// QuestionAnsweringPipeline (/work/notes/task-semantics.md).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "decode/answers.h"
#include "gtest/gtest.h"

namespace embert::decode {
namespace {

std::vector<ContextRange> Windows(const WindowPlan& plan) {
  std::vector<ContextRange> out;
  for (size_t i = 0; i < plan.count; ++i) out.push_back(WindowRange(plan, i));
  return out;
}

void ExpectRanges(const WindowPlan& plan, const std::vector<std::pair<size_t, size_t>>& expected) {
  const std::vector<ContextRange> got = Windows(plan);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, expected[i].first) << "window " << i;
    EXPECT_EQ(got[i].end, expected[i].second) << "window " << i;
  }
}

TEST(PlanWindows, ShortContextIsOneWindow) {
  // max_seq_len 20, question 5: W = 20 - 5 - 3 = 12 >= 10.
  WindowPlan plan{};
  ASSERT_TRUE(PlanWindows(10, 5, 20, 4, &plan).ok());
  EXPECT_EQ(plan.window_tokens, 12u);
  ExpectRanges(plan, {{0, 10}});
  // Exactly W tokens: still one window, whatever the stride.
  ASSERT_TRUE(PlanWindows(12, 5, 20, 50, &plan).ok());
  ExpectRanges(plan, {{0, 12}});
}

TEST(PlanWindows, OverlappingWindowsStepByWMinusStride) {
  // W = 12, stride 4: step 8, starts 0, 8, 16, 24; 24 + 12 >= 30 ends it.
  WindowPlan plan{};
  ASSERT_TRUE(PlanWindows(30, 5, 20, 4, &plan).ok());
  EXPECT_EQ(plan.step, 8u);
  ExpectRanges(plan, {{0, 12}, {8, 20}, {16, 28}, {24, 30}});
  // 28 tokens: the third window [16, 28) reaches the end, no fourth.
  ASSERT_TRUE(PlanWindows(28, 5, 20, 4, &plan).ok());
  ExpectRanges(plan, {{0, 12}, {8, 20}, {16, 28}});
  // 29 tokens need a fourth window of one new token... [24, 29).
  ASSERT_TRUE(PlanWindows(29, 5, 20, 4, &plan).ok());
  ExpectRanges(plan, {{0, 12}, {8, 20}, {16, 28}, {24, 29}});
  // Stride 0: windows side by side.
  ASSERT_TRUE(PlanWindows(30, 5, 20, 0, &plan).ok());
  ExpectRanges(plan, {{0, 12}, {12, 24}, {24, 30}});
  // stride W - 1: one new token per window.
  ASSERT_TRUE(PlanWindows(14, 5, 20, 11, &plan).ok());
  ExpectRanges(plan, {{0, 12}, {1, 13}, {2, 14}});
}

TEST(PlanWindows, PipelineDefaults) {
  // max_seq_len 384, doc_stride 128, a 10-token question: W = 371, step 243;
  // 1000 tokens: starts 0, 243, 486, 729 (729 + 371 = 1100 >= 1000).
  WindowPlan plan{};
  ASSERT_TRUE(PlanWindows(1000, 10, 384, 128, &plan).ok());
  ExpectRanges(plan, {{0, 371}, {243, 614}, {486, 857}, {729, 1000}});
  EXPECT_EQ(MaxWindows(1000, 10, 384, 128), 4u);
}

TEST(PlanWindows, QuestionTooLong) {
  WindowPlan plan{7, 7, 7, 7};
  // 20 - 17 - 3 = 0 context tokens per window.
  const Status s = PlanWindows(10, 17, 20, 4, &plan);
  EXPECT_EQ(s.code(), EMBERT_STATUS_SEQUENCE_TOO_LONG);
  EXPECT_NE(std::strstr(s.message(), "question"), nullptr) << s.message();
  EXPECT_EQ(PlanWindows(10, 30, 20, 4, &plan).code(), EMBERT_STATUS_SEQUENCE_TOO_LONG);
  EXPECT_EQ(plan.count, 7u);  // untouched
  // One context token per window still works.
  ASSERT_TRUE(PlanWindows(3, 16, 20, 0, &plan).ok());
  ExpectRanges(plan, {{0, 1}, {1, 2}, {2, 3}});
}

TEST(PlanWindows, EmptyContext) {
  WindowPlan plan{};
  const Status s = PlanWindows(0, 5, 20, 4, &plan);
  EXPECT_EQ(s.code(), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(s.message(), "context is empty"), nullptr) << s.message();
}

TEST(PlanWindows, StrideNotSmallerThanTheWindow) {
  WindowPlan plan{};
  // W = 12: 13 tokens need two windows, stride 12 would not advance.
  const Status s = PlanWindows(13, 5, 20, 12, &plan);
  EXPECT_EQ(s.code(), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(s.message(), "stride"), nullptr) << s.message();
  EXPECT_EQ(PlanWindows(13, 5, 20, 100, &plan).code(), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_TRUE(PlanWindows(13, 5, 20, 11, &plan).ok());
}

TEST(MaxWindows, BoundsEveryContextUpToTheLimit) {
  EXPECT_EQ(MaxWindows(30, 5, 20, 4), 4u);
  EXPECT_EQ(MaxWindows(10, 5, 20, 4), 1u);
  EXPECT_EQ(MaxWindows(0, 5, 20, 4), 0u);
  EXPECT_EQ(MaxWindows(30, 17, 20, 4), 0u);  // question too long: no context fits
  EXPECT_EQ(MaxWindows(30, 5, 20, 12), 1u);  // only contexts of <= 12 tokens work
  for (size_t n = 1; n <= 30; ++n) {
    WindowPlan plan{};
    ASSERT_TRUE(PlanWindows(n, 5, 20, 4, &plan).ok());
    EXPECT_LE(plan.count, MaxWindows(30, 5, 20, 4));
  }
}

// A window [CLS] q q [SEP] c c c c [SEP]: positions 4..7 are context.
constexpr size_t kSeq = 9;
const uint8_t kIsContext[kSeq] = {0, 0, 0, 0, 1, 1, 1, 1, 0};

struct Logits {
  std::vector<float> interleaved = std::vector<float>(2 * kSeq, 0.0f);
  void Set(size_t i, float start, float end) {
    interleaved[2 * i] = start;
    interleaved[2 * i + 1] = end;
  }
};

std::vector<AnswerSpan> Best(const Logits& l, size_t top_k, size_t max_answer_len,
                             const uint8_t* is_context = kIsContext, size_t seq_len = kSeq, size_t cls = 0) {
  std::vector<float> scratch(BestSpansScratchFloats(seq_len));
  std::vector<AnswerSpan> out(top_k + 1);
  out[top_k].start = 999;  // a canary past the stated capacity
  const size_t count =
      BestSpans(l.interleaved.data(), seq_len, is_context, cls, top_k, max_answer_len, scratch.data(), out.data());
  EXPECT_LE(count, top_k);
  EXPECT_EQ(out[top_k].start, 999u);
  out.resize(count);
  return out;
}

// The spec's probability of one position, in double, over the unmasked
// positions (context and [CLS]); masked ones contribute exp(-10000 - max) = 0.
double P(const std::vector<double>& unmasked_logits, double logit) {
  double max = unmasked_logits[0];
  for (double x : unmasked_logits) max = std::max(max, x);
  double sum = 0;
  for (double x : unmasked_logits) sum += std::exp(x - max);
  return std::exp(logit - max) / sum;
}

TEST(BestSpans, EqualScoresComeInStartEndOrder) {
  // All logits 0: five unmasked positions, each 1/5; [CLS] zeroed; every
  // candidate scores 0.2f * 0.2f.
  const Logits l;
  const float score = 0.2f * 0.2f;
  std::vector<AnswerSpan> s = Best(l, 3, 15);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].start, 4u);
  EXPECT_EQ(s[0].end, 4u);
  EXPECT_EQ(s[1].start, 4u);
  EXPECT_EQ(s[1].end, 5u);
  EXPECT_EQ(s[2].start, 4u);
  EXPECT_EQ(s[2].end, 6u);
  for (const AnswerSpan& a : s) EXPECT_EQ(a.score, score);
  // max_answer_len 2: (4,4) (4,5) (5,5) (5,6) ...
  s = Best(l, 4, 2);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[2].start, 5u);
  EXPECT_EQ(s[2].end, 5u);
  EXPECT_EQ(s[3].start, 5u);
  EXPECT_EQ(s[3].end, 6u);
}

TEST(BestSpans, ClsWithTheHighestLogitIsNeverTheAnswer) {
  Logits l;
  l.Set(0, 10.0f, 10.0f);  // [CLS]: takes part in the softmax, then zeroed
  l.Set(5, 2.0f, 0.0f);
  l.Set(6, 0.0f, 3.0f);
  const std::vector<AnswerSpan> s = Best(l, 1, 15);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].start, 5u);
  EXPECT_EQ(s[0].end, 6u);
  const double expected = P({10, 0, 2, 0, 0}, 2) * P({10, 0, 0, 3, 0}, 3);
  EXPECT_NEAR(s[0].score, expected, 1e-6 * expected);
  EXPECT_LT(s[0].score, 0.001f);  // most of the mass went to [CLS]
}

TEST(BestSpans, QuestionAndSeparatorsAreMasked) {
  Logits l;
  l.Set(1, 50.0f, 50.0f);  // a question token
  l.Set(8, 50.0f, 50.0f);  // the last [SEP]
  l.Set(7, 1.0f, 1.0f);    // the last context token: the answer, at the window's edge
  const std::vector<AnswerSpan> s = Best(l, 2, 15);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].start, 7u);
  EXPECT_EQ(s[0].end, 7u);
  // The masked positions got exp(-10000 - 1) = 0: p(7) = e / (e + 4).
  const double p7 = P({0, 0, 0, 0, 1}, 1);
  EXPECT_NEAR(s[0].score, p7 * p7, 1e-6);
  // Second: p(7) * p(any other) ties for (4,7) (5,7) (6,7): (4,7) first.
  EXPECT_EQ(s[1].start, 4u);
  EXPECT_EQ(s[1].end, 7u);
}

TEST(BestSpans, ContextRunningToTheEndOfTheSequence) {
  // [CLS] q [SEP] c c c: the last position is a candidate.
  const uint8_t is_context[6] = {0, 0, 0, 1, 1, 1};
  Logits l;
  l.Set(5, 4.0f, 4.0f);
  const std::vector<AnswerSpan> s = Best(l, 1, 15, is_context, 6);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].start, 5u);
  EXPECT_EQ(s[0].end, 5u);
}

TEST(BestSpans, MaxAnswerLenLimitsTheSpan) {
  Logits l;
  l.Set(4, 5.0f, 0.0f);
  l.Set(7, 0.0f, 4.0f);
  // Length 4 allowed: (4, 7).
  std::vector<AnswerSpan> s = Best(l, 1, 4);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].start, 4u);
  EXPECT_EQ(s[0].end, 7u);
  // Length 3: (4, 7) is out; p_s(4) p_e(4..6) (e^5 / Zs)(1 / Ze) beats
  // p_s(5..7) p_e(7) (1 / Zs)(e^4 / Ze); (4,4) (4,5) (4,6) tie: (4,4).
  s = Best(l, 2, 3);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].start, 4u);
  EXPECT_EQ(s[0].end, 4u);
  EXPECT_EQ(s[1].start, 4u);
  EXPECT_EQ(s[1].end, 5u);
  // Length 1: only s == e.
  s = Best(l, 10, 1);
  ASSERT_EQ(s.size(), 4u);
  for (const AnswerSpan& a : s) EXPECT_EQ(a.start, a.end);
  EXPECT_EQ(s[0].start, 4u);
  // Length 0: nothing.
  EXPECT_TRUE(Best(l, 1, 0).empty());
}

TEST(BestSpans, ScoresDescendWithEveryCandidateWhenTopKIsLarge) {
  Logits l;
  l.Set(4, 1.0f, 0.0f);
  l.Set(5, 2.0f, 1.0f);
  l.Set(6, 0.0f, 3.0f);
  l.Set(7, 0.5f, 2.0f);
  // 4 + 3 + 2 + 1 = 10 candidates.
  const std::vector<AnswerSpan> s = Best(l, 50, 15);
  ASSERT_EQ(s.size(), 10u);
  EXPECT_EQ(s[0].start, 5u);
  EXPECT_EQ(s[0].end, 6u);
  for (size_t i = 1; i < s.size(); ++i) {
    EXPECT_GE(s[i - 1].score, s[i].score);
    if (s[i - 1].score == s[i].score) {
      EXPECT_TRUE(s[i - 1].start < s[i].start || (s[i - 1].start == s[i].start && s[i - 1].end < s[i].end));
    }
    EXPECT_LE(s[i].start, s[i].end);
  }
  // The same list as top_k 3 gives, in the same order.
  const std::vector<AnswerSpan> top3 = Best(l, 3, 15);
  ASSERT_EQ(top3.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(top3[i].start, s[i].start);
    EXPECT_EQ(top3[i].end, s[i].end);
  }
}

TEST(BestSpans, NoContextNoAnswer) {
  const uint8_t none[kSeq] = {};
  EXPECT_TRUE(Best(Logits(), 3, 15, none).empty());
  EXPECT_TRUE(Best(Logits(), 0, 15).empty());
}

TEST(Words, ContinuationPiecesBelongToTheirWord) {
  // "unbelievable, really": un ##believ ##able , really
  const uint8_t continues[5] = {0, 1, 1, 0, 0};
  EXPECT_EQ(WordStartToken(continues, 0), 0u);
  EXPECT_EQ(WordStartToken(continues, 2), 0u);
  EXPECT_EQ(WordEndToken(continues, 5, 0), 2u);
  EXPECT_EQ(WordEndToken(continues, 5, 1), 2u);
  EXPECT_EQ(WordStartToken(continues, 3), 3u);
  EXPECT_EQ(WordEndToken(continues, 5, 3), 3u);
  EXPECT_EQ(WordEndToken(continues, 5, 4), 4u);
  // A first token flagged as continuing (a window's view) starts its word.
  const uint8_t odd[2] = {1, 1};
  EXPECT_EQ(WordStartToken(odd, 1), 0u);
}

TEST(Words, AWordCutByTheWindowEndsAtItsEdge) {
  // Context "un ##believ ##able , really", window [1, 4): "##believ ##able ,".
  // HF's window encoding knows only its own tokens, so the word containing
  // "##able" starts at "##believ" (window token 0), not at "un".
  const uint8_t continues[5] = {0, 1, 1, 0, 0};
  const ContextRange window{1, 4};
  const uint8_t* slice = continues + window.first;
  const size_t n = window.end - window.first;
  EXPECT_EQ(window.first + WordStartToken(slice, 2 - window.first), 1u);
  EXPECT_EQ(window.first + WordEndToken(slice, n, 1 - window.first), 2u);
  // A window [0, 2) cuts after "##believ": the word ends there.
  EXPECT_EQ(WordEndToken(continues, 2, 0), 1u);
}

Answer A(float score, uint32_t id, uint32_t window) { return Answer{score, id, id + 1, window}; }

TEST(MergeAnswers, EqualScoresKeepWindowOrder) {
  Answer best[3];
  size_t count = 0;
  const Answer w0[] = {A(0.5f, 0, 0), A(0.25f, 1, 0)};
  const Answer w1[] = {A(0.5f, 2, 1), A(0.4f, 3, 1)};
  const Answer w2[] = {A(0.5f, 4, 2)};
  MergeAnswers(best, &count, 3, w0, 2);
  ASSERT_EQ(count, 2u);
  MergeAnswers(best, &count, 3, w1, 2);
  // sorted([0.5 a0, 0.25 a1, 0.5 a2, 0.4 a3], reverse) = a0 a2 a3 a1.
  ASSERT_EQ(count, 3u);
  EXPECT_EQ(best[0].begin, 0u);
  EXPECT_EQ(best[1].begin, 2u);
  EXPECT_EQ(best[2].begin, 3u);
  MergeAnswers(best, &count, 3, w2, 1);
  // a0 a2 a4 a3 a1: the later 0.5 goes after the earlier ones.
  ASSERT_EQ(count, 3u);
  EXPECT_EQ(best[0].begin, 0u);
  EXPECT_EQ(best[1].begin, 2u);
  EXPECT_EQ(best[2].begin, 4u);
  EXPECT_EQ(best[2].window, 2u);
}

TEST(MergeAnswers, SameAsAStableSortOfEverything) {
  std::mt19937 rng(17);
  for (int round = 0; round < 200; ++round) {
    const size_t top_k = 1 + rng() % 5;
    const size_t windows = 1 + rng() % 6;
    std::vector<Answer> all;
    std::vector<Answer> best(top_k);
    size_t count = 0;
    for (size_t w = 0; w < windows; ++w) {
      std::vector<Answer> mine;
      const size_t n = rng() % (top_k + 1);
      for (size_t i = 0; i < n; ++i) mine.push_back(A(static_cast<float>(rng() % 4) / 4.0f, rng() % 1000, w));
      std::stable_sort(mine.begin(), mine.end(), [](const Answer& a, const Answer& b) { return a.score > b.score; });
      all.insert(all.end(), mine.begin(), mine.end());
      MergeAnswers(best.data(), &count, top_k, mine.data(), mine.size());
    }
    std::stable_sort(all.begin(), all.end(), [](const Answer& a, const Answer& b) { return a.score > b.score; });
    all.resize(std::min(all.size(), top_k));
    ASSERT_EQ(count, all.size());
    for (size_t i = 0; i < count; ++i) {
      EXPECT_EQ(best[i].score, all[i].score);
      EXPECT_EQ(best[i].begin, all[i].begin);
      EXPECT_EQ(best[i].window, all[i].window);
    }
  }
}

}  // namespace
}  // namespace embert::decode
