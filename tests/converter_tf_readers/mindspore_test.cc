// MindSpore checkpoints built from checkpoint.proto's field numbers: both
// dims encodings, same-tag concatenation (an element straddling two
// records), scalars, skipped strings, and corrupted or hostile files.
#include <gtest/gtest.h>

#include "bundle_builder.h"
#include "readers/checkpoint.h"
#include "test_support.h"

namespace embert::test {
namespace {

std::unique_ptr<convert::CheckpointReader> OpenMs(const std::string& bytes) {
  return convert::OpenMindSporeBytes(std::vector<uint8_t>(bytes.begin(), bytes.end()), "m.ckpt");
}

TEST(MindSporeBuilt, PackedAndUnpackedDims) {
  const std::string file = MsRecord("w", {2, 3}, "Float32", FloatContent({1, 2, 3, 4, 5, 6}), false) +
                           MsRecord("v", {3}, "Float32", FloatContent({7, 8, 9}), true);
  const auto r = OpenMs(file);
  ASSERT_EQ(r->tensors().size(), 2u);
  EXPECT_EQ(r->tensors()[0].name, "w");
  EXPECT_EQ(r->tensors()[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(r->tensors()[1].shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(r->ReadFloat32("w"), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(r->ReadFloat32("v"), (std::vector<float>{7, 8, 9}));
}

TEST(MindSporeBuilt, SameTagRecordsConcatenateInFileOrder) {
  const std::string all = FloatContent({1.5f, -2, 3, 4, 5});
  // Split at byte 6: element 1 straddles the first two records.
  const std::string file =
      MsRecord("big", {5}, "Float32", all.substr(0, 6)) + MsRecord("other", {}, "Int32", std::string("\x07\0\0\0", 4)) +
      MsRecord("big", {5}, "Float32", all.substr(6, 10)) + MsRecord("big", {5}, "Float32", all.substr(16));
  const auto r = OpenMs(file);
  ASSERT_EQ(r->tensors().size(), 2u);
  EXPECT_EQ(r->ReadFloat32("big"), (std::vector<float>{1.5f, -2, 3, 4, 5}));
}

TEST(MindSporeBuilt, ScalarsAndEmptyTensors) {
  const std::string one = std::string("\x9a\x99\x99\x99\x99\x99\xb9\x3f", 8);  // 0.1 as float64
  const auto r = OpenMs(MsRecord("lr", {0}, "Float64", one) + MsRecord("empty", {0}, "Float32", "") +
                        MsRecord("nodims", {}, "Float64", one));
  EXPECT_EQ(r->tensors()[0].shape, std::vector<int64_t>{});
  EXPECT_EQ(r->ReadFloat32("lr"), std::vector<float>{0.1f});
  EXPECT_EQ(r->tensors()[1].shape, std::vector<int64_t>{0});
  EXPECT_TRUE(r->ReadFloat32("empty").empty());
  EXPECT_EQ(r->tensors()[2].shape, std::vector<int64_t>{});
}

TEST(MindSporeBuilt, StringTensorsAreSkipped) {
  const auto r =
      OpenMs(MsRecord("name", {1}, "str", "hello") + MsRecord("w", {1}, "Float16", std::string("\x00\x3c", 2)));
  ASSERT_EQ(r->tensors().size(), 1u);
  EXPECT_EQ(r->skipped(), std::vector<std::string>{"name"});
  EXPECT_EQ(r->ReadFloat32("w"), std::vector<float>{1.0f});
}

TEST(MindSporeBuilt, Errors) {
  ExpectConvertError([] { OpenMs(MsRecord("w", {2}, "Float32", FloatContent({1}))); },
                     {"m.ckpt", "tensor w", "4 bytes", "needs 8"});
  ExpectConvertError([] { OpenMs(MsRecord("w", {2}, "Float32", "abcd") + MsRecord("w", {3}, "Float32", "abcd")); },
                     {"tensor w", "disagree"});
  ExpectConvertError([] { OpenMs(MsRecord("w", {1}, "Float32", "abcd") + MsRecord("w", {1}, "Int32", "abcd")); },
                     {"tensor w", "disagree"});
  ExpectConvertError([] { OpenMs(MsRecord("w", {1}, "Complex64", "abcdefgh")); }, {"tensor w", "Complex64"});
  ExpectConvertError([] { OpenMs(MsRecord("w", {1}, "str", "x") + MsRecord("w", {1}, "Float32", "abcd")); },
                     {"tensor w", "string"});
  ExpectConvertError(
      [] {
        OpenMs(MsRecord("w", {int64_t(1) << 40, int64_t(1) << 40}, "Float32", ""));
      },
      {"tensor w", "overflow"});
  ExpectConvertError([] { OpenMs(MsRecord("w", {-1}, "Float32", "")); }, {"negative"});
  ExpectConvertError([] { OpenMs(LenField(1, LenField(1, "w"))); }, {"m.ckpt", "record 0", "no tensor"});
  ExpectConvertError([] { OpenMs(LenField(1, LenField(2, ""))); }, {"record 0", "no tag"});
  // A record length past the end of the file.
  std::string cut = MsRecord("w", {1}, "Float32", "abcd");
  cut.pop_back();
  ExpectConvertError([&] { OpenMs(cut); }, {"m.ckpt", "past the end"});
  // A 1 TB content length declared in a tiny file.
  ExpectConvertError([] { OpenMs(LenField(1, LenField(1, "w") + "\x12\x80\x80\x80\x80\x80\x20")); }, {"past the end"});
}

TEST(MindSporeReal, EveryTruncationIsAnErrorOrAPrefixOfTheRecords) {
  const auto bytes = ReadBytes(DataPath("mindspore/ythlml-lenet-2020/checkpoint_lenet-1_1875.ckpt"));
  const auto full = convert::OpenMindSporeBytes(bytes, "m.ckpt");
  // Every cut inside the small records at the start, and a spread over the rest.
  for (size_t n = 0; n < bytes.size(); n += (n < 4096 ? 1 : 997)) {
    try {
      const auto r = convert::OpenMindSporeBytes(std::vector<uint8_t>(bytes.begin(), bytes.begin() + n), "m.ckpt");
      ASSERT_LE(r->tensors().size(), full->tensors().size());
      for (size_t i = 0; i < r->tensors().size(); ++i) {
        EXPECT_EQ(r->tensors()[i].name, full->tensors()[i].name);
        EXPECT_EQ(r->ReadFloat32(r->tensors()[i].name), full->ReadFloat32(r->tensors()[i].name));
      }
    } catch (const convert::ConvertError&) {
    }
  }
}

TEST(MindSporeReal, BitFlipsNeverCrash) {
  const auto bytes = ReadBytes(DataPath("mindspore/ythlml-lenet-2020/checkpoint_lenet-1_1875.ckpt"));
  for (size_t i = 0; i < 2048 * 8; i += 5) {  // the first records' keys, lengths, dims and type strings
    auto bad = bytes;
    bad[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    OpenAndReadAll([&] { return convert::OpenMindSporeBytes(bad, "m.ckpt"); });
  }
}

}  // namespace
}  // namespace embert::test
