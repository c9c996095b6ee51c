// Real TensorFlow bundles and a real MindSpore checkpoint
// (tests/data/checkpoint-formats/{tf-bundle,mindspore}, see each
// PROVENANCE.md) read to the names, dtypes, shapes, first values, sums and
// data sha256 their expected.json records (written by other tools), and
// every stored crc32c matches the bytes it covers.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <map>

#include "json/json.h"
#include "readers/checkpoint.h"
#include "readers/crc32c.h"
#include "sha256.h"
#include "test_support.h"

namespace embert::test {
namespace {

json::Value Expected(const std::string& folder) {
  const auto text = ReadBytes(DataPath(folder + "/expected.json"));
  return json::Parse(std::string(text.begin(), text.end()));
}

// float32 holds F32 and small integers exactly, so the raw bytes can be
// rebuilt from what the reader returns and hashed.
bool RawBytes(const std::string& dtype, const std::vector<float>& v, std::vector<uint8_t>* out) {
  for (float f : v) {
    uint64_t bits = 0;
    int n = 0;
    if (dtype == "F32") {
      uint32_t b;
      std::memcpy(&b, &f, 4);
      bits = b;
      n = 4;
    } else if (dtype == "I64" && std::fabs(f) < 16777216.0f) {
      bits = static_cast<uint64_t>(static_cast<int64_t>(f));
      n = 8;
    } else {
      return false;
    }
    for (int i = 0; i < n; ++i) out->push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }
  return true;
}

int checksums_verified = 0;

void CheckValues(const convert::CheckpointReader& reader, const convert::TensorInfo& info, const json::Value& want) {
  const std::vector<float> values = reader.ReadFloat32(info.name);  // verifies the tensor crc for TF
  size_t count = 1;
  for (int64_t d : info.shape) count *= static_cast<size_t>(d);
  ASSERT_EQ(values.size(), count);
  const json::Value& first = *want.find("first_values");
  ASSERT_LE(first.size(), values.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(values[i], static_cast<float>(first.as_array()[i].as_number())) << "element " << i;
  }
  if (const json::Value* sum = want.find("sum")) {  // not recorded for MindSpore's scalars
    double s = 0;
    for (float v : values) s += v;
    EXPECT_NEAR(s, sum->as_number(), 1e-5 + 1e-5 * std::fabs(sum->as_number()));
  }
  std::vector<uint8_t> raw;
  if (RawBytes(convert::DTypeName(info.dtype), values, &raw)) {
    EXPECT_EQ(Sha256Hex(raw.data(), raw.size()), want.find("data_sha256")->as_string());
    ++checksums_verified;
  }
}

struct Bundle {
  const char* folder;
  const char* prefix;
};

void PrintTo(const Bundle& b, std::ostream* os) { *os << b.folder; }

class TfBundles : public ::testing::TestWithParam<Bundle> {};

TEST_P(TfBundles, ReadToTheirExpectedJson) {
  const Bundle b = GetParam();
  const json::Value expected = Expected(b.folder);
  const auto reader = convert::OpenTfBundle(DataPath(std::string(b.folder) + "/" + b.prefix));
  EXPECT_EQ(reader->format(), "tf-bundle");
  const uint64_t shards = static_cast<uint64_t>(expected.find("header")->find("num_shards")->as_int());
  EXPECT_EQ(reader->files().size(), 1 + shards);

  const std::map<std::string, std::string> dtypes = {{"DT_FLOAT", "F32"}, {"DT_INT64", "I64"}};
  std::vector<std::string> names, strings;
  for (const auto& t : expected.find("tensors")->as_array()) {
    (t.find("dtype")->as_string() == "DT_STRING" ? strings : names).push_back(t.find("name")->as_string());
  }
  std::vector<std::string> got;
  for (const auto& t : reader->tensors()) got.push_back(t.name);
  EXPECT_EQ(got, names);  // key order, strings left out
  EXPECT_EQ(reader->skipped(), strings);

  checksums_verified = 0;
  size_t i = 0;
  for (const auto& t : expected.find("tensors")->as_array()) {
    if (t.find("dtype")->as_string() == "DT_STRING") continue;
    const convert::TensorInfo& info = reader->tensors().at(i++);
    SCOPED_TRACE(info.name);
    EXPECT_STREQ(convert::DTypeName(info.dtype), dtypes.at(t.find("dtype")->as_string()).c_str());
    std::vector<int64_t> shape;
    for (const auto& d : t.find("shape")->as_array()) shape.push_back(d.as_int());
    EXPECT_EQ(info.shape, shape);
    CheckValues(*reader, info, t);
  }
  EXPECT_EQ(checksums_verified, static_cast<int>(names.size()));
}

// The masked crc32c of each numeric tensor's bytes equals the one
// expected.json recorded (so crc32c and the mask agree with TensorFlow's).
// String tensors are left out: TF's crc of those also covers the lengths.
TEST_P(TfBundles, StoredCrcsMatchOurCrc32c) {
  const Bundle b = GetParam();
  const json::Value expected = Expected(b.folder);
  const auto files = convert::OpenTfBundle(DataPath(std::string(b.folder) + "/" + b.prefix))->files();
  int checked = 0;
  for (const auto& t : expected.find("tensors")->as_array()) {
    if (t.find("dtype")->as_string() == "DT_STRING") continue;
    const auto shard = ReadBytes(files.at(1 + static_cast<size_t>(t.find("shard_id")->as_int())));
    const size_t offset = static_cast<size_t>(t.find("offset")->as_int());
    const size_t size = static_cast<size_t>(t.find("size")->as_int());
    ASSERT_LE(offset + size, shard.size());
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", convert::MaskCrc32c(convert::Crc32c(shard.data() + offset, size)));
    EXPECT_EQ(hex, t.find("crc32c_masked")->as_string()) << t.find("name")->as_string();
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

INSTANTIATE_TEST_SUITE_P(CheckpointFormats, TfBundles,
                         ::testing::Values(Bundle{"tf-bundle/little-ruan-iris-2-shards", "model.ckpt"},
                                           Bundle{"tf-bundle/tf-rust-keras-single-input", "variables/variables"},
                                           Bundle{"tf-bundle/tf-serving-half-plus-two-cpu", "variables/variables"},
                                           Bundle{"tf-bundle/tf-serving-half-plus-two-tf2", "variables/variables"}),
                         [](const auto& info) {
                           std::string name = info.param.folder;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(TfBundle, IndexPathIsAcceptedAsPrefix) {
  const auto reader =
      convert::OpenTfBundle(DataPath("tf-bundle/tf-serving-half-plus-two-cpu/variables/variables.index"));
  EXPECT_EQ(reader->tensors().size(), 5u);
}

TEST(MindSpore, LenetReadsToItsExpectedJson) {
  const std::string folder = "mindspore/ythlml-lenet-2020";
  const json::Value expected = Expected(folder);
  const auto reader = convert::OpenMindSpore(DataPath(folder + "/" + expected.find("file")->as_string()));
  EXPECT_EQ(reader->format(), "mindspore");
  EXPECT_TRUE(reader->skipped().empty());
  const auto& params = expected.find("params")->as_array();
  ASSERT_EQ(reader->tensors().size(), params.size());
  const std::map<std::string, std::string> dtypes = {{"Float32", "F32"}, {"Float64", "F64"}};
  checksums_verified = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    const json::Value& p = params[i];
    const convert::TensorInfo& info = reader->tensors()[i];
    SCOPED_TRACE(info.name);
    EXPECT_EQ(info.name, p.find("name")->as_string());  // file order
    EXPECT_STREQ(convert::DTypeName(info.dtype), dtypes.at(p.find("dtype")->as_string()).c_str());
    std::vector<int64_t> shape;
    for (const auto& d : p.find("shape")->as_array()) shape.push_back(d.as_int());
    // MindSpore writes a 0-d scalar as dims [0] holding one element.
    if (shape == std::vector<int64_t>{0} &&
        p.find("nbytes")->as_int() == static_cast<int64_t>(convert::DTypeSize(info.dtype))) {
      shape.clear();
    }
    EXPECT_EQ(info.shape, shape);
    CheckValues(*reader, info, p);
  }
  EXPECT_EQ(checksums_verified, 16);  // the Float32 ones; the two Float64 scalars by value
}

}  // namespace
}  // namespace embert::test
