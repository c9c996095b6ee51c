// The YAML subset and the configuration section choice, on files shaped like
// the MindSpore model zoo's *_config.yaml.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "import/hf_config.h"
#include "json/yaml_subset.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

const char kModelZoo[] =
    "# Builtin Configurations(DO NOT CHANGE THESE CONFIGURATIONS unless you know exactly what you are doing)\n"
    "enable_modelarts: False\n"
    "data_url: \"\"\n"
    "bert_network: 'base'\n"
    "optimizer: 'Lamb'\n"
    "Lamb:\n"
    "    learning_rate: 3.0e-4  # peak\n"
    "    decay_filter: ['layernorm', 'bias']\n"
    "base_net_cfg:\n"
    "    seq_length: 128\n"
    "    vocab_size: 21128\n"
    "    hidden_size: 768\n"
    "    num_hidden_layers: 12\n"
    "    num_attention_heads: 12\n"
    "    intermediate_size: 3072\n"
    "    hidden_act: \"gelu\"\n"
    "    max_position_embeddings: 512\n"
    "    type_vocab_size: 2\n"
    "    use_relative_positions: False\n"
    "    dtype: mstype.float32\n"
    "large_net_cfg:\n"
    "    hidden_size: 1024\n"
    "    num_hidden_layers: 24\n"
    "files:\n"
    "  - a.txt\n"
    "  - 'b # not a comment'\n"
    "---\n"
    "# Help description for each configuration\n"
    "bert_network: \"which network, base or large\"\n";

TEST(YamlSubset, ModelZooFileParsesToTypedValues) {
  const json::Value v = json::ParseYamlSubset(kModelZoo);
  ASSERT_TRUE(v.is_object());
  EXPECT_FALSE(v.find("enable_modelarts")->as_bool());
  EXPECT_EQ(v.find("data_url")->as_string(), "");
  EXPECT_EQ(v.find("bert_network")->as_string(), "base");  // the first document wins
  EXPECT_DOUBLE_EQ(v.find("Lamb")->find("learning_rate")->as_number(), 3.0e-4);
  EXPECT_EQ(v.find("Lamb")->find("decay_filter")->as_string(), "['layernorm', 'bias']");  // flow kept as text
  const json::Value* base = v.find("base_net_cfg");
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->find("hidden_size")->as_int(), 768);
  EXPECT_EQ(base->find("hidden_act")->as_string(), "gelu");
  EXPECT_EQ(base->find("dtype")->as_string(), "mstype.float32");
  EXPECT_FALSE(base->find("use_relative_positions")->as_bool());
  const json::Value* files = v.find("files");
  ASSERT_TRUE(files && files->is_array());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ(files->as_array()[1].as_string(), "b # not a comment");
}

TEST(YamlSubset, RejectsWhatItDoesNotUnderstand) {
  for (const char* bad : {"a: 1\n\tb: 2\n", "a:\n  b: 1\n c: 2\n", "just words\n", "a: \"open\n"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(json::ParseYamlSubset(bad), json::ParseError);
  }
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += std::string(static_cast<size_t>(i), ' ') + "k:\n";
  EXPECT_THROW(json::ParseYamlSubset(deep), json::ParseError);
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigDocument, PicksTheSectionBertNetworkNames) {
  const std::string path = WriteTemp("zoo_config.yaml", kModelZoo);
  BertModel m;
  ApplyBertConfig(ReadConfigDocument(path), path, ConfigDialect::kMindSpore, &m);
  EXPECT_EQ(m.config.hidden_size, 768u);
  EXPECT_EQ(m.config.num_layers, 12u);
  EXPECT_EQ(m.config.vocab_size, 21128u);
  EXPECT_FLOAT_EQ(m.config.layer_norm_eps, 1e-7f);  // MindSpore nn.LayerNorm's default
  EXPECT_EQ(m.config.hidden_act, "gelu");
}

TEST(ConfigDocument, BertNetCfgAndRelativePositions) {
  const std::string ok = WriteTemp("cls_config.yaml",
                                   "bert_net_cfg:\n  vocab_size: 30\n  hidden_size: 8\n  num_hidden_layers: 1\n"
                                   "  num_attention_heads: 2\n  intermediate_size: 16\n  max_position_embeddings: 16\n"
                                   "  type_vocab_size: 2\n  layer_norm_eps: 1.0e-12\n");
  BertModel m;
  ApplyBertConfig(ReadConfigDocument(ok), ok, ConfigDialect::kMindSpore, &m);
  EXPECT_EQ(m.config.hidden_size, 8u);
  EXPECT_FLOAT_EQ(m.config.layer_norm_eps, 1e-12f);
  const std::string rel = WriteTemp("rel_config.yaml",
                                    "bert_net_cfg:\n  vocab_size: 30\n  hidden_size: 8\n  num_hidden_layers: 1\n"
                                    "  num_attention_heads: 2\n  intermediate_size: 16\n  max_position_embeddings: 16\n"
                                    "  type_vocab_size: 2\n  use_relative_positions: True\n");
  BertModel r;
  try {
    ApplyBertConfig(ReadConfigDocument(rel), rel, ConfigDialect::kMindSpore, &r);
    FAIL() << "relative positions accepted";
  } catch (const ConvertError& e) {
    EXPECT_NE(std::string(e.what()).find("use_relative_positions"), std::string::npos) << e.what();
  }
  const std::string none = WriteTemp("none_config.yaml", "a: 1\nb:\n  c: 2\n");
  EXPECT_THROW(ReadConfigDocument(none), ConvertError);
}

TEST(ConfigDocument, GoogleBertConfigNeedsNoModelType) {
  const std::string path = WriteTemp("bert_config.json",
                                     "{\"attention_probs_dropout_prob\": 0.1, \"hidden_act\": \"gelu\", "
                                     "\"hidden_dropout_prob\": 0.1, \"hidden_size\": 8, \"initializer_range\": 0.02, "
                                     "\"intermediate_size\": 16, \"max_position_embeddings\": 16, "
                                     "\"num_attention_heads\": 2, \"num_hidden_layers\": 1, \"type_vocab_size\": 2, "
                                     "\"vocab_size\": 30}");
  BertModel g;
  ApplyBertConfig(ReadConfigDocument(path), path, ConfigDialect::kGoogle, &g);
  EXPECT_FLOAT_EQ(g.config.layer_norm_eps, 1e-12f);
  BertModel h;
  EXPECT_THROW(ApplyBertConfig(ReadConfigDocument(path), path, ConfigDialect::kHuggingFace, &h), ConvertError);
}

}  // namespace
}  // namespace embert::convert
