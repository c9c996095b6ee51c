// Each layout's names and orientations onto Hugging Face's, on small
// in-memory checkpoints whose values encode their own indices, so that every
// element's destination is checked against the layout's definition (TF
// kernels [in, out]; EinsumDense [hidden, heads, head_dim] and [heads,
// head_dim, hidden]) written out here independently of the adapter.
#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "import/source_layouts.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

class MemoryReader : public CheckpointReader {
 public:
  void Add(const std::string& name, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> v(static_cast<size_t>(n));
    std::iota(v.begin(), v.end(), static_cast<float>(1000 * data_.size()));
    infos_.push_back({name, DType::F32, shape});
    data_[name] = v;
  }
  const std::vector<float>& Data(const std::string& name) { return data_.at(name); }
  const std::vector<TensorInfo>& tensors() const override { return infos_; }
  std::vector<float> ReadFloat32(const std::string& name) const override { return data_.at(name); }
  std::string format() const override { return "memory"; }
  std::vector<std::string> files() const override { return {}; }

 private:
  std::vector<TensorInfo> infos_;
  std::map<std::string, std::vector<float>> data_;
};

const TensorInfo* Find(const CheckpointReader& r, const std::string& name) {
  for (const auto& t : r.tensors()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

TEST(DetectLayout, ByTheWordEmbeddingName) {
  const std::pair<const char*, Layout> cases[] = {
      {"bert.embeddings.word_embeddings.weight", Layout::kHuggingFace},
      {"bert/embeddings/word_embeddings", Layout::kGoogleTf1},
      {"encoder/layer_with_weights-4/_attention_layer/_query_dense/kernel/.ATTRIBUTES/VARIABLE_VALUE",
       Layout::kTf2Objects},
      {"bert.bert.bert_embedding_lookup.embedding_table", Layout::kMindSpore}};
  for (const auto& [name, layout] : cases) {
    MemoryReader r;
    r.Add("global_step", {});
    r.Add(name, {2, 2});
    EXPECT_EQ(DetectLayout(r), layout) << name;
  }
}

TEST(DetectLayout, UnknownLayoutListsNamesAndExpectations) {
  MemoryReader r;
  r.Add("transformer.h.0.attn.weight", {2, 2});
  try {
    DetectLayout(r);
    FAIL();
  } catch (const ConvertError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("transformer.h.0.attn.weight"), std::string::npos) << m;
    EXPECT_NE(m.find("bert/embeddings/word_embeddings"), std::string::npos) << m;
    EXPECT_NE(m.find("bert_embedding_lookup"), std::string::npos) << m;
  }
}

TEST(GoogleTf1, KernelsTransposedNamesMappedOptimizerIgnored) {
  auto src = std::make_unique<MemoryReader>();
  MemoryReader& m = *src;
  m.Add("bert/embeddings/word_embeddings", {5, 4});
  m.Add("bert/embeddings/LayerNorm/gamma", {4});
  m.Add("bert/encoder/layer_1/intermediate/dense/kernel", {4, 3});  // [in, out]
  m.Add("bert/encoder/layer_1/intermediate/dense/kernel/adam_m", {4, 3});
  m.Add("output_weights", {2, 4});  // run_classifier: already [labels, hidden]
  m.Add("cls/predictions/output_bias", {5});
  m.Add("cls/seq_relationship/output_weights", {2, 4});
  m.Add("global_step", {});
  m.Add("bert/something_else", {1});
  const std::vector<float> kernel = m.Data("bert/encoder/layer_1/intermediate/dense/kernel");
  const std::vector<float> out_w = m.Data("output_weights");
  auto r = RenameToHuggingFace(std::move(src), Layout::kGoogleTf1, nullptr);
  const TensorInfo* w = Find(*r, "bert.encoder.layer.1.intermediate.dense.weight");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->shape, (std::vector<int64_t>{3, 4}));
  const std::vector<float> got = r->ReadFloat32(w->name);
  for (int o = 0; o < 3; ++o) {
    for (int i = 0; i < 4; ++i) EXPECT_EQ(got[o * 4 + i], kernel[i * 3 + o]);
  }
  EXPECT_EQ(r->ReadFloat32("classifier.weight"), out_w);
  EXPECT_NE(Find(*r, "bert.embeddings.LayerNorm.weight"), nullptr);
  EXPECT_NE(Find(*r, "bert.embeddings.word_embeddings.weight"), nullptr);
  EXPECT_NE(Find(*r, "cls.predictions.bias"), nullptr);
  EXPECT_NE(Find(*r, "cls.seq_relationship.weight"), nullptr);
  EXPECT_EQ(r->source_name("bert.encoder.layer.1.intermediate.dense.weight"),
            "bert/encoder/layer_1/intermediate/dense/kernel");
  const auto skipped = r->skipped();
  EXPECT_NE(std::find(skipped.begin(), skipped.end(), "global_step"), skipped.end());
  EXPECT_NE(std::find(skipped.begin(), skipped.end(), "bert/encoder/layer_1/intermediate/dense/kernel/adam_m"),
            skipped.end());
  EXPECT_EQ(r->tensors().size(), 6u);  // not the optimizer state, not bert/something_else
}

TEST(GoogleTf1, RunSquadHeadIsQaOutputsAsIs) {
  auto src = std::make_unique<MemoryReader>();
  src->Add("bert/embeddings/word_embeddings", {5, 4});
  src->Add("bert/pooler/dense/kernel", {4, 4});  // modeling.BertModel always builds it
  src->Add("cls/squad/output_weights", {2, 4});  // run_squad: [2, hidden], used with transpose_b
  src->Add("cls/squad/output_bias", {2});
  src->Add("cls/squad/output_weights/adam_m", {2, 4});
  const std::vector<float> w = src->Data("cls/squad/output_weights");
  const std::vector<float> b = src->Data("cls/squad/output_bias");
  auto r = RenameToHuggingFace(std::move(src), Layout::kGoogleTf1, nullptr);
  ASSERT_NE(Find(*r, "qa_outputs.weight"), nullptr);
  EXPECT_EQ(Find(*r, "qa_outputs.weight")->shape, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(r->ReadFloat32("qa_outputs.weight"), w);  // already [out, in]: not transposed
  EXPECT_EQ(r->ReadFloat32("qa_outputs.bias"), b);
  EXPECT_EQ(r->source_name("qa_outputs.weight"), "cls/squad/output_weights");
  EXPECT_EQ(r->tensors().size(), 4u);
}

TEST(Tf2Objects, EinsumKernelsFlattenedAndTransposed) {
  const std::string s = "/.ATTRIBUTES/VARIABLE_VALUE";
  const int H = 4, A = 2, D = 2, I = 3;
  auto src = std::make_unique<MemoryReader>();
  MemoryReader& m = *src;
  for (int k = 0; k < 3; ++k) m.Add("encoder/layer_with_weights-" + std::to_string(k) + "/embeddings" + s, {7 + k, H});
  m.Add("encoder/layer_with_weights-3/gamma" + s, {H});
  m.Add("encoder/layer_with_weights-3/beta" + s, {H});
  const std::string b = "encoder/layer_with_weights-4/";
  m.Add(b + "_attention_layer/_query_dense/kernel" + s, {H, A, D});
  m.Add(b + "_attention_layer/_query_dense/bias" + s, {A, D});
  m.Add(b + "_attention_layer/_output_dense/kernel" + s, {A, D, H});
  m.Add(b + "_intermediate_dense/kernel" + s, {H, I});
  m.Add(b + "_output_layer_norm/gamma" + s, {H});
  m.Add("encoder/layer_with_weights-5/kernel" + s, {H, H});
  m.Add("encoder/layer_with_weights-5/bias" + s, {H});
  m.Add(b + "_attention_layer/_query_dense/kernel/.OPTIMIZER_SLOT/optimizer/m" + s, {H, A, D});
  m.Add("save_counter" + s, {});
  const auto q = m.Data(b + "_attention_layer/_query_dense/kernel" + s);
  const auto qb = m.Data(b + "_attention_layer/_query_dense/bias" + s);
  const auto o = m.Data(b + "_attention_layer/_output_dense/kernel" + s);
  const auto word = m.Data("encoder/layer_with_weights-0/embeddings" + s);
  LayoutFacts facts;
  auto r = RenameToHuggingFace(std::move(src), Layout::kTf2Objects, &facts);
  EXPECT_EQ(facts.num_heads, A);
  // query: W[a*D + d][h] = K[h][a][d]
  const TensorInfo* qi = Find(*r, "bert.encoder.layer.0.attention.self.query.weight");
  ASSERT_NE(qi, nullptr);
  EXPECT_EQ(qi->shape, (std::vector<int64_t>{H, H}));
  const auto qw = r->ReadFloat32(qi->name);
  for (int h = 0; h < H; ++h) {
    for (int a = 0; a < A; ++a) {
      for (int d = 0; d < D; ++d) EXPECT_EQ(qw[(a * D + d) * H + h], q[(h * A + a) * D + d]);
    }
  }
  EXPECT_EQ(Find(*r, "bert.encoder.layer.0.attention.self.query.bias")->shape, (std::vector<int64_t>{H}));
  EXPECT_EQ(r->ReadFloat32("bert.encoder.layer.0.attention.self.query.bias"), qb);
  // attention output: W[h][a*D + d] = K[a][d][h]
  const auto ow = r->ReadFloat32("bert.encoder.layer.0.attention.output.dense.weight");
  for (int h = 0; h < H; ++h) {
    for (int a = 0; a < A; ++a) {
      for (int d = 0; d < D; ++d) EXPECT_EQ(ow[h * H + a * D + d], o[(a * D + d) * H + h]);
    }
  }
  EXPECT_EQ(Find(*r, "bert.encoder.layer.0.intermediate.dense.weight")->shape, (std::vector<int64_t>{I, H}));
  EXPECT_EQ(r->ReadFloat32("bert.embeddings.word_embeddings.weight"), word);
  EXPECT_EQ(Find(*r, "bert.embeddings.position_embeddings.weight")->shape, (std::vector<int64_t>{8, H}));
  EXPECT_EQ(Find(*r, "bert.embeddings.token_type_embeddings.weight")->shape, (std::vector<int64_t>{9, H}));
  EXPECT_NE(Find(*r, "bert.embeddings.LayerNorm.bias"), nullptr);
  EXPECT_NE(Find(*r, "bert.encoder.layer.0.output.LayerNorm.weight"), nullptr);
  EXPECT_NE(Find(*r, "bert.pooler.dense.weight"), nullptr);
  EXPECT_NE(Find(*r, "bert.pooler.dense.bias"), nullptr);
  EXPECT_EQ(r->skipped().size(), 2u);
}

TEST(Tf2Objects, KerasDenseHeadBesideANamedEncoder) {
  const std::string s = "/.ATTRIBUTES/VARIABLE_VALUE";
  auto src = std::make_unique<MemoryReader>();
  src->Add("layer_with_weights-0/_embedding_layer/embeddings" + s, {7, 4});
  src->Add("layer_with_weights-0/_transformer_layers/0/_attention_layer/_query_dense/kernel" + s, {4, 2, 2});
  src->Add("layer_with_weights-0/_transformer_layers/1/_attention_layer/_query_dense/kernel" + s, {4, 2, 2});
  src->Add("layer_with_weights-0/_pooler_layer/kernel" + s, {4, 4});
  src->Add("layer_with_weights-1/kernel" + s, {4, 1});
  src->Add("layer_with_weights-1/bias" + s, {1});
  const auto head = src->Data("layer_with_weights-1/kernel" + s);
  auto r = RenameToHuggingFace(std::move(src), Layout::kTf2Objects, nullptr);
  EXPECT_NE(Find(*r, "bert.encoder.layer.1.attention.self.query.weight"), nullptr);
  EXPECT_NE(Find(*r, "bert.embeddings.word_embeddings.weight"), nullptr);
  EXPECT_NE(Find(*r, "bert.pooler.dense.weight"), nullptr);
  ASSERT_NE(Find(*r, "classifier.weight"), nullptr);
  EXPECT_EQ(Find(*r, "classifier.weight")->shape, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(r->ReadFloat32("classifier.weight"), head);  // [4, 1] transposed is the same sequence
}

TEST(Tf2Objects, TwoDenseHeadsAreAmbiguous) {
  const std::string s = "/.ATTRIBUTES/VARIABLE_VALUE";
  auto src = std::make_unique<MemoryReader>();
  src->Add("layer_with_weights-0/_transformer_layers/0/_attention_layer/_query_dense/kernel" + s, {4, 2, 2});
  for (const char* h : {"layer_with_weights-1/", "layer_with_weights-2/"}) {
    src->Add(std::string(h) + "kernel" + s, {4, 3});
    src->Add(std::string(h) + "bias" + s, {3});
  }
  EXPECT_THROW(RenameToHuggingFace(std::move(src), Layout::kTf2Objects, nullptr), ConvertError);
}

TEST(MindSpore, ModelZooNamesBothEmbeddingSpellingsAndHeads) {
  for (bool old_names : {false, true}) {
    auto src = std::make_unique<MemoryReader>();
    src->Add("bert.bert.bert_embedding_lookup.embedding_table", {7, 4});
    src->Add(old_names ? "bert.bert.bert_embedding_postprocessor.full_position_embeddings"
                       : "bert.bert.bert_embedding_postprocessor.full_position_embedding.embedding_table",
             {8, 4});
    src->Add(old_names ? "bert.bert.bert_embedding_postprocessor.embedding_table"
                       : "bert.bert.bert_embedding_postprocessor.token_type_embedding.embedding_table",
             {2, 4});
    src->Add("bert.bert.bert_encoder.layers.0.attention.attention.query_layer.weight", {4, 4});
    src->Add("bert.bert.bert_encoder.layers.0.intermediate.weight", {6, 4});
    src->Add("bert.bert.bert_encoder.layers.0.output.layernorm.gamma", {4});
    src->Add("bert.bert.dense.weight", {4, 4});
    src->Add("bert.dense_1.weight", {3, 4});
    src->Add("bert.cls1.output_bias", {7});
    src->Add("bert.cls2.dense.weight", {2, 4});
    src->Add("moment1.bert.bert.dense.weight", {4, 4});
    src->Add("moment2.bert.bert.bert_embedding_lookup.embedding_table", {7, 4});  // after the parameters, as saved
    src->Add("learning_rate", {});
    const auto inter = src->Data("bert.bert.bert_encoder.layers.0.intermediate.weight");
    auto r = RenameToHuggingFace(std::move(src), Layout::kMindSpore, nullptr);
    EXPECT_EQ(r->ReadFloat32("bert.encoder.layer.0.intermediate.dense.weight"), inter);  // [out, in] as is
    for (const char* n :
         {"bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
          "bert.embeddings.token_type_embeddings.weight", "bert.encoder.layer.0.attention.self.query.weight",
          "bert.encoder.layer.0.output.LayerNorm.weight", "bert.pooler.dense.weight", "classifier.weight",
          "cls.predictions.bias", "cls.seq_relationship.weight"}) {
      EXPECT_NE(Find(*r, n), nullptr) << n;
    }
    EXPECT_EQ(Find(*r, "bert.embeddings.position_embeddings.weight")->shape, (std::vector<int64_t>{8, 4}));
    EXPECT_EQ(r->tensors().size(), 10u);
    EXPECT_EQ(r->skipped().size(), 3u);
  }
}

TEST(MindSpore, BertSquadDense1IsQaOutputs) {
  auto src = std::make_unique<MemoryReader>();
  src->Add("bert.bert.bert_embedding_lookup.embedding_table", {7, 4});
  src->Add("bert.bert.dense.weight", {4, 4});  // BertModel's pooler, unused by BertSquadModel
  src->Add("bert.dense1.weight", {2, 4});      // BertSquadModel.dense1 = nn.Dense(hidden, 2): [out, in]
  src->Add("bert.dense1.bias", {2});
  for (const char* counter : {"total_num", "start_num", "end_num"}) src->Add(counter, {1});  // BertSquad's
  src->Add("moment1.bert.dense1.weight", {2, 4});
  const std::vector<float> w = src->Data("bert.dense1.weight");
  auto r = RenameToHuggingFace(std::move(src), Layout::kMindSpore, nullptr);
  EXPECT_EQ(r->ReadFloat32("qa_outputs.weight"), w);
  EXPECT_NE(Find(*r, "qa_outputs.bias"), nullptr);
  EXPECT_EQ(Find(*r, "classifier.weight"), nullptr);
  EXPECT_EQ(r->tensors().size(), 4u);
  EXPECT_EQ(r->skipped().size(), 4u);
}

TEST(MindSpore, TwoSpellingsOfOneTensorAreAnError) {
  auto src = std::make_unique<MemoryReader>();
  src->Add("bert.bert_embedding_lookup.embedding_table", {7, 4});
  src->Add("bert.bert_embedding_postprocessor.embedding_table", {2, 4});
  src->Add("bert.bert_embedding_postprocessor.token_type_embedding.embedding_table", {2, 4});
  EXPECT_THROW(RenameToHuggingFace(std::move(src), Layout::kMindSpore, nullptr), ConvertError);
}

}  // namespace
}  // namespace embert::convert
