// The table of source formats (import/source_formats.h): which family each
// checkpoint file of the repository is recognised as, from its path or its
// first bytes, with and without --format.
#include "import/source_formats.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "readers/convert_error.h"

namespace embert::convert {
namespace {

const std::string kRoot = EMBERT_SOURCE_DIR;
const std::string kData = kRoot + "/tests/data";
const std::string kIris = kData + "/checkpoint-formats/tf-bundle/little-ruan-iris-2-shards";
const std::string kLenet = kData + "/checkpoint-formats/mindspore/ythlml-lenet-2020";

struct Case {
  std::string input, format, weights, dir;
};

TEST(SourceFormats, TheTableNamesEachFormatOnce) {
  std::set<std::string> names;
  for (const SourceFormat& f : SourceFormats()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_NE(f.sniff, nullptr) << f.name;
    EXPECT_NE(f.open, nullptr) << f.name;
    EXPECT_FALSE(f.layout.configs.empty()) << f.name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"huggingface", "tf", "safetensors", "torch", "mindspore"}));
}

TEST(SourceFormats, SniffingPicksTheFamilyOfEachFixture) {
  const Case cases[] = {
      {kRoot + "/models/snips-intent", "huggingface", kRoot + "/models/snips-intent", kRoot + "/models/snips-intent"},
      {kData + "/converter/tiny-torch-zip", "huggingface", kData + "/converter/tiny-torch-zip",
       kData + "/converter/tiny-torch-zip"},
      {kData + "/converter/tiny-torch-zip/pytorch_model.bin", "torch", "", kData + "/converter/tiny-torch-zip"},
      {kData + "/converter/tiny-torch-legacy/pytorch_model.bin", "torch", "", ""},
      {kData + "/checkpoint-formats/generated/bert_tiny.zip.pt", "torch", "", ""},
      {kData + "/checkpoint-formats/generated/bert_tiny.legacy.pt", "torch", "", ""},
      {kData + "/converter/tiny-safetensors/model.safetensors", "safetensors", "", ""},
      {kData + "/checkpoint-formats/safetensors/burn-multi-layer/multi_layer.safetensors", "safetensors", "", ""},
      {kData + "/checkpoint-formats/safetensors/hf-safetensors-samples-2022/b.safetensors", "safetensors", "", ""},
      {kIris, "tf", kIris + "/model.ckpt", kIris},
      {kIris + "/model.ckpt", "tf", kIris + "/model.ckpt", kIris},
      {kIris + "/model.ckpt.index", "tf", kIris + "/model.ckpt", kIris},
      {kIris + "/model.ckpt.data-00001-of-00002", "tf", kIris + "/model.ckpt", kIris},
      {kData + "/checkpoint-formats/tf-bundle/tf-rust-keras-single-input", "tf",
       kData + "/checkpoint-formats/tf-bundle/tf-rust-keras-single-input/variables/variables", ""},
      {kLenet, "mindspore", kLenet + "/checkpoint_lenet-1_1875.ckpt", kLenet},
      {kLenet + "/checkpoint_lenet-1_1875.ckpt", "mindspore", "", kLenet},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    const Source s = Resolve(c.input, "");
    ASSERT_NE(s.format, nullptr);
    EXPECT_EQ(s.format->name, c.format);
    EXPECT_EQ(s.weights, c.weights.empty() ? c.input : c.weights);
    if (!c.dir.empty()) {
      EXPECT_EQ(s.dir, c.dir);
    }
    // Naming the family it has gives the same.
    const Source forced = Resolve(c.input, c.format);
    EXPECT_EQ(forced.format, s.format);
    EXPECT_EQ(forced.weights, s.weights);
  }
}

TEST(SourceFormats, FormatOverridesTheEvidenceOfAFile) {
  // Without --format, the name decides; with it, the file is taken as named.
  const std::string file = kData + "/converter/tiny-safetensors/model.safetensors";
  EXPECT_STREQ(Resolve(file, "torch").format->name, "torch");
  EXPECT_STREQ(Resolve(file, "mindspore").format->name, "mindspore");
  // A Hugging Face directory is a directory.
  EXPECT_THROW(Resolve(file, "huggingface"), ConvertError);
  // A directory with no TensorFlow bundle is not one because --format says so.
  EXPECT_THROW(Resolve(kData + "/converter/tiny-safetensors", "tf"), ConvertError);
}

TEST(SourceFormats, UnrecognisedInputsAreErrors) {
  EXPECT_THROW(Resolve(kRoot + "/models/snips-intent", "onnx"), ConvertError);
  EXPECT_THROW(Resolve(kData + "/no-such-checkpoint", ""), ConvertError);
  EXPECT_THROW(Resolve(kRoot + "/CONTRIBUTING.md", ""), ConvertError);  // text, not a checkpoint
  EXPECT_THROW(Resolve(kData + "/tokenizer", ""), ConvertError);        // a directory without one
}

}  // namespace
}  // namespace embert::convert
