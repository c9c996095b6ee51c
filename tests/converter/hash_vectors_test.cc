// The two hashes a .embert file carries, against published vectors:
//  * SHA-256 (provenance of the source files): FIPS 180-4's examples as
//    published by NIST (csrc.nist.gov, "Examples with intermediate values"),
//    plus the long-message vector of FIPS 180-2 appendix B.3;
//  * XXH64 (the file checksum; the SDK verifies with the same code): the
//    sanity table of xxHash's own test program (cli/xsum_sanity_check.c, also
//    bench.c before 0.8: the first N bytes of its generated buffer at seeds 0
//    and PRIME32_1) and the python-xxhash README's strings.
// test_hashes.py cross-checks both against independent implementations on
// random data (hashlib, and a Python XXH64 written from the specification).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "format/xxhash64.h"
#include "import/sha256.h"

namespace {

using embert::Xxh64;
using embert::Xxh64Stream;
using embert::convert::Sha256;

std::string Sha(const std::string& text) {
  Sha256 h;
  h.Update(text.data(), text.size());
  return h.HexDigest();
}

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(Sha("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // 448 bits: the padding no longer fits in the first block.
  EXPECT_EQ(Sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(
      Sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
          "nopqrstu"),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, OneMillionAInAnyPieces) {
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  const std::string a(1000000, 'a');
  EXPECT_EQ(Sha(a), expected);
  std::mt19937 rng(7);
  Sha256 h;
  size_t done = 0;
  while (done < a.size()) {
    const size_t n = std::min<size_t>(a.size() - done, rng() % 200);
    h.Update(a.data() + done, n);
    done += n;
  }
  EXPECT_EQ(h.HexDigest(), expected);
}

TEST(Sha256, FileIsHashedWithItsSize) {
  char path[] = "/tmp/embert-sha256-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "abc", 3), 3);
  close(fd);
  uint64_t size = 0;
  EXPECT_EQ(embert::convert::Sha256File(path, &size),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(size, 3u);
  unlink(path);
}

// xxHash's sanity buffer: byte i is the top byte of PRIME32 * PRIME64^i.
std::vector<uint8_t> SanityBuffer() {
  std::vector<uint8_t> b(222);
  uint64_t gen = 2654435761u;
  for (auto& x : b) {
    x = static_cast<uint8_t>(gen >> 56);
    gen *= 11400714785074694797ull;
  }
  return b;
}

TEST(Xxh64, XxhashSanityTable) {
  const std::vector<uint8_t> b = SanityBuffer();
  const uint64_t prime = 2654435761u;
  struct Vector {
    size_t length;
    uint64_t seed, expected;
  };
  const Vector vectors[] = {
      {0, 0, 0xEF46DB3751D8E999ull},      {0, prime, 0xAC75FDA2929B17EFull}, {1, 0, 0xE934A84ADB052768ull},
      {1, prime, 0x5014607643A9B4C3ull},  {4, 0, 0x9136A0DCA57457EEull},     {14, 0, 0x8282DCC4994E35C8ull},
      {14, prime, 0xC3BD6BF63DEB6DF0ull}, {222, 0, 0xB641AE8CB691C174ull},   {222, prime, 0x20CB8AB7AE10C14Aull},
  };
  for (const Vector& v : vectors) {
    EXPECT_EQ(Xxh64(b.data(), v.length, v.seed), v.expected) << v.length << " bytes, seed " << v.seed;
    // Byte by byte through the streaming form.
    Xxh64Stream s(v.seed);
    for (size_t i = 0; i < v.length; ++i) s.Update(&b[i], 1);
    EXPECT_EQ(s.Digest(), v.expected) << v.length << " bytes, seed " << v.seed << ", streamed";
  }
}

TEST(Xxh64, PythonXxhashReadmeStrings) {
  EXPECT_EQ(Xxh64("", 0, 0), 0xEF46DB3751D8E999ull);
  EXPECT_EQ(Xxh64("a", 1, 0), 0xD24EC4F1A98C6E5Bull);
  EXPECT_EQ(Xxh64("abc", 3, 0), 0x44BC2CF5AD770999ull);
  const char* s = "Nobody inspects the spammish repetition";
  EXPECT_EQ(Xxh64(s, std::strlen(s), 0), 0xFBCEA83C8A378BF1ull);
}

}  // namespace
