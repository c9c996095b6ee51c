// ExtractEntities and its helpers on cases computed by hand from Hugging
// Face's TokenClassificationPipeline (gather_pre_entities, aggregate_words,
// group_entities; /work/notes/task-semantics.md). Probabilities are dyadic
// (0.5, 0.625, ...) so that every mean below is exact in float32.
#include <cstring>
#include <string>
#include <vector>

#include "decode/entities.h"
#include "gtest/gtest.h"

namespace embert::decode {
namespace {

// Label indices of kLabels.
constexpr uint32_t kO = 0, kBPer = 1, kIPer = 2, kBLoc = 3, kILoc = 4;
const char* const kLabels[] = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC"};
constexpr size_t kNumLabels = 5;

// A row with `p` on `label` and half the rest on O (so that p = 0.5 is still
// the argmax); rows need not sum to 1 here.
std::vector<float> Row(uint32_t label, float p) {
  std::vector<float> row(kNumLabels, 0.0f);
  row[label] = p;
  if (label != kO) row[kO] = (1.0f - p) / 2;
  return row;
}

struct Case {
  std::vector<float> probs;
  std::vector<TaggedToken> tokens;
  void Add(uint32_t begin, uint32_t end, bool is_subword, const std::vector<float>& row) {
    tokens.push_back(TaggedToken{begin, end, is_subword});
    probs.insert(probs.end(), row.begin(), row.end());
  }
  std::vector<Entity> Run(Aggregation aggregation, const char* const* labels = kLabels,
                          size_t num_labels = kNumLabels) const {
    const size_t n = tokens.size();
    std::vector<float> scratch(EntityScratchBytes(n, num_labels) / sizeof(float) + 1);
    std::vector<Entity> out(n + 1);
    out[n].label = 12345;  // a canary past the stated capacity
    const size_t count =
        ExtractEntities(probs.data(), num_labels, labels, tokens.data(), n, aggregation, scratch.data(), out.data());
    EXPECT_LE(count, n);
    EXPECT_EQ(out[n].label, 12345u);
    out.resize(count);
    return out;
  }
};

void ExpectEntity(const Entity& e, uint32_t label, uint32_t begin, uint32_t end, float score, uint32_t first_token,
                  uint32_t last_token) {
  EXPECT_EQ(e.label, label);
  EXPECT_EQ(e.begin, begin);
  EXPECT_EQ(e.end, end);
  EXPECT_EQ(e.score, score);
  EXPECT_EQ(e.first_token, first_token);
  EXPECT_EQ(e.last_token, last_token);
}

TEST(IsSubword, ContinuationPiecesAreLongerThanTheirText) {
  EXPECT_TRUE(IsSubword("##ing", 5, "ing", 3, false));
  EXPECT_FALSE(IsSubword("play", 4, "play", 4, false));
  // "##ing" over "ing" is a subword by length, not by the "##": a piece whose
  // text is as long as the entry is not one.
  EXPECT_FALSE(IsSubword("##", 2, "ab", 2, false));
}

TEST(IsSubword, CountsCodePointsNotBytes) {
  // Lower-cased and accent-stripped: "e" over a precomposed "é" (U+00E9, two
  // bytes) is one code point each: not a subword.
  EXPECT_FALSE(IsSubword("e", 1, "\xC3\xA9", 2, false));
  // The same letter decomposed, "e" + U+0301: two code points of text for one
  // of the entry, so HF calls it a subword.
  EXPECT_TRUE(IsSubword("e", 1, "e\xCC\x81", 3, false));
  // CJK: one character, one token, three bytes each.
  EXPECT_FALSE(IsSubword("\xE4\xB8\xAD", 3, "\xE4\xB8\xAD", 3, false));
  EXPECT_TRUE(IsSubword("##\xE4\xB8\xAD", 5, "\xE4\xB8\xAD", 3, false));
}

TEST(IsSubword, UnknownTokensNeverAre) {
  // "[UNK]" (5) over a snowman (1 code point) would differ; HF compares the
  // text with itself for [UNK].
  EXPECT_TRUE(IsSubword("[UNK]", 5, "\xE2\x98\x83", 3, false));
  EXPECT_FALSE(IsSubword("[UNK]", 5, "\xE2\x98\x83", 3, true));
}

TEST(GroupName, TextAfterTheFirstDash) {
  const char* per = "B-PER";
  EXPECT_EQ(GroupName(per), per + 2);
  EXPECT_STREQ(GroupName("I-LOC"), "LOC");
  EXPECT_STREQ(GroupName("B-MISC-X"), "MISC-X");
  const char* o = "O";
  EXPECT_EQ(GroupName(o), o);
  EXPECT_STREQ(GroupName("PER"), "PER");
  EXPECT_STREQ(GroupName("-"), "");
}

TEST(EntityScratchBytes, CoversTheLargerOfTokensAndLabels) {
  EXPECT_EQ(EntityScratchBytes(0, 9), 0u);
  EXPECT_EQ(EntityScratchBytes(3, 9), 9 * sizeof(float));
  EXPECT_EQ(EntityScratchBytes(12, 9), 12 * sizeof(float));
}

// "john lives in paris": one token per word.
Case JohnLivesInParis() {
  Case c;
  c.Add(0, 4, false, Row(kBPer, 0.75f));
  c.Add(5, 10, false, Row(kO, 1.0f));
  c.Add(11, 13, false, Row(kO, 1.0f));
  c.Add(14, 19, false, Row(kBLoc, 0.625f));
  return c;
}

TEST(ExtractEntities, NoneGivesTokensAndDropsO) {
  const std::vector<Entity> e = JohnLivesInParis().Run(Aggregation::kNone);
  ASSERT_EQ(e.size(), 2u);
  ExpectEntity(e[0], kBPer, 0, 4, 0.75f, 0, 0);
  ExpectEntity(e[1], kBLoc, 14, 19, 0.625f, 3, 3);
}

TEST(ExtractEntities, ArgmaxTakesTheFirstOfEqualProbabilities) {
  Case c;
  std::vector<float> row = {0.0f, 0.5f, 0.0f, 0.5f, 0.0f};  // B-PER and B-LOC tie
  c.Add(0, 3, false, row);
  const std::vector<Entity> e = c.Run(Aggregation::kNone);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].label, kBPer);
}

TEST(ExtractEntities, SimpleGroupsBIAndAveragesTheScores) {
  Case c;
  c.Add(0, 4, false, Row(kBPer, 0.5f));     // jean   B-PER
  c.Add(5, 9, false, Row(kIPer, 0.75f));    // paul   I-PER: joins
  c.Add(10, 16, false, Row(kIPer, 1.0f));   // sartre I-PER: joins, mean (0.5 + 0.75 + 1) / 3 = 0.75
  c.Add(17, 19, false, Row(kO, 1.0f));      // in     O: a group of its own, dropped
  c.Add(20, 25, false, Row(kILoc, 0.5f));   // I-LOC after O: a new group (tag LOC != O)
  c.Add(26, 30, false, Row(kBLoc, 0.75f));  // B-LOC after I-LOC: B always starts a group
  c.Add(31, 35, false, Row(kBLoc, 1.0f));   // B-LOC after B-LOC: another one
  c.Add(36, 40, false, Row(kIPer, 0.5f));   // I-PER after B-LOC: tag differs, new group
  const std::vector<Entity> e = c.Run(Aggregation::kSimple);
  ASSERT_EQ(e.size(), 5u);
  ExpectEntity(e[0], kBPer, 0, 16, 0.75f, 0, 2);
  ExpectEntity(e[1], kILoc, 20, 25, 0.5f, 4, 4);
  ExpectEntity(e[2], kBLoc, 26, 30, 0.75f, 5, 5);
  ExpectEntity(e[3], kBLoc, 31, 35, 1.0f, 6, 6);
  ExpectEntity(e[4], kIPer, 36, 40, 0.5f, 7, 7);
  EXPECT_STREQ(GroupName(kLabels[e[1].label]), "LOC");
}

TEST(ExtractEntities, TagsWithoutPrefixCountAsInside) {
  // get_tag("PER") = (I, "PER"): it continues a B-PER group, and an I-PER
  // continues it; the group's name comes from its first member.
  const char* const labels[] = {"O", "PER", "I-PER", "B-PER", "S-PER"};
  Case c;
  c.Add(0, 1, false, {0.0f, 0.5f, 0.0f, 0.0f, 0.0f});  // PER: a group "PER"
  c.Add(2, 3, false, {0.0f, 0.0f, 1.0f, 0.0f, 0.0f});  // I-PER: same tag, joins
  c.Add(4, 5, false, {0.0f, 0.0f, 0.0f, 1.0f, 0.0f});  // B-PER: new group
  c.Add(6, 7, false, {0.0f, 0.5f, 0.0f, 0.0f, 0.0f});  // PER: joins the B-PER group
  c.Add(8, 9, false, {0.0f, 0.0f, 0.0f, 0.0f, 1.0f});  // S-PER: tag "S-PER" != "PER", new group
  const std::vector<Entity> e = c.Run(Aggregation::kSimple, labels, 5);
  ASSERT_EQ(e.size(), 3u);
  ExpectEntity(e[0], 1, 0, 3, 0.75f, 0, 1);
  ExpectEntity(e[1], 3, 4, 7, 0.75f, 2, 3);
  ExpectEntity(e[2], 4, 8, 9, 1.0f, 4, 4);
  EXPECT_STREQ(GroupName(labels[e[0].label]), "PER");
  EXPECT_STREQ(GroupName(labels[e[2].label]), "PER");
}

TEST(ExtractEntities, AGroupNamedOIsDropped) {
  // "X-O" groups as "O" and is dropped like the plain "O".
  const char* const labels[] = {"O", "X-O", "B-PER"};
  Case c;
  c.Add(0, 1, false, {0.0f, 1.0f, 0.0f});
  c.Add(2, 3, false, {0.0f, 0.0f, 1.0f});
  const std::vector<Entity> e = c.Run(Aggregation::kSimple, labels, 3);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].label, 2u);
  // kNone compares the label itself: "X-O" is kept.
  EXPECT_EQ(c.Run(Aggregation::kNone, labels, 3).size(), 2u);
}

TEST(ExtractEntities, AllOGivesNothing) {
  Case c;
  for (uint32_t t = 0; t < 4; ++t) c.Add(2 * t, 2 * t + 1, t % 2 == 1, Row(kO, 1.0f));
  for (Aggregation a :
       {Aggregation::kNone, Aggregation::kSimple, Aggregation::kFirst, Aggregation::kAverage, Aggregation::kMax}) {
    EXPECT_TRUE(c.Run(a).empty());
  }
}

TEST(ExtractEntities, NoTokensOrNoLabels) {
  Case empty;
  EXPECT_TRUE(empty.Run(Aggregation::kFirst).empty());
  EXPECT_TRUE(JohnLivesInParis().Run(Aggregation::kSimple, kLabels, 0).empty());
}

// "wolfgang lives": "wolf" "##gang" "lives".
Case Wolfgang() {
  Case c;
  c.Add(0, 4, false, {0.25f, 0.5f, 0.0f, 0.25f, 0.0f});   // wolf:   B-PER 0.5
  c.Add(4, 8, true, {0.0f, 0.375f, 0.0f, 0.0f, 0.625f});  // ##gang: I-LOC 0.625
  c.Add(9, 14, false, Row(kO, 1.0f));                     // lives
  return c;
}

TEST(ExtractEntities, FirstTakesTheWordsFirstToken) {
  const std::vector<Entity> e = Wolfgang().Run(Aggregation::kFirst);
  ASSERT_EQ(e.size(), 1u);
  ExpectEntity(e[0], kBPer, 0, 8, 0.5f, 0, 1);
}

TEST(ExtractEntities, AverageTakesTheArgmaxOfTheMeanVector) {
  // mean = (0.125, 0.4375, 0, 0.125, 0.3125): B-PER 0.4375.
  const std::vector<Entity> e = Wolfgang().Run(Aggregation::kAverage);
  ASSERT_EQ(e.size(), 1u);
  ExpectEntity(e[0], kBPer, 0, 8, 0.4375f, 0, 1);
}

TEST(ExtractEntities, MaxTakesTheMostConfidentToken) {
  // ##gang's 0.625 beats wolf's 0.5: the word is I-LOC, named LOC.
  const std::vector<Entity> e = Wolfgang().Run(Aggregation::kMax);
  ASSERT_EQ(e.size(), 1u);
  ExpectEntity(e[0], kILoc, 0, 8, 0.625f, 0, 1);
}

TEST(ExtractEntities, MaxKeepsTheFirstTokenOnTies) {
  Case c;
  c.Add(0, 4, false, {0.25f, 0.0f, 0.0f, 0.75f, 0.0f});  // B-LOC 0.75
  c.Add(4, 8, true, {0.25f, 0.75f, 0.0f, 0.0f, 0.0f});   // B-PER 0.75: same key, not taken
  const std::vector<Entity> e = c.Run(Aggregation::kMax);
  ASSERT_EQ(e.size(), 1u);
  ExpectEntity(e[0], kBLoc, 0, 8, 0.75f, 0, 1);
}

TEST(ExtractEntities, SimpleIgnoresSubwords) {
  const std::vector<Entity> e = Wolfgang().Run(Aggregation::kSimple);
  ASSERT_EQ(e.size(), 2u);
  ExpectEntity(e[0], kBPer, 0, 4, 0.5f, 0, 0);
  ExpectEntity(e[1], kILoc, 4, 8, 0.625f, 1, 1);
}

TEST(ExtractEntities, WordsThenGroups) {
  // "new york" as "new" "yo" "##rk": words B-LOC, I-LOC (first token) grouped
  // into one LOC, score mean(0.5, 0.75) = 0.625.
  Case c;
  c.Add(0, 3, false, Row(kBLoc, 0.5f));
  c.Add(4, 6, false, Row(kILoc, 0.75f));
  c.Add(6, 8, true, Row(kO, 1.0f));
  const std::vector<Entity> e = c.Run(Aggregation::kFirst);
  ASSERT_EQ(e.size(), 1u);
  ExpectEntity(e[0], kBLoc, 0, 8, 0.625f, 0, 2);
}

TEST(ExtractEntities, DecomposedAccentJoinsThePreviousWord) {
  // "le café" tokenized by an uncased model as "le" "cafe". Precomposed
  // (é = C3 A9) "cafe" covers 4 code points, a word of its own; decomposed
  // (e + CC 81) it covers 5, so HF's is_subword joins it to "le".
  const char precomposed[] = "le caf\xC3\xA9";
  const char decomposed[] = "le cafe\xCC\x81";
  for (const char* text : {precomposed, decomposed}) {
    const uint32_t size = static_cast<uint32_t>(std::strlen(text));
    Case c;
    c.Add(0, 2, IsSubword("le", 2, text, 2, false), Row(kBLoc, 0.5f));
    c.Add(3, size, IsSubword("cafe", 4, text + 3, size - 3, false), Row(kBPer, 0.75f));
    const std::vector<Entity> e = c.Run(Aggregation::kFirst);
    if (text == precomposed) {
      ASSERT_EQ(e.size(), 2u);
      ExpectEntity(e[0], kBLoc, 0, 2, 0.5f, 0, 0);
      ExpectEntity(e[1], kBPer, 3, 8, 0.75f, 1, 1);
    } else {
      ASSERT_EQ(e.size(), 1u);
      ExpectEntity(e[0], kBLoc, 0, 9, 0.5f, 0, 1);
    }
  }
}

TEST(ExtractEntities, CjkCharactersAreWords) {
  // "北京": one token per character, neither a subword; B-LOC I-LOC group.
  const char text[] = "\xE5\x8C\x97\xE4\xBA\xAC";
  Case c;
  c.Add(0, 3, IsSubword(text, 3, text, 3, false), Row(kBLoc, 0.5f));
  c.Add(3, 6, IsSubword(text + 3, 3, text + 3, 3, false), Row(kILoc, 0.75f));
  const std::vector<Entity> e = c.Run(Aggregation::kFirst);
  ASSERT_EQ(e.size(), 1u);
  ExpectEntity(e[0], kBLoc, 0, 6, 0.625f, 0, 1);
}

TEST(ExtractEntities, GroupScoresSumPairwiseLikeNumpy) {
  // Nine members: 1 and eight times 2^-25. In order, 1 + 2^-25 rounds back
  // to 1 every time; numpy's pairwise sum (8 accumulators, then
  // ((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7)), then the ninth) gives
  // (1 + 0 [tie to even]) + 2^-23, + 2^-25 -> 1 + 2^-23.
  Case c;
  c.Add(0, 1, false, Row(kBPer, 1.0f));
  for (uint32_t t = 1; t < 9; ++t) c.Add(2 * t, 2 * t + 1, false, {0.0f, 0.0f, 0x1p-25f, 0.0f, 0.0f});
  const std::vector<Entity> e = c.Run(Aggregation::kSimple);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].score, static_cast<float>((1.0 + 0x1p-23) / 9.0));
  EXPECT_NE(e[0].score, 1.0f / 9.0f);
  ExpectEntity(e[0], kBPer, 0, 17, e[0].score, 0, 8);
}

TEST(ExtractEntities, NanScoresAreLeftOutOfTheMean) {
  // np.nanmean: a NaN member counts neither in the sum nor in the count.
  Case c;
  c.Add(0, 1, false, Row(kBPer, 0.5f));
  c.Add(2, 3, false, {0.0f, 0.0f, __builtin_nanf(""), 0.0f, 0.0f});  // argmax: the NaN (I-PER)
  c.Add(4, 5, false, Row(kIPer, 1.0f));
  const std::vector<Entity> e = c.Run(Aggregation::kSimple);
  ASSERT_EQ(e.size(), 1u);
  ExpectEntity(e[0], kBPer, 0, 5, 0.75f, 0, 2);
}

}  // namespace
}  // namespace embert::decode
