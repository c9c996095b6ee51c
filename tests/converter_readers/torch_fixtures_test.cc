// The BERT-shaped state dict torch wrote (tests/reference/make_torch_fixtures.py):
// zip, legacy, safetensors and sharded safetensors must all give exactly the
// names, dtypes, shapes and values recorded from the torch tensors; plus a
// nested training checkpoint and files with hostile pickles.
#include <gtest/gtest.h>
#include <unistd.h>

#include "json/json.h"
#include "readers/checkpoint.h"
#include "test_support.h"

namespace embert::test {
namespace {

struct Expected {
  std::string name, dtype;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

std::vector<Expected> LoadExpected() {
  const auto text = ReadBytes(DataPath("generated/bert_tiny.expected.json"));
  const json::Value root = json::Parse(std::string(text.begin(), text.end()));
  std::vector<Expected> out;
  for (const auto& t : root.find("tensors")->as_array()) {
    Expected e{t.find("name")->as_string(), t.find("dtype")->as_string(), {}, {}};
    for (const auto& d : t.find("shape")->as_array()) e.shape.push_back(d.as_int());
    for (const auto& v : t.find("values")->as_array()) e.values.push_back(static_cast<float>(v.as_number()));
    out.push_back(std::move(e));
  }
  return out;
}

const Expected& Find(const std::vector<Expected>& all, const std::string& name) {
  for (const auto& e : all) {
    if (e.name == name) return e;
  }
  throw std::runtime_error("no expected tensor " + name);
}

struct Format {
  const char* file;
  const char* format;
};

void PrintTo(const Format& f, std::ostream* os) { *os << f.file; }

class BertTiny : public ::testing::TestWithParam<Format> {};

TEST_P(BertTiny, GivesTheValuesTorchWrote) {
  const Format f = GetParam();
  const std::string path = DataPath(std::string("generated/") + f.file);
  const std::string format = f.format;
  const auto reader = format == "safetensors"           ? convert::OpenSafetensors(path)
                      : format == "safetensors-sharded" ? convert::OpenShardedSafetensors(path)
                                                        : convert::OpenTorch(path);
  EXPECT_EQ(reader->format(), format);
  const auto expected = LoadExpected();
  ASSERT_EQ(expected.size(), 55u);  // 2-layer BERT + MLM head + 8 layout/dtype cases
  ASSERT_EQ(reader->tensors().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& info = reader->tensors()[i];
    const Expected& e = expected[i];
    SCOPED_TRACE(e.name);
    EXPECT_EQ(info.name, e.name);  // state-dict order
    EXPECT_STREQ(convert::DTypeName(info.dtype), e.dtype.c_str());
    EXPECT_EQ(info.shape, e.shape);
    const std::vector<float> got = reader->ReadFloat32(info.name);
    ASSERT_EQ(got.size(), e.values.size());
    for (size_t k = 0; k < got.size(); ++k) ASSERT_EQ(got[k], e.values[k]) << "element " << k;
  }
  EXPECT_THROW(reader->ReadFloat32("bert.no_such_tensor"), convert::ConvertError);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, BertTiny,
                         ::testing::Values(Format{"bert_tiny.zip.pt", "torch-zip"},
                                           Format{"bert_tiny.legacy.pt", "torch-legacy"},
                                           Format{"bert_tiny.safetensors", "safetensors"},
                                           Format{"bert_tiny.safetensors.index.json", "safetensors-sharded"}),
                         [](const auto& info) {
                           std::string name = info.param.format;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(BertTiny, ShardedReaderListsItsFiles) {
  const auto reader = convert::OpenShardedSafetensors(DataPath("generated/bert_tiny.safetensors.index.json"));
  const auto files = reader->files();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_NE(files[1].find("bert_tiny.shard-1-of-2.safetensors"), std::string::npos);
  EXPECT_NE(files[2].find("bert_tiny.shard-2-of-2.safetensors"), std::string::npos);
}

TEST(NestedCheckpoint, TensorsAreNamedByTheirPathAndOtherValuesIgnored) {
  const auto reader = convert::OpenTorch(DataPath("generated/checkpoint_nested.zip.pt"));
  std::vector<std::string> names;
  for (const auto& t : reader->tensors()) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"state_dict.bert.pooler.dense.weight", "state_dict.bert.pooler.dense.bias",
                                             "optimizer.state.0.momentum_buffer"}));
  const auto expected = LoadExpected();
  EXPECT_EQ(reader->ReadFloat32("state_dict.bert.pooler.dense.weight"),
            Find(expected, "bert.pooler.dense.weight").values);
  const auto& bias = Find(expected, "bert.pooler.dense.bias").values;
  EXPECT_EQ(reader->ReadFloat32("state_dict.bert.pooler.dense.bias"), bias);
  const auto momentum = reader->ReadFloat32("optimizer.state.0.momentum_buffer");
  ASSERT_EQ(momentum.size(), bias.size());
  for (size_t i = 0; i < bias.size(); ++i) EXPECT_EQ(momentum[i], bias[i] * 0.5f);  // exact: a power of two
}

constexpr const char* kPwned = "/tmp/embert-readers-pwned";

TEST(HostileTorchFiles, CommandInThePickleIsRefusedNotRun) {
  unlink(kPwned);
  for (const char* file : {"hostile_os_system.zip.pt", "hostile_os_system.legacy.pt"}) {
    SCOPED_TRACE(file);
    ExpectConvertError([&] { convert::OpenTorch(DataPath(std::string("generated/") + file)); },
                       {file, "refusing pickle global posix.system"});
  }
  EXPECT_NE(access(kPwned, F_OK), 0) << "the pickle's command ran";
}

TEST(HostileTorchFiles, FourTerabyteTensorIsRefusedNotAllocated) {
  for (const char* file : {"hostile_huge_tensor.zip.pt", "hostile_huge_tensor.legacy.pt"}) {
    SCOPED_TRACE(file);
    ExpectConvertError([&] { convert::OpenTorch(DataPath(std::string("generated/") + file)); },
                       {file, "tensor w", "past the end of its storage (4 elements"});
  }
}

TEST(HostileTorchFiles, OffsetNearTwoToTheSixtyFourIsRefused) {
  for (const char* file : {"hostile_offset_overflow.zip.pt", "hostile_offset_overflow.legacy.pt"}) {
    SCOPED_TRACE(file);
    ExpectConvertError([&] { convert::OpenTorch(DataPath(std::string("generated/") + file)); },
                       {file, "tensor w", "past the end of its storage"});
  }
}

}  // namespace
}  // namespace embert::test
