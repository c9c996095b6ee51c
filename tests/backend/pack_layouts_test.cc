// The packed file layouts (schema Layout DOT_U8_W16 / DOT_U8_W32): every
// weight lands at the byte the schema's formula names, as uint8 w + 128;
// unpacking gives the rows back; padding is ignored when unpacking.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "format/pack_layouts.h"

namespace embert::qgemm {
namespace {

// schema/embert.fbs, enum Layout: the byte of W[n][k] for panel width W.
size_t SchemaOffset(size_t width, size_t k_total, size_t n, size_t k) {
  const size_t half = width / 2;
  return (n / width) * ((k_total + 3) / 4) * width * 4 + (k / 4) * width * 4 + ((n % width) / half) * half * 4 +
         (n % half) * 4 + k % 4;
}

TEST(PackLayouts, FileLayoutsFollowTheSchemaFormula) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> q(-128, 127);
  for (uint8_t id : {1, 2}) {
    const PackLayout* layout = FileLayout(id);
    ASSERT_NE(layout, nullptr);
    const size_t width = id == 1 ? 16 : 32;
    EXPECT_EQ(layout->Width(), width);
    for (size_t n : {1, 15, 16, 17, 33, 96}) {
      for (size_t k : {1, 3, 4, 5, 96, 130}) {
        std::vector<int8_t> w(n * k);
        for (auto& v : w) v = static_cast<int8_t>(q(rng));
        const size_t bytes = (n + width - 1) / width * ((k + 3) / 4) * width * 4;
        ASSERT_EQ(layout->Bytes(n, k), bytes);
        std::vector<uint8_t> packed(bytes, 0xEE);
        PackWeights(*layout, w.data(), n, k, packed.data());
        std::vector<bool> used(bytes, false);
        for (size_t r = 0; r < n; ++r) {
          for (size_t c = 0; c < k; ++c) {
            const size_t at = SchemaOffset(width, k, r, c);
            ASSERT_LT(at, bytes);
            ASSERT_EQ(packed[at], static_cast<uint8_t>(w[r * k + c] + 128)) << n << "x" << k << " at " << r << "," << c;
            used[at] = true;
          }
        }
        // Padding: a zero weight (128).
        for (size_t i = 0; i < bytes; ++i) {
          if (!used[i]) {
            ASSERT_EQ(packed[i], 128) << "padding byte " << i;
          }
        }
        // Unpacking ignores the padding, whatever it holds.
        for (size_t i = 0; i < bytes; ++i) {
          if (!used[i]) packed[i] = static_cast<uint8_t>(i * 7);
        }
        std::vector<int8_t> back(n * k, 99);
        UnpackDotU8(*layout, packed.data(), n, k, back.data());
        ASSERT_EQ(back, w) << n << "x" << k;
      }
    }
  }
  EXPECT_EQ(FileLayout(0), nullptr);
  EXPECT_EQ(FileLayout(3), nullptr);
}

}  // namespace
}  // namespace embert::qgemm
