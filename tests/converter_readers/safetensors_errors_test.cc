// Hand-made safetensors files: what the format allows (unaligned data,
// scalars, empty tensors, any offset order) is read; every inconsistency is
// a ConvertError naming the file and the tensor.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

#include "readers/checkpoint.h"
#include "test_support.h"

namespace embert::test {
namespace {

using convert::OpenSafetensorsBytes;

std::unique_ptr<convert::CheckpointReader> Open(const std::string& header, const std::vector<uint8_t>& data) {
  return OpenSafetensorsBytes(MakeSafetensors(header, data), "t.safetensors");
}

void ExpectError(const std::string& header, const std::vector<uint8_t>& data, const std::vector<std::string>& parts) {
  SCOPED_TRACE(header);
  std::vector<std::string> all = parts;
  all.push_back("t.safetensors");
  ExpectConvertError([&] { Open(header, data); }, all);
}

TEST(Safetensors, UnalignedDataAnyOffsetOrderScalarsAndEmptyTensors) {
  // Header of odd length, so the data starts unaligned; "b" is stored first.
  const std::string header =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[3,11]},"b":{"dtype":"I8","shape":[],"data_offsets":[0,1]},)"
      R"("e":{"dtype":"F16","shape":[0,4],"data_offsets":[11,11]},"h":{"dtype":"BF16","shape":[1],"data_offsets":[1,3]},)"
      R"("__metadata__":{"k":"v"}} )";  // the space makes the length odd
  ASSERT_EQ(header.size() % 2, 1u);
  std::vector<uint8_t> data = {0xFE, 0x80, 0xBF};  // b = -2; h = bf16 0xBF80 = -1.0
  const auto a = Float32Bytes({1.5f, -3.25f});
  data.insert(data.end(), a.begin(), a.end());
  const auto r = Open(header, data);
  ASSERT_EQ(r->tensors().size(), 4u);
  EXPECT_EQ(r->tensors()[0].name, "a");  // header order, not data order
  EXPECT_EQ(r->tensors()[1].shape, std::vector<int64_t>{});
  EXPECT_EQ(r->tensors()[2].shape, (std::vector<int64_t>{0, 4}));
  EXPECT_EQ(r->ReadFloat32("a"), (std::vector<float>{1.5f, -3.25f}));
  EXPECT_EQ(r->ReadFloat32("b"), (std::vector<float>{-2.0f}));
  EXPECT_TRUE(r->ReadFloat32("e").empty());
  EXPECT_EQ(r->ReadFloat32("h"), (std::vector<float>{-1.0f}));
  ExpectConvertError([&] { r->ReadFloat32("zz"); }, {"no tensor zz"});
}

TEST(Safetensors, EveryDTypeOfTheSpecConverts) {
  // One element each, bytes written out by hand: -2 or 2 in every type.
  const struct {
    const char* dtype;
    std::vector<uint8_t> bytes;
    float value;
  } cases[] = {
      {"F64", {0, 0, 0, 0, 0, 0, 0, 0xC0}, -2.0f},
      {"F32", {0, 0, 0, 0xC0}, -2.0f},
      {"F16", {0x00, 0xC0}, -2.0f},
      {"BF16", {0x00, 0xC0}, -2.0f},
      {"I64", {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, -2.0f},
      {"I32", {0xFE, 0xFF, 0xFF, 0xFF}, -2.0f},
      {"I16", {0xFE, 0xFF}, -2.0f},
      {"I8", {0xFE}, -2.0f},
      {"U8", {0x02}, 2.0f},
      {"BOOL", {0x01}, 1.0f},
      {"U16", {0xFE, 0xFF}, 65534.0f},
      {"U32", {2, 0, 0, 0}, 2.0f},
      {"U64", {2, 0, 0, 0, 0, 0, 0, 0}, 2.0f},
      {"F16", {0x01, 0x00}, 5.9604644775390625e-8f},  // smallest subnormal half
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dtype);
    const std::string header = std::string(R"({"x":{"dtype":")") + c.dtype + R"(","shape":[1],"data_offsets":[0,)" +
                               std::to_string(c.bytes.size()) + "]}}";
    EXPECT_EQ(Open(header, c.bytes)->ReadFloat32("x"), std::vector<float>{c.value});
  }
}

TEST(Safetensors, HeaderLengthBeyondTheFile) {
  std::vector<uint8_t> file = MakeSafetensors("{}", {});
  file[0] = 0xE8;  // 1000 > the 2 bytes there are
  file[1] = 0x03;
  ExpectConvertError([&] { OpenSafetensorsBytes(file, "t.safetensors"); }, {"t.safetensors", "header length 1000"});
  for (int i = 0; i < 8; ++i) file[static_cast<size_t>(i)] = 0xFF;  // 2^64 - 1
  ExpectConvertError([&] { OpenSafetensorsBytes(file, "t.safetensors"); }, {"runs past the end"});
  ExpectConvertError([&] { OpenSafetensorsBytes({1, 0, 0}, "t.safetensors"); }, {"too short"});
}

TEST(Safetensors, BrokenHeaders) {
  ExpectError(R"({"a":)", {}, {"bad header", "JSON 1:6"});
  ExpectError(R"([1,2])", {}, {"not a JSON object"});
  ExpectError(R"({"__metadata__":[1]})", {}, {"__metadata__"});
  ExpectError(R"({"a":5})", {}, {"tensor a", "dtype"});
  ExpectError(R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", {0, 0, 0, 0}, {"tensor a", "shape"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[1]}})", {0, 0, 0, 0}, {"tensor a", "data_offsets"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", {0, 0, 0, 0}, {"tensor a", "data_offsets"});
}

TEST(Safetensors, UnsupportedDTypesAreNamed) {
  for (const char* dtype : {"F8_E4M3", "F8_E5M2", "C64", "Q4_0", "f32", ""}) {
    ExpectError(std::string(R"({"a":{"dtype":")") + dtype + R"(","shape":[1],"data_offsets":[0,1]}})", {0},
                {"tensor a", std::string("unsupported dtype \"") + dtype + "\""});
  }
  ExpectError(R"({"a":{"dtype":7,"shape":[1],"data_offsets":[0,1]}})", {0}, {"tensor a", "dtype"});
}

TEST(Safetensors, BadShapesAndOffsets) {
  const std::vector<uint8_t> d8(8, 0);
  ExpectError(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", d8, {"tensor a", "shape"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", d8, {"tensor a", "shape"});
  ExpectError(R"({"a":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}})", d8, {"tensor a", "shape"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", d8,
              {"tensor a", "shape overflows"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", d8, {"tensor a", "outside the data"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}})", d8, {"tensor a", "outside the data"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}})", d8, {"tensor a", "data_offsets"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}})", d8, {"tensor a", "data_offsets"});
  ExpectError(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", d8, {"tensor a", "needs 12"});
  ExpectError(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}})", d8, {"tensor a", "needs 4"});
  // A 4 TB tensor declared over 8 bytes of data.
  ExpectError(R"({"a":{"dtype":"F32","shape":[1048576,1048576],"data_offsets":[0,4398046511104]}})", d8,
              {"tensor a", "outside the data"});
}

TEST(Safetensors, OverlappingAndDuplicateTensors) {
  const std::vector<uint8_t> d8(8, 0);
  ExpectError(
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
      d8, {"tensors a and b overlap"});
  ExpectError(
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
      d8, {"tensor a", "twice"});
  // Adjacent is fine; so is an empty tensor inside another's bytes.
  EXPECT_NO_THROW(Open(
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
      R"("e":{"dtype":"F32","shape":[0],"data_offsets":[2,2]}})",
      d8));
}

TEST(Safetensors, MissingFileIsAConvertError) {
  ExpectConvertError([] { convert::OpenSafetensors("/nonexistent/model.safetensors"); },
                     {"/nonexistent/model.safetensors"});
  ExpectConvertError([] { convert::OpenSafetensors("/"); }, {"not a regular file"});
}

class ShardedIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "embert_sharded_" + std::to_string(getpid()) + "/";
    ASSERT_EQ(system(("mkdir -p " + dir_).c_str()), 0);
    WriteBytes(dir_ + "s1.safetensors",
               MakeSafetensors(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", Float32Bytes({7.0f})));
  }
  void TearDown() override { [[maybe_unused]] int rc = system(("rm -rf " + dir_).c_str()); }
  std::string Index(const std::string& json) {
    WriteBytes(dir_ + "index.json", Bytes(json));
    return dir_ + "index.json";
  }
  std::string dir_;
};

TEST_F(ShardedIndex, ReadsThroughTheWeightMap) {
  const auto r = convert::OpenShardedSafetensors(Index(R"({"metadata":{},"weight_map":{"a":"s1.safetensors"}})"));
  EXPECT_EQ(r->ReadFloat32("a"), std::vector<float>{7.0f});
}

TEST_F(ShardedIndex, BrokenIndexes) {
  ExpectConvertError([&] { convert::OpenShardedSafetensors(Index("{")); }, {"index.json", "JSON 1:2"});
  ExpectConvertError([&] { convert::OpenShardedSafetensors(Index(R"({"a":1})")); }, {"index.json", "weight_map"});
  ExpectConvertError([&] { convert::OpenShardedSafetensors(Index(R"({"weight_map":{"a":"missing.safetensors"}})")); },
                     {"missing.safetensors"});
  ExpectConvertError([&] { convert::OpenShardedSafetensors(Index(R"({"weight_map":{"b":"s1.safetensors"}})")); },
                     {"index.json", "b is not in s1.safetensors"});
  for (const char* shard : {"../s1.safetensors", "/etc/passwd", "..", ""}) {
    ExpectConvertError(
        [&] { convert::OpenShardedSafetensors(Index(std::string(R"({"weight_map":{"a":")") + shard + "\"}}")); },
        {"index.json", "weight_map entry a"});
  }
  ExpectConvertError([&] { convert::OpenShardedSafetensors(Index(R"({"weight_map":{"a":7}})")); },
                     {"weight_map entry a"});
}

}  // namespace
}  // namespace embert::test
