// Convert(options) -> result, the converter as a library, on the demo
// checkpoint (models/snips-intent). The expected facts are read from the
// checkpoint's config.json by this test (plain string scanning, not the
// converter's JSON reader; not std::regex either, whose GCC 12 headers stop
// the sanitizer build with -Wmaybe-uninitialized) and from the written file
// through the public API.
#include "convert/convert.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "embert/embert.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

const std::string kDemo = std::string(EMBERT_SOURCE_DIR) + "/models/snips-intent";
const std::string kCalibration = std::string(EMBERT_SOURCE_DIR) + "/tests/data/snips/calibration-300.txt";

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Skips spaces and one ':' after position i; returns the next position.
size_t AfterColon(const std::string& text, size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == ':')) ++i;
  return i;
}

// "key": number in the demo's config.json.
uint32_t ConfigNumber(const std::string& key) {
  const std::string text = ReadFile(kDemo + "/config.json");
  const size_t at = text.find("\"" + key + "\"");
  if (at == std::string::npos) {
    ADD_FAILURE() << key << " not in config.json";
    return 0;
  }
  size_t i = AfterColon(text, at + key.size() + 2);
  size_t j = i;
  while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
  if (j == i) {
    ADD_FAILURE() << key << " is not a number in config.json";
    return 0;
  }
  return static_cast<uint32_t>(std::stoul(text.substr(i, j - i)));
}

// id2label of the demo's config.json, in index order: "digits": "name" pairs
// up to the block's closing brace.
std::vector<std::string> ConfigLabels() {
  const std::string text = ReadFile(kDemo + "/config.json");
  const size_t start = text.find("\"id2label\"");
  const std::string block = text.substr(start, text.find('}', start) - start);
  std::map<int, std::string> by_index;
  for (size_t q = block.find('"', block.find('{')); q != std::string::npos; q = block.find('"', q + 1)) {
    const size_t close = block.find('"', q + 1);
    if (close == std::string::npos) break;
    const std::string key = block.substr(q + 1, close - q - 1);
    const bool digits = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
    const size_t v = AfterColon(block, close + 1);
    if (!digits || v >= block.size() || block[v] != '"') {
      q = close;
      continue;
    }
    const size_t v_end = block.find('"', v + 1);
    by_index[std::stoi(key)] = block.substr(v + 1, v_end - v - 1);
    q = v_end;
  }
  std::vector<std::string> labels;
  for (const auto& [i, name] : by_index) labels.push_back(name);
  return labels;
}

class ConvertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/embert-convert-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    for (const auto& f : files_) std::remove(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string Path(const std::string& name) {
    files_.push_back(dir_ + "/" + name);
    return files_.back();
  }
  std::string dir_;
  std::vector<std::string> files_;
};

uint32_t Property(const std::vector<uint8_t>& bytes, embert_model_property property) {
  // The loader wants EMBERT_MODEL_ALIGNMENT-aligned memory.
  std::vector<uint64_t> aligned((bytes.size() + 7) / 8 + 8);
  uint8_t* base = reinterpret_cast<uint8_t*>(aligned.data());
  base += (64 - reinterpret_cast<uintptr_t>(base) % 64) % 64;
  std::copy(bytes.begin(), bytes.end(), base);
  embert_model* model = nullptr;
  char error[256] = "";
  if (embert_model_load_buffer(base, bytes.size(), &model, error, sizeof error) != EMBERT_STATUS_OK) {
    ADD_FAILURE() << error;
    return ~0u;
  }
  uint32_t value = 0;
  EXPECT_EQ(embert_model_get(model, property, &value), EMBERT_STATUS_OK);
  embert_model_destroy(model);
  return value;
}

TEST_F(ConvertTest, DemoInt8SummaryMatchesTheCheckpoint) {
  ConvertOptions options;
  options.input = kDemo;
  options.output = Path("demo.embert");
  const ConvertResult r = Convert(options);

  EXPECT_TRUE(r.int8);
  EXPECT_EQ(r.config.num_layers, ConfigNumber("num_hidden_layers"));
  EXPECT_EQ(r.config.hidden_size, ConfigNumber("hidden_size"));
  EXPECT_EQ(r.config.vocab_size, ConfigNumber("vocab_size"));
  EXPECT_EQ(r.config.num_heads, ConfigNumber("num_attention_heads"));
  EXPECT_TRUE(r.has_classifier);
  EXPECT_EQ(r.labels, ConfigLabels());
  EXPECT_EQ(r.source_format, "huggingface-safetensors");
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.calibration_lines, 0u);
  EXPECT_FALSE(r.compared);
  EXPECT_FALSE(r.evaluated);

  // The file written is the result's bytes, and says the same.
  const std::string written = ReadFile(options.output);
  ASSERT_EQ(written.size(), r.bytes.size());
  EXPECT_TRUE(std::equal(r.bytes.begin(), r.bytes.end(), reinterpret_cast<const uint8_t*>(written.data())));
  EXPECT_EQ(Property(r.bytes, EMBERT_MODEL_NUM_LAYERS), ConfigNumber("num_hidden_layers"));
  EXPECT_EQ(Property(r.bytes, EMBERT_MODEL_NUM_LABELS), ConfigLabels().size());
  EXPECT_EQ(Property(r.bytes, EMBERT_MODEL_IS_QUANTIZED), 1u);

  // The tensor report: every tensor once, their bytes within the file's.
  size_t sum = 0, int8_tensors = 0;
  for (const auto& t : r.tensors) {
    sum += t.bytes;
    int8_tensors += t.dtype == "int8";
  }
  EXPECT_EQ(r.tensor_bytes, sum);
  EXPECT_LT(r.tensor_bytes, r.bytes.size());
  // Six linear layers per encoder layer at least are int8.
  EXPECT_GE(int8_tensors, 6u * ConfigNumber("num_hidden_layers"));
}

TEST_F(ConvertTest, Fp32WithoutOutputWritesNothing) {
  ConvertOptions options;
  options.input = kDemo;
  options.int8 = false;
  const ConvertResult r = Convert(options);
  EXPECT_FALSE(r.int8);
  EXPECT_EQ(Property(r.bytes, EMBERT_MODEL_IS_QUANTIZED), 0u);
  for (const auto& t : r.tensors) EXPECT_NE(t.dtype, "int8") << t.name;
  // 4 bytes a weight: the word table alone.
  EXPECT_GT(r.bytes.size(), size_t{4} * ConfigNumber("vocab_size") * ConfigNumber("hidden_size"));
}

TEST_F(ConvertTest, CalibrationFiguresCoverTheTextAndTheLayers) {
  // The first 20 lines of the demo's calibration text.
  const std::string lines_path = Path("calibration.txt");
  {
    std::ifstream in(kCalibration);
    std::ofstream out(lines_path);
    std::string line;
    for (int i = 0; i < 20 && std::getline(in, line); ++i) out << line << "\n";
  }
  ConvertOptions options;
  options.input = kDemo;
  options.calibration = lines_path;
  options.static_activations = true;
  const ConvertResult r = Convert(options);
  EXPECT_EQ(r.calibration_lines, 20u);
  EXPECT_GT(r.activation_ranges, 0u);
  ASSERT_TRUE(r.compared);
  EXPECT_EQ(r.agreement.texts, 20u);
  EXPECT_EQ(r.agreement.layer_relative_error.size(), ConfigNumber("num_hidden_layers"));
  EXPECT_LE(r.agreement.same_top_label, 20u);
  EXPECT_GT(r.agreement.min_cosine, 0.9);
}

TEST_F(ConvertTest, WarningsAreReportedAndReturned) {
  ConvertOptions options;
  options.input = kDemo;
  options.max_seq_len = ConfigNumber("max_position_embeddings") + 1;
  std::vector<std::string> seen;
  options.on_warning = [&](const std::string& m) { seen.push_back(m); };
  const ConvertResult r = Convert(options);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(seen, r.warnings);
  EXPECT_NE(r.warnings[0].find("--max-seq-len"), std::string::npos);
}

TEST_F(ConvertTest, BadOptionsAndInputsThrowAndLeaveNoFile) {
  ConvertOptions options;
  options.input = kDemo;
  options.output = Path("never.embert");
  options.int8 = false;
  options.pack_layout = 1;
  EXPECT_FALSE(CheckOptions(options).empty());
  EXPECT_THROW(Convert(options), ConvertError);

  options = ConvertOptions();
  options.input = dir_ + "/no-such-checkpoint";
  options.output = Path("never.embert");
  EXPECT_THROW(Convert(options), ConvertError);
  EXPECT_FALSE(std::ifstream(options.output).good());
}

}  // namespace
}  // namespace embert::convert
