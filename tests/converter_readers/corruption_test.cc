// Real and generated checkpoints cut short at many offsets, with bytes
// overwritten at random, or with their zip structure damaged: each gives a
// ConvertError (or, for flipped data bytes, different values), never a
// crash, an out-of-bounds read (see the ASan/UBSan build) or another
// exception type.
#include <gtest/gtest.h>

#include <random>

#include "readers/checkpoint.h"
#include "test_support.h"

namespace embert::test {
namespace {

struct Fixture {
  const char* file;
  bool torch;
};

const Fixture kFixtures[] = {
    {"safetensors/hf-safetensors-samples-2022/overall.safetensors", false},
    {"safetensors/burn-multi-layer/multi_layer.safetensors", false},
    {"generated/bert_tiny.safetensors", false},
    {"torch/burn-reader-fixtures/checkpoint.pt", true},
    {"torch/burn-reader-fixtures/bfloat16.pt", true},
    {"torch/burn-reader-fixtures/scalar.pt", true},
    {"torch/burn-reader-fixtures/empty.pt", true},
    {"torch/burn-reader-fixtures/parameter.pt", true},
    {"torch/burn-reader-fixtures/simple_legacy.pt", true},
    {"torch/burn-reader-fixtures/legacy_shared_storage.pt", true},
    {"torch/burn-reader-fixtures/legacy_uncloned_views.pt", true},
    {"generated/bert_tiny.legacy.pt", true},
    {"generated/bert_tiny.zip.pt", true},
    {"generated/checkpoint_nested.zip.pt", true},
};

std::unique_ptr<convert::CheckpointReader> Open(const Fixture& f, std::vector<uint8_t> bytes) {
  return f.torch ? convert::OpenTorchBytes(std::move(bytes), f.file)
                 : convert::OpenSafetensorsBytes(std::move(bytes), f.file);
}

void PrintTo(const Fixture& f, std::ostream* os) { *os << f.file; }

class Corrupted : public ::testing::TestWithParam<Fixture> {};

TEST_P(Corrupted, IntactFileReads) {
  const Fixture f = GetParam();
  EXPECT_TRUE(OpenAndReadAll([&] { return Open(f, ReadBytes(DataPath(f.file))); }));
}

TEST_P(Corrupted, EveryTruncationIsAConvertError) {
  const Fixture f = GetParam();
  const std::vector<uint8_t> bytes = ReadBytes(DataPath(f.file));
  // Every offset for small files; a prime stride (still thousands of cuts,
  // through every structure) for the larger ones.
  const size_t step = bytes.size() > 8000 ? 7 : 1;
  size_t cuts = 0;
  for (size_t n = 0; n < bytes.size(); n += step, ++cuts) {
    SCOPED_TRACE("truncated to " + std::to_string(n) + " bytes");
    // None of these files has trailing bytes: whatever is cut was needed.
    ASSERT_FALSE(OpenAndReadAll(
        [&] { return Open(f, std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n))); }));
  }
  EXPECT_GT(cuts, 90u);
}

TEST_P(Corrupted, RandomByteChangesNeverCrash) {
  const Fixture f = GetParam();
  const std::vector<uint8_t> bytes = ReadBytes(DataPath(f.file));
  std::mt19937 rng(12345);
  int refused = 0;
  const int kTrials = bytes.size() > 8000 ? 500 : 1500;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<uint8_t> damaged = bytes;
    const int changes = 1 + trial % 4;
    for (int c = 0; c < changes; ++c) {
      damaged[rng() % damaged.size()] = static_cast<uint8_t>(trial % 3 == 0 ? 0xFF : rng());
    }
    if (!OpenAndReadAll([&] { return Open(f, std::move(damaged)); })) ++refused;
  }
  // Most changes hit tensor data and still read; some hit structure.
  EXPECT_GT(refused, 0);
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, Corrupted, ::testing::ValuesIn(kFixtures), [](const auto& info) {
  std::string name = info.param.file;
  name = name.substr(name.find_last_of('/') + 1);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
});

// Offset of the last occurrence of a 4-byte little-endian signature.
size_t FindLast(const std::vector<uint8_t>& b, uint32_t sig) {
  for (size_t i = b.size() - 4; i-- > 0;) {
    if ((b[i] | b[i + 1] << 8 | b[i + 2] << 16 | static_cast<uint32_t>(b[i + 3]) << 24) == sig) return i;
  }
  throw std::runtime_error("signature not found");
}

TEST(DamagedZip, CompressedEntryIsRefusedClearly) {
  std::vector<uint8_t> b = ReadBytes(DataPath("generated/bert_tiny.zip.pt"));
  // The first central directory entry (data.pkl): compression method 8 = deflate.
  const size_t eocd = FindLast(b, 0x06054b50);
  const size_t dir = b[eocd + 16] | b[eocd + 17] << 8 | b[eocd + 18] << 16 | static_cast<size_t>(b[eocd + 19]) << 24;
  ASSERT_EQ(b[dir], 'P');
  b[dir + 10] = 8;
  ExpectConvertError([&] { convert::OpenTorchBytes(b, "c.pt"); }, {"c.pt", "is compressed", "data.pkl"});
}

TEST(DamagedZip, Zip64RecordPointingPastTheFileIsRefused) {
  std::vector<uint8_t> b = ReadBytes(DataPath("generated/bert_tiny.zip.pt"));
  const size_t eocd = FindLast(b, 0x06054b50);
  // A zip64 locator whose record offset is near 2^64 (a wrapping sum would pass a naive check).
  std::vector<uint8_t> locator = {0x50, 0x4b, 0x06, 0x07, 0,    0,    0, 0, 0xF0, 0xFF,
                                  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0,    0};
  b.insert(b.begin() + static_cast<std::ptrdiff_t>(eocd), locator.begin(), locator.end());
  ExpectConvertError([&] { convert::OpenTorchBytes(b, "c.pt"); }, {"c.pt", "bad zip64 end record"});
}

TEST(DamagedZip, ZipWithoutDataPkl) {
  std::vector<uint8_t> b = ReadBytes(DataPath("generated/bert_tiny.zip.pt"));
  // Rename every "data.pkl" to "data.pkX".
  for (size_t i = 0; i + 8 <= b.size(); ++i) {
    if (std::equal(b.begin() + static_cast<std::ptrdiff_t>(i), b.begin() + static_cast<std::ptrdiff_t>(i + 8),
                   "data.pkl")) {
      b[i + 7] = 'X';
    }
  }
  ExpectConvertError([&] { convert::OpenTorchBytes(b, "c.pt"); }, {"c.pt", "without <archive>/data.pkl"});
}

}  // namespace
}  // namespace embert::test
