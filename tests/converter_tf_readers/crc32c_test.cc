// CRC-32C against the published vectors of RFC 3720 (iSCSI) appendix B.4
// and the common check value of "123456789"; the slicing-by-8 path against
// a bit-by-bit crc at every length and alignment up to 64 bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bundle_builder.h"
#include "readers/crc32c.h"

namespace embert::test {
namespace {

using convert::Crc32c;

TEST(Crc32c, Rfc3720Vectors) {
  std::vector<uint8_t> b(32, 0);
  EXPECT_EQ(Crc32c(b.data(), b.size()), 0x8A9136AAu);  // 32 bytes of zeros
  std::fill(b.begin(), b.end(), 0xFF);
  EXPECT_EQ(Crc32c(b.data(), b.size()), 0x62A8AB43u);  // 32 bytes of ones
  for (int i = 0; i < 32; ++i) b[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Crc32c(b.data(), b.size()), 0x46DD794Eu);  // incrementing
  for (int i = 0; i < 32; ++i) b[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Crc32c(b.data(), b.size()), 0x113FDB5Cu);  // decrementing
}

TEST(Crc32c, CheckValue) {
  const std::string s = "123456789";
  EXPECT_EQ(Crc32c(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0xE3069283u);
}

TEST(Crc32c, ExtendEqualsWhole) {
  const std::string s = "hello, tensor bundle";
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  EXPECT_EQ(convert::Crc32cExtend(Crc32c(p, 7), p + 7, s.size() - 7), Crc32c(p, s.size()));
}

TEST(Crc32c, SlicedMatchesBitwiseAtEveryLengthAndAlignment) {
  std::string bytes;
  for (int i = 0; i < 80; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
  for (size_t start = 0; start < 8; ++start) {
    for (size_t n = 0; n <= 64; ++n) {
      const std::string part = bytes.substr(start, n);
      EXPECT_EQ(convert::MaskCrc32c(Crc32c(reinterpret_cast<const uint8_t*>(part.data()), n)),
                BitwiseMaskedCrc32c(part))
          << start << " " << n;
    }
  }
}

TEST(Crc32c, MaskIsTheLevelDbRotation) {
  // mask(c) = rotr15(c) + 0xa282ead8: 0 -> the delta itself; 1 -> 1 << 17 plus it.
  EXPECT_EQ(convert::MaskCrc32c(0), 0xa282ead8u);
  EXPECT_EQ(convert::MaskCrc32c(1), 0xa282ead8u + (1u << 17));
  EXPECT_EQ(convert::MaskCrc32c(1u << 15), 0xa282ead8u + 1u);
}

}  // namespace
}  // namespace embert::test
