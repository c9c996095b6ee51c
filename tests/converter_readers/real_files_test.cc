// Real files written by safetensors and torch.save (tests/data/checkpoint-formats,
// see each PROVENANCE.md) read to the names, dtypes, shapes, first values,
// sums and data sha256 recorded in their expected.json by other tools.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <map>

#include "json/json.h"
#include "readers/checkpoint.h"
#include "sha256.h"
#include "test_support.h"

namespace embert::test {
namespace {

using convert::DType;

const std::map<std::string, std::string>& TorchDTypeNames() {
  static const std::map<std::string, std::string> m = {
      {"float32", "F32"}, {"float16", "F16"}, {"bfloat16", "BF16"}, {"float64", "F64"}, {"int64", "I64"},
      {"int32", "I32"},   {"int16", "I16"},   {"int8", "I8"},       {"uint8", "U8"},    {"bool", "BOOL"}};
  return m;
}

uint16_t FloatToHalfExact(float f) {
  // Only for values read from F16 data, which float32 holds exactly.
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000;
  const int exp = static_cast<int>((x >> 23) & 0xFF) - 127;
  const uint32_t mant = x & 0x7FFFFF;
  if (((x >> 23) & 0xFF) == 0xFF) return static_cast<uint16_t>(sign | 0x7C00 | (mant >> 13));
  if ((x & 0x7FFFFFFF) == 0) return static_cast<uint16_t>(sign);
  if (exp >= -14) return static_cast<uint16_t>(sign | static_cast<uint32_t>(exp + 15) << 10 | (mant >> 13));
  return static_cast<uint16_t>(sign | ((mant | 0x800000) >> (-exp - 14 + 13)));  // subnormal half
}

// The tensor's raw little-endian bytes rebuilt from its float32 values, where
// float32 holds every value of the dtype exactly (as the Python test does).
bool RawBytes(const std::string& dtype, const std::vector<float>& v, std::vector<uint8_t>* out) {
  auto put = [&](uint64_t bits, int n) {
    for (int i = 0; i < n; ++i) out->push_back(static_cast<uint8_t>(bits >> (8 * i)));
  };
  for (float f : v) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    if (dtype == "F32") put(bits, 4);
    else if (dtype == "BF16") put(bits >> 16, 2);
    else if (dtype == "F16") put(FloatToHalfExact(f), 2);
    else if (dtype == "BOOL") put(f != 0, 1);
    else if (dtype == "I8" || dtype == "U8") put(static_cast<uint64_t>(static_cast<int64_t>(f)), 1);
    else if (dtype == "I16" || dtype == "U16") put(static_cast<uint64_t>(static_cast<int64_t>(f)), 2);
    else if ((dtype == "I32" || dtype == "U32") && std::fabs(f) < 16777216.0f)
      put(static_cast<uint64_t>(static_cast<int64_t>(f)), 4);
    else if (dtype == "I64" && std::fabs(f) < 16777216.0f) put(static_cast<uint64_t>(static_cast<int64_t>(f)), 8);
    else return false;
  }
  return true;
}

// Tensors whose checksums matched, so a test cannot pass by skipping them all.
int checksums_verified = 0;

void CheckTensor(const convert::CheckpointReader& reader, const convert::TensorInfo& info, const json::Value& want,
                 const std::string& dtype) {
  SCOPED_TRACE(info.name);
  EXPECT_STREQ(convert::DTypeName(info.dtype), dtype.c_str());
  std::vector<int64_t> shape;
  for (const auto& d : want.find("shape")->as_array()) shape.push_back(d.as_int());
  EXPECT_EQ(info.shape, shape);
  const std::vector<float> values = reader.ReadFloat32(info.name);
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  ASSERT_EQ(values.size(), static_cast<size_t>(count));
  if (const json::Value* first = want.find("first_values")) {
    ASSERT_LE(first->size(), values.size());
    for (size_t i = 0; i < first->size(); ++i) {
      const json::Value& v = first->as_array()[i];  // numbers, or true/false for bool tensors
      EXPECT_EQ(values[i], v.is_bool() ? (v.as_bool() ? 1.0f : 0.0f) : static_cast<float>(v.as_number()))
          << "element " << i;
    }
  }
  if (const json::Value* sum = want.find("sum")) {
    double s = 0;
    for (float v : values) s += v;
    EXPECT_NEAR(s, sum->as_number(), 1e-5 + 1e-5 * std::fabs(sum->as_number()));
  }
  std::vector<uint8_t> raw;
  if (const json::Value* sha = want.find("data_sha256"); sha && RawBytes(dtype, values, &raw)) {
    EXPECT_EQ(Sha256Hex(raw.data(), raw.size()), sha->as_string());
    ++checksums_verified;
  }
}

struct Folder {
  const char* path;
  bool torch;
  int files;  // expected number of files, so none is skipped silently
};

void PrintTo(const Folder& f, std::ostream* os) { *os << f.path; }

class RealFiles : public ::testing::TestWithParam<Folder> {};

TEST_P(RealFiles, ReadToTheirExpectedJson) {
  const Folder folder = GetParam();
  const auto text = ReadBytes(DataPath(std::string(folder.path) + "/expected.json"));
  json::Value expected = json::Parse(std::string(text.begin(), text.end()));
  if (expected.find("tensors")) {  // one file: {"file": ..., "tensors": [...]}
    std::vector<json::Member> one;
    one.emplace_back(expected.find("file")->as_string(), expected);
    expected = json::Value(std::move(one));
  }
  int files = 0;
  checksums_verified = 0;
  for (const auto& [file, want] : expected.items()) {
    SCOPED_TRACE(file);
    ++files;
    const std::string path = DataPath(std::string(folder.path) + "/" + file);
    const auto reader = folder.torch ? convert::OpenTorch(path) : convert::OpenSafetensors(path);
    std::vector<std::string> order;
    if (folder.torch) {
      EXPECT_EQ(reader->format(), want.find("container")->as_string() == "zip" ? "torch-zip" : "torch-legacy");
      for (const auto& t : want.find("tensors")->as_array()) order.push_back(t.find("name")->as_string());
    } else {
      EXPECT_EQ(reader->format(), "safetensors");
      for (const auto& k : want.find("header_key_order")->as_array()) {
        if (k.as_string() != "__metadata__") order.push_back(k.as_string());
      }
    }
    std::vector<std::string> got;
    for (const auto& t : reader->tensors()) got.push_back(t.name);
    EXPECT_EQ(got, order);  // file order
    for (const auto& t : want.find("tensors")->as_array()) {
      const std::string name = t.find("name")->as_string();
      const auto& infos = reader->tensors();
      const auto info = std::find_if(infos.begin(), infos.end(), [&](const auto& i) { return i.name == name; });
      ASSERT_NE(info, infos.end()) << name;
      std::string dtype = t.find("dtype")->as_string();
      if (folder.torch) dtype = TorchDTypeNames().at(dtype);
      CheckTensor(*reader, *info, t, dtype);
    }
  }
  EXPECT_EQ(files, folder.files);
  EXPECT_GE(checksums_verified, folder.files);
}

INSTANTIATE_TEST_SUITE_P(CheckpointFormats, RealFiles,
                         ::testing::Values(Folder{"safetensors/burn-multi-layer", false, 1},
                                           Folder{"safetensors/hf-safetensors-samples-2022", false, 10},
                                           Folder{"torch/burn-reader-fixtures", true, 14}),
                         [](const auto& info) {
                           std::string name = info.param.path;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace embert::test
