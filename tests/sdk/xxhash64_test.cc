// XXH64 against published vectors (xxHash's documentation and the Python
// xxhash package's examples), and the streaming form against the one-shot.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "format/xxhash64.h"

namespace embert {
namespace {

TEST(Xxh64, PublishedVectors) {
  EXPECT_EQ(Xxh64("", 0, 0), 0xEF46DB3751D8E999ull);
  EXPECT_EQ(Xxh64("a", 1, 0), 0xD24EC4F1A98C6E5Bull);
  EXPECT_EQ(Xxh64("abc", 3, 0), 0x44BC2CF5AD770999ull);
  const char* s = "Nobody inspects the spammish repetition";
  EXPECT_EQ(Xxh64(s, std::strlen(s), 0), 0xFBCEA83C8A378BF1ull);
}

TEST(Xxh64, StreamingInAnyPiecesEqualsOneShot) {
  std::mt19937 rng(5);
  std::vector<uint8_t> data(1000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (size_t total : {0u, 1u, 31u, 32u, 33u, 100u, 1000u}) {
    const uint64_t expected = Xxh64(data.data(), total, 42);
    Xxh64Stream s(42);
    size_t done = 0;
    while (done < total) {
      const size_t n = std::min<size_t>(total - done, 1 + rng() % 40);
      s.Update(data.data() + done, n);
      done += n;
    }
    EXPECT_EQ(s.Digest(), expected) << total;
  }
}

}  // namespace
}  // namespace embert
