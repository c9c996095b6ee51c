// The vocabulary lookup table: every token is found under its id, and Open
// refuses bytes that do not hold together (a model file may be hostile).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tokenizer/vocab_index.h"
#include "tokenizer_test_util.h"

namespace embert::test {
namespace {

const std::string kData = EMBERT_TEST_DATA_DIR;

bool Opens(const std::vector<uint8_t>& bytes, uint32_t vocab_size) {
  tok::VocabIndex index;
  return tok::VocabIndex::Open(bytes.data(), bytes.size(), tok::kVocabIndexFormat, vocab_size, &index).ok();
}

TEST(VocabIndex, FindsEveryTokenOfTheRealVocabularies) {
  for (const char* name : {"bert-base-uncased", "bert-base-chinese"}) {
    const auto vocab = ReadVocab(kData + "/vocab/" + name + "/vocab.txt");
    const auto bytes = tok::BuildVocabIndex(vocab);
    tok::VocabIndex index;
    ASSERT_TRUE(tok::VocabIndex::Open(bytes.data(), bytes.size(), tok::kVocabIndexFormat,
                                      static_cast<uint32_t>(vocab.size()), &index)
                    .ok());
    // A Python dict built from vocab.txt keeps the last id of a duplicate.
    std::map<std::string, int32_t> last;
    for (size_t i = 0; i < vocab.size(); ++i) last[vocab[i]] = static_cast<int32_t>(i);
    size_t longest = 0;
    for (size_t i = 0; i < vocab.size(); ++i) {
      EXPECT_EQ(index.Find(vocab[i].data(), vocab[i].size()), last[vocab[i]]) << vocab[i];
      const uint8_t* text;
      size_t size;
      ASSERT_TRUE(index.Token(static_cast<int32_t>(i), &text, &size));
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(text), size), vocab[i]);
      const bool cont = vocab[i].size() > 2 && vocab[i].compare(0, 2, "##") == 0;
      longest = std::max(longest, vocab[i].size() - (cont ? 2 : 0));
    }
    EXPECT_EQ(index.max_key_bytes(), longest);
    EXPECT_EQ(index.Find("##", 2), last.count("##") ? last["##"] : -1);
    EXPECT_EQ(index.Find("no-such-token", 13), -1);
    EXPECT_FALSE(index.Token(-1, nullptr, nullptr));
    EXPECT_FALSE(index.Token(static_cast<int32_t>(vocab.size()), nullptr, nullptr));
  }
}

TEST(VocabIndex, ContinuationAndWordKeysAreDistinct) {
  const std::vector<std::string> vocab = {"[UNK]", "ab", "##ab", "a", "##", "##b"};
  const auto bytes = tok::BuildVocabIndex(vocab);
  tok::VocabIndex index;
  ASSERT_TRUE(tok::VocabIndex::Open(bytes.data(), bytes.size(), tok::kVocabIndexFormat, 6, &index).ok());
  EXPECT_EQ(index.Find("ab", 2), 1);
  EXPECT_EQ(index.Find("##ab", 4), 2);
  EXPECT_EQ(index.Find("##", 2), 4);  // "##" alone is a word, not an empty continuation
  EXPECT_EQ(index.Find("b", 1), -1);
  EXPECT_EQ(index.Find("##a", 3), -1);
}

TEST(VocabIndex, OpenRefusesInconsistentBytes) {
  const std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "##lo", "world"};
  const auto good = tok::BuildVocabIndex(vocab);
  const auto n = static_cast<uint32_t>(vocab.size());
  ASSERT_TRUE(Opens(good, n));
  tok::VocabIndex index;
  EXPECT_FALSE(tok::VocabIndex::Open(good.data(), good.size(), tok::kVocabIndexFormat + 1, n, &index).ok());
  EXPECT_FALSE(tok::VocabIndex::Open(nullptr, 0, tok::kVocabIndexFormat, n, &index).ok());
  EXPECT_FALSE(Opens(good, n + 1));  // vocabulary size disagrees
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(Opens(std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(cut)), n)) << cut;
  }
  auto grown = good;
  grown.push_back(0);
  EXPECT_FALSE(Opens(grown, n));
  // Header fields: magic, format, vocabulary size, slot count, longest key, pool size.
  for (size_t field = 0; field < 6; ++field) {
    auto bad = good;
    bad[4 * field] ^= 0x41;
    EXPECT_FALSE(Opens(bad, n)) << "header field " << field;
  }
  const uint32_t slots = tok::vocab_index::ReadU32(good.data() + 12);
  // A slot naming a token past the vocabulary.
  auto bad_slot = good;
  bad_slot[tok::vocab_index::kHeaderBytes] = 0xFF;
  EXPECT_FALSE(Opens(bad_slot, n));
  // Offsets that go backwards or past the pool.
  const size_t offsets = tok::vocab_index::kHeaderBytes + 4u * slots;
  for (size_t i = 0; i <= n; ++i) {
    auto bad = good;
    bad[offsets + 4 * i + 3] = 0x7F;
    EXPECT_FALSE(Opens(bad, n)) << "offset " << i;
  }
}

TEST(VocabIndex, RandomCorruptionNeverOpensIntoOutOfBoundsLookups) {
  // Any bytes Open accepts must be safe to look up in: run under ASan/UBSan
  // (EMBERT_SANITIZE) this checks every accepted corruption.
  const auto vocab = ReadVocab(kData + "/vocab/bert-base-uncased/vocab.txt");
  const std::vector<std::string> small(vocab.begin(), vocab.begin() + 3000);
  const auto good = tok::BuildVocabIndex(small);
  std::mt19937 rng(7);
  int opened = 0;
  for (int trial = 0; trial < 300; ++trial) {
    auto bad = good;
    for (int k = 0; k < 1 + trial % 4; ++k) bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    tok::VocabIndex index;
    if (!tok::VocabIndex::Open(bad.data(), bad.size(), tok::kVocabIndexFormat, 3000, &index).ok()) continue;
    ++opened;  // flips in the slot table or the pool can leave a consistent table
    for (const auto& t : small) index.Find(t.data(), t.size());
  }
  EXPECT_GT(opened, 0);
}

}  // namespace
}  // namespace embert::test
