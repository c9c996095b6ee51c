// Inputs at the edges: empty and whitespace-only text, a 10 MB line, emoji
// and astral characters, combining sequences, every kind of invalid UTF-8,
// special tokens in the text, pair truncation and offsets.
#include <gtest/gtest.h>

#include <string>

#include "tokenizer_test_util.h"

namespace embert::test {
namespace {

const std::string kData = EMBERT_TEST_DATA_DIR;

TestTokenizer& Uncased() {
  static TestTokenizer t(ReadVocab(kData + "/vocab/bert-base-uncased/vocab.txt"), true, true);
  return t;
}

std::vector<std::string> Texts(const Tokens& r) { return r.text; }

TEST(EdgeCases, EmptyAndWhitespaceOnlyGiveClsSep) {
  for (const std::string text : {"", " ", "\t\n\r ", "\xE2\x80\x83\xE3\x80\x80", "\x01\x02\x7F"}) {
    const Tokens r = Uncased().Run(text, nullptr, 16, true);
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(Texts(r), (std::vector<std::string>{"[CLS]", "[SEP]"})) << text;
  }
}

TEST(EdgeCases, TenMegabyteLineWithoutSpacesIsOneUnknownWord) {
  std::string text(10u << 20, 'a');
  const Tokens r = Uncased().Run(text, nullptr, 8);
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.text, std::vector<std::string>{"[UNK]"});
  EXPECT_EQ(r.spans[0].begin, 0u);
  EXPECT_EQ(r.spans[0].end, text.size());
}

TEST(EdgeCases, TenMegabyteTextIsTruncatedAndTheDropCounted) {
  std::string text;
  while (text.size() < (10u << 20)) text += "play some jazz ";
  const Tokens r = Uncased().Run(text, nullptr, 128);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.ids.size(), 126u);
  EXPECT_EQ(r.truncated, text.size() / 15 * 3 - 126);
}

TEST(EdgeCases, WordOfExactly100CharactersIsPiecesAnd101IsUnknown) {
  const std::string w100(100, 'a'), w101(101, 'a');
  EXPECT_NE(Uncased().Run(w100).text, std::vector<std::string>{"[UNK]"});
  EXPECT_EQ(Uncased().Run(w101).text, std::vector<std::string>{"[UNK]"});
  // Accents removed by normalisation do not count as characters.
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "a\xCC\x81";  // a + combining acute
  EXPECT_NE(Uncased().Run(accented).text, std::vector<std::string>{"[UNK]"});
}

TEST(EdgeCases, EmojiAndAstralCharacters) {
  const Tokens r = Uncased().Run("hi \xF0\x9F\x98\x80 \xF0\xA0\x80\x80");  // U+1F600, U+20000 (CJK ext B)
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.text.size(), 3u);
  EXPECT_EQ(r.text[0], "hi");
  EXPECT_EQ(r.text[1], "[UNK]");
  EXPECT_EQ(r.spans[1].end - r.spans[1].begin, 4u);
}

TEST(EdgeCases, CombiningSequencesAreStrippedAfterDecomposition) {
  // "Cafe" + combining acute, precomposed "é", and Vietnamese stacked marks.
  EXPECT_EQ(Uncased().Run("Cafe\xCC\x81").text, Uncased().Run("caf\xC3\xA9").text);
  EXPECT_EQ(Uncased().Run("vi\xE1\xBB\x87t").text, Uncased().Run("viet").text);
}

TEST(EdgeCases, SpecialTokensInTextStayWhole) {
  const Tokens r = Uncased().Run("paris is the [MASK] of france.[SEP]x");
  EXPECT_EQ(r.text, (std::vector<std::string>{"paris", "is", "the", "[MASK]", "of", "france", ".", "[SEP]", "x"}));
  // Lower-case spelling is not a special token.
  EXPECT_EQ(Uncased().Run("[mask]").text, (std::vector<std::string>{"[", "mask", "]"}));
}

TEST(EdgeCases, LowerCasingIsPerCharacterAsHuggingFace) {
  // Hugging Face lowers one character at a time (the slow tokenizer's
  // re.sub("(specials)|(.+?)", ... .lower()) in PreTrainedTokenizer.tokenize,
  // the fast one's char::to_lowercase), so capital sigma is always σ, never
  // the final ς that Google's str.lower() of a whole word gives. An ς
  // written in the text stays ς. 'İ'.lower() is "i" + U+0307 (full mapping).
  TestTokenizer t(std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                                           "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82",  // οδος
                                           "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83",  // οδοσ
                                           "i", "##\xCC\x87"},
                  true, false);
  EXPECT_EQ(t.Run("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3").ids, std::vector<int32_t>{6});  // ΟΔΟΣ
  EXPECT_EQ(t.Run("\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82").ids, std::vector<int32_t>{5});
  const Tokens r = t.Run("\xC4\xB0");  // İ, without accent stripping
  EXPECT_EQ(r.ids, (std::vector<int32_t>{7, 8}));
  ASSERT_EQ(r.spans.size(), 2u);  // both come from the same two bytes
  EXPECT_EQ(r.spans[0].begin, 0u);
  EXPECT_EQ(r.spans[1].end, 2u);
  EXPECT_EQ(r.spans[1].begin, 0u);
}

TEST(EdgeCases, SurvivingMarksAreInCanonicalOrder) {
  // NFD sorts consecutive non-starters by combining class. U+1D16D (class
  // 226) and U+1D165 (class 216) are spacing marks (Mc), so they survive
  // accent stripping: NFD puts U+1D165 first. A removed Mn of class 0
  // (U+0E31) between them is a starter and blocks that reordering.
  const std::string stem = "\xF0\x9D\x85\xA5", dot = "\xF0\x9D\x85\xAD", mai_han = "\xE0\xB8\xB1";
  TestTokenizer t(
      std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "x" + stem + dot, "x" + dot + stem}, true,
      true);
  EXPECT_EQ(t.Run("x" + dot + stem).ids, std::vector<int32_t>{5});
  EXPECT_EQ(t.Run("x" + stem + dot).ids, std::vector<int32_t>{5});
  EXPECT_EQ(t.Run("x" + dot + mai_han + stem).ids, std::vector<int32_t>{6});
}

TEST(EdgeCases, HangulSyllablesDecomposeIntoJamoSharingTheSpan) {
  // With accent stripping, NFD turns 한 into the jamo ᄒ ᅡ ᆫ; WordPiece pieces
  // of one syllable all point at its three bytes (Hugging Face's offsets do).
  TestTokenizer t(std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "\xE1\x84\x92",
                                           "##\xE1\x85\xA1", "##\xE1\x86\xAB"},
                  true, true);
  const Tokens r = t.Run("\xED\x95\x9C");
  EXPECT_EQ(r.ids, (std::vector<int32_t>{5, 6, 7}));
  for (const auto& s : r.spans) {
    EXPECT_EQ(s.begin, 0u);
    EXPECT_EQ(s.end, 3u);
  }
}

TEST(EdgeCases, ManySpecialTokensAreAllKeptWhole) {
  // More special tokens than any fixed table would hold; the longest match wins.
  std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  for (int i = 0; i < 300; ++i) vocab.push_back("[unused" + std::to_string(i) + "]");
  TestTokenizer t(vocab, true, true);
  std::vector<int32_t> specials;
  for (int32_t i = 0; i < static_cast<int32_t>(vocab.size()); ++i) specials.push_back(i);
  t.settings().special_ids = Span<const int32_t>(specials.data(), specials.size());
  EXPECT_EQ(t.Run("[unused299][unused29]x[unused2]").ids, (std::vector<int32_t>{304, 34, 1, 7}));
}

struct BadUtf8 {
  const char* name;
  std::string bytes;
};

void PrintTo(const BadUtf8& b, std::ostream* os) { *os << b.name; }

class InvalidUtf8 : public ::testing::TestWithParam<BadUtf8> {};

TEST_P(InvalidUtf8, IsAnErrorByDefaultAndDroppedWhenReplacing) {
  const std::string text = "ab " + GetParam().bytes + " cd";
  Uncased().settings().replace_invalid_utf8 = false;
  const Tokens strict = Uncased().Run(text);
  EXPECT_EQ(strict.status.code(), EMBERT_STATUS_INVALID_UTF8) << GetParam().name;
  Uncased().settings().replace_invalid_utf8 = true;
  const Tokens lenient = Uncased().Run(text);
  Uncased().settings().replace_invalid_utf8 = false;
  ASSERT_TRUE(lenient.status.ok());
  EXPECT_EQ(lenient.text, (std::vector<std::string>{"ab", "cd"})) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(AllKinds, InvalidUtf8,
                         ::testing::Values(BadUtf8{"overlong2", "\xC0\x80"}, BadUtf8{"overlong3", "\xE0\x80\x80"},
                                           BadUtf8{"overlong4", "\xF0\x80\x80\x80"},
                                           BadUtf8{"surrogate", "\xED\xA0\x80"},
                                           BadUtf8{"low_surrogate", "\xED\xBF\xBF"},
                                           BadUtf8{"above_max", "\xF4\x90\x80\x80"}, BadUtf8{"f5", "\xF5\x80\x80\x80"},
                                           BadUtf8{"ff", "\xFF"}, BadUtf8{"stray_continuation", "\x80"},
                                           BadUtf8{"truncated2", "\xC3"}, BadUtf8{"truncated3", "\xE2\x82"},
                                           BadUtf8{"truncated4", "\xF0\x9F\x98"}),
                         [](const ::testing::TestParamInfo<BadUtf8>& i) { return std::string(i.param.name); });

TEST(EdgeCases, TruncatedSequenceAtTheVeryEnd) {
  Uncased().settings().replace_invalid_utf8 = true;
  const Tokens r = Uncased().Run("jazz\xE2\x82");
  Uncased().settings().replace_invalid_utf8 = false;
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.text, std::vector<std::string>{"jazz"});
}

TEST(Pairs, LongestFirstTruncationAsHuggingFace) {
  // a has 6 tokens, b has 3; capacity 8 leaves 5 for both. Hugging Face drops
  // the last token of the longer side until they fit (a: 6 -> 3), and on a tie
  // from the pair (b: 3 -> 2).
  const std::string a = "one two three four five six", b = "seven eight nine";
  const Tokens r = Uncased().Run(a, &b, 8, true);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.text, (std::vector<std::string>{"[CLS]", "one", "two", "three", "[SEP]", "seven", "eight", "[SEP]"}));
  EXPECT_EQ(r.truncated, 4u);
  EXPECT_EQ(r.spans.back().text, 1u);
}

TEST(Pairs, EmptySideAndErrorOnOverflow) {
  const std::string empty;
  const Tokens r = Uncased().Run("hello", &empty, 16, true);
  EXPECT_EQ(r.text, (std::vector<std::string>{"[CLS]", "hello", "[SEP]", "[SEP]"}));
  Uncased().settings().error_on_overflow = true;
  const std::string b = "world again";
  const Tokens e = Uncased().Run("hello there", &b, 5, true);
  Uncased().settings().error_on_overflow = false;
  EXPECT_EQ(e.status.code(), EMBERT_STATUS_SEQUENCE_TOO_LONG);
}

TEST(Offsets, IncreasingAndInsideTheText) {
  const std::string text = "R\xC3\xA9sum\xC3\xA9: na\xC3\xAFve caf\xC3\xA9s, \xE5\x8C\x97\xE4\xBA\xAC & co.";
  const Tokens r = Uncased().Run(text);
  ASSERT_TRUE(r.status.ok());
  uint32_t last = 0;
  for (size_t i = 0; i < r.spans.size(); ++i) {
    EXPECT_LE(last, r.spans[i].begin);
    EXPECT_LT(r.spans[i].begin, r.spans[i].end);
    EXPECT_LE(r.spans[i].end, text.size());
    last = r.spans[i].end;
  }
}

// A vocab.txt longer than the embedding table (issue 17): the entries beyond
// it still decide how words split, as in Hugging Face's tokenizer, but come
// out as [UNK]; everything else is unchanged.
TEST(EdgeCases, EntriesBeyondTheEmbeddingTableAreUnknown) {
  std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "play", "jazz", "w",    "x",
                                    "##x",   "##b",   "##a",   "##n",   "##d",    "##y",  "##z",  "<ent>"};
  const uint32_t rows = static_cast<uint32_t>(vocab.size()) - 1;  // "<ent>" has no row
  vocab.push_back("jazzband");
  vocab.push_back("wx");
  TestTokenizer t(vocab, true, true);
  EXPECT_EQ(t.Run("jazzband wxyz").text, (std::vector<std::string>{"jazzband", "wx", "##y", "##z"}));
  t.settings().embedded_ids = rows;
  const Tokens r = t.Run("play jazzband wxyz jazz", nullptr, 64, true);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.text, (std::vector<std::string>{"[CLS]", "play", "[UNK]", "[UNK]", "##y", "##z", "jazz", "[SEP]"}));
  for (const int32_t id : r.ids) EXPECT_LT(static_cast<uint32_t>(id), rows);
  EXPECT_EQ(r.spans[2].begin, 5u);
  EXPECT_EQ(r.spans[2].end, 13u);
  // [UNK], [CLS] and [SEP] must have rows.
  t.settings().embedded_ids = 2;
  EXPECT_FALSE(t.Run("play").status.ok());
}

}  // namespace
}  // namespace embert::test
