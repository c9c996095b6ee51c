// Corrupted and hostile TensorFlow bundles: each is a ConvertError naming
// the file and the tensor or field, never a crash or a wrong answer.
#include <gtest/gtest.h>

#include <snappy.h>
#include <unistd.h>

#include <filesystem>

#include "bundle_builder.h"
#include "readers/checkpoint.h"
#include "test_support.h"

namespace embert::test {
namespace {

using convert::OpenTfBundleBytes;

const char kHalfPlusTwo[] = "tf-bundle/tf-serving-half-plus-two-tf2/variables/variables";

std::unique_ptr<convert::CheckpointReader> Open(const std::vector<uint8_t>& index, const std::vector<uint8_t>& shard) {
  return OpenTfBundleBytes(index, {shard}, "t");
}

std::map<std::string, std::vector<float>> ReadAll(const convert::CheckpointReader& r) {
  std::map<std::string, std::vector<float>> out;
  for (const auto& t : r.tensors()) out[t.name] = r.ReadFloat32(t.name);
  return out;
}

TEST(TfBundleBuilt, FloatBundleReadsBack) {
  std::vector<uint8_t> index, shard;
  FloatBundle({{"a", {2, 2}, {1, 2, 3, 4}}, {"b", {}, {7}}}, &index, &shard);
  const auto r = Open(index, shard);
  ASSERT_EQ(r->tensors().size(), 2u);
  EXPECT_EQ(r->tensors()[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(r->ReadFloat32("a"), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(r->ReadFloat32("b"), (std::vector<float>{7}));
}

// The same data block compressed with libsnappy's compressor (the real
// half_plus_two files also have a Snappy block; this one is bigger and has
// prefix-compressed keys over several restart intervals).
TEST(TfBundleBuilt, SnappyBlockWithManyEntries) {
  std::vector<FloatTensor> tensors;
  for (int i = 0; i < 100; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "bert/encoder/layer_%03d/attention/self/query/kernel", i);
    tensors.push_back({name, {3}, {float(i), float(i) + 0.5f, -float(i)}});
  }
  std::vector<uint8_t> index, shard, plain_index, plain_shard;
  FloatBundle(tensors, &index, &shard, /*snappy=*/true);
  FloatBundle(tensors, &plain_index, &plain_shard, /*snappy=*/false);
  ASSERT_LT(index.size(), plain_index.size());  // really compressed
  const auto r = Open(index, shard);
  ASSERT_EQ(r->tensors().size(), 100u);
  EXPECT_EQ(r->tensors()[42].name, tensors[42].name);
  EXPECT_EQ(r->ReadFloat32(tensors[42].name), tensors[42].values);
}

TEST(TfBundleBuilt, BadSnappyDataIsAnError) {
  // Blocks claiming Snappy whose crc is right but whose content is not Snappy.
  ExpectConvertError([] { Open(SsTableFromBlock("\x05\xff\xff\xff\xff\xff\xff", 1, "z"), {}); },
                     {"t.index", "corrupt Snappy data"});
  ExpectConvertError([] { Open(SsTableFromBlock("\xff\xff\xff\xff\xff\xff", 1, "z"), {}); },
                     {"t.index", "bad Snappy header"});
  // A declared 2 GiB from 8 bytes: refused before allocating.
  ExpectConvertError([] { Open(SsTableFromBlock(std::string("\x80\x80\x80\x80\x08\x00\x00\x00", 8), 1, "z"), {}); },
                     {"t.index", "Snappy length 2147483648 impossible"});
  ExpectConvertError([] { Open(SsTableFromBlock("abc", 7, "z"), {}); }, {"compression type 7"});
}

TEST(TfBundleBuilt, WrongTensorCrcNamesTheTensor) {
  std::vector<uint8_t> index, shard;
  FloatBundle({{"bert/pooler/dense/kernel", {2}, {1, 2}}}, &index, &shard);
  shard[5] ^= 0x40;
  const auto r = Open(index, shard);  // crcs are verified on read
  ExpectConvertError([&] { r->ReadFloat32("bert/pooler/dense/kernel"); },
                     {"t.data-00000-of-00001", "bert/pooler/dense/kernel", "crc32c mismatch"});
}

TEST(TfBundleBuilt, TerabyteTensorIsRefusedWithoutAllocating) {
  // 2^38 float32 = 1 TiB declared, consistent with its shape, in a 4-byte shard.
  const uint64_t n = uint64_t{1} << 38;
  const auto index = SsTable({{"", BundleHeader(1)}, {"huge", BundleEntry(1, {int64_t(n)}, 0, 0, 4 * n, 0)}});
  ExpectConvertError([&] { Open(index, {0, 0, 0, 0}); }, {"t.index", "huge", "outside", "t.data-00000-of-00001"});
  // Offset + size wrapping around 2^64.
  const auto wrap = SsTable({{"", BundleHeader(1)}, {"w", BundleEntry(1, {1}, 0, ~uint64_t{0} - 1, 4, 0)}});
  ExpectConvertError([&] { Open(wrap, {0, 0, 0, 0}); }, {"w", "outside"});
  // A shape whose element count overflows.
  const auto big =
      SsTable({{"", BundleHeader(1)}, {"s", BundleEntry(1, {int64_t(1) << 40, int64_t(1) << 40}, 0, 0, 0, 0)}});
  ExpectConvertError([&] { Open(big, {}); }, {"s", "overflows"});
}

TEST(TfBundleBuilt, SizeMustMatchShape) {
  const auto index = SsTable({{"", BundleHeader(1)}, {"x", BundleEntry(1, {3}, 0, 0, 8, 0)}});
  ExpectConvertError([&] { Open(index, std::vector<uint8_t>(16)); }, {"x", "size 8 bytes", "needs 12"});
}

TEST(TfBundleBuilt, SlicedEntriesAreRefused) {
  const std::string slice = LenField(7, LenField(1, VarintField(1, 0)));
  const auto index = SsTable({{"", BundleHeader(1)}, {"part", BundleEntry(1, {4}, 0, 0, 16, 0, slice)}});
  ExpectConvertError([&] { Open(index, std::vector<uint8_t>(16)); }, {"part", "sliced"});
}

TEST(TfBundleBuilt, HeaderProblems) {
  ExpectConvertError(
      [] {
        Open(SsTable({{"a", BundleEntry(1, {}, 0, 0, 4, 0)}}), {0, 0, 0, 0});
      },
      {"t.index", "no bundle header"});
  ExpectConvertError([] { Open(SsTable({{"", BundleHeader(1, 1)}}), {}); }, {"big-endian"});
  ExpectConvertError([] { Open(SsTable({{"", BundleHeader(0)}}), {}); }, {"num_shards 0"});
  ExpectConvertError([] { Open(SsTable({{"", BundleHeader(3)}}), {}); }, {"3 shard(s), 1 given"});
  ExpectConvertError(
      [] {
        Open(SsTable({{"", BundleHeader(1)}, {"a", BundleEntry(1, {}, 2, 0, 4, 0)}}), {});
      },
      {"a", "shard_id 2"});
  ExpectConvertError(
      [] {
        Open(SsTable({{"", BundleHeader(1)}, {"a", BundleEntry(99, {}, 0, 0, 4, 0)}}), {0, 0, 0, 0});
      },
      {"a", "unknown TensorFlow dtype 99"});
  ExpectConvertError(
      [] {
        Open(SsTable({{"", BundleHeader(1)}, {"a", BundleEntry(1, {-1}, 0, 0, 4, 0)}}), {});
      },
      {"a", "negative"});
}

TEST(TfBundleBuilt, StringAndComplexEntriesAreSkippedNotMisread) {
  const auto index = SsTable({{"", BundleHeader(1)},
                              {"_CHECKPOINTABLE_OBJECT_GRAPH", BundleEntry(7, {}, 0, 0, 3, 0)},
                              {"c", BundleEntry(8, {1}, 0, 0, 8, 0)}});
  const auto r = Open(index, std::vector<uint8_t>(8));
  EXPECT_TRUE(r->tensors().empty());
  EXPECT_EQ(r->skipped(), (std::vector<std::string>{"_CHECKPOINTABLE_OBJECT_GRAPH", "c"}));
  ExpectConvertError([&] { r->ReadFloat32("_CHECKPOINTABLE_OBJECT_GRAPH"); }, {"no tensor"});
}

TEST(TfBundleBuilt, UnsortedKeysAreRefused) {
  const auto index =
      SsTable({{"", BundleHeader(1)}, {"b", BundleEntry(1, {}, 0, 0, 4, 0)}, {"a", BundleEntry(1, {}, 0, 0, 4, 0)}});
  ExpectConvertError([&] { Open(index, {0, 0, 0, 0}); }, {"t.index", "sorted"});
}

TEST(TfBundleReal, EveryTruncationOfTheIndexIsAnError) {
  const auto index = ReadBytes(DataPath(std::string(kHalfPlusTwo) + ".index"));
  const auto shard = ReadBytes(DataPath(std::string(kHalfPlusTwo) + ".data-00000-of-00001"));
  for (size_t n = 0; n < index.size(); ++n) {
    EXPECT_FALSE(OpenAndReadAll([&] { return Open(std::vector<uint8_t>(index.begin(), index.begin() + n), shard); }))
        << n;
  }
}

TEST(TfBundleReal, EveryBitFlipOfTheIndexIsAnErrorOrTheSameData) {
  const auto index = ReadBytes(DataPath(std::string(kHalfPlusTwo) + ".index"));
  const auto shard = ReadBytes(DataPath(std::string(kHalfPlusTwo) + ".data-00000-of-00001"));
  const auto want = ReadAll(*Open(index, shard));
  int errors = 0;
  for (size_t i = 0; i < index.size() * 8; ++i) {
    auto bad = index;
    bad[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    try {
      const auto r = Open(bad, shard);
      EXPECT_EQ(ReadAll(*r), want) << "bit " << i;
    } catch (const convert::ConvertError&) {
      ++errors;
    }
  }
  EXPECT_GT(errors, static_cast<int>(index.size() * 8) * 3 / 4);  // only footer padding is free
}

TEST(TfBundleReal, EveryBitFlipOfAShardTensorIsACrcError) {
  const auto index = ReadBytes(DataPath(std::string(kHalfPlusTwo) + ".index"));
  const auto shard = ReadBytes(DataPath(std::string(kHalfPlusTwo) + ".data-00000-of-00001"));
  for (size_t i = 0; i < 12 * 8; ++i) {  // bytes 0..11: the three float scalars a, b, c
    auto bad = shard;
    bad[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    const auto r = Open(index, bad);
    const char* names[] = {"a/.ATTRIBUTES/VARIABLE_VALUE", "b/.ATTRIBUTES/VARIABLE_VALUE",
                           "c/.ATTRIBUTES/VARIABLE_VALUE"};
    const std::string name = names[i / 32];
    ExpectConvertError([&] { r->ReadFloat32(name); }, {name, "crc32c mismatch"});
  }
}

TEST(TfBundleReal, TruncatedOrMissingShard) {
  const std::string dir = ::testing::TempDir() + "/tf_bundle_missing_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const std::string src = DataPath("tf-bundle/little-ruan-iris-2-shards/model.ckpt");
  for (const char* s : {".index", ".data-00000-of-00002"}) {
    std::filesystem::copy_file(src + s, dir + "/model.ckpt" + s, std::filesystem::copy_options::overwrite_existing);
  }
  ExpectConvertError([&] { convert::OpenTfBundle(dir + "/model.ckpt"); }, {"model.ckpt.data-00001-of-00002"});
  auto shard = ReadBytes(src + ".data-00001-of-00002");
  shard.resize(shard.size() - 1);
  WriteBytes(dir + "/model.ckpt.data-00001-of-00002", shard);
  ExpectConvertError([&] { convert::OpenTfBundle(dir + "/model.ckpt"); },
                     {"model.ckpt.index", "outside", "model.ckpt.data-00001-of-00002"});
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace embert::test
