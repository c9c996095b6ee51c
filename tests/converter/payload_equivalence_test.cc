// The same weights from safetensors, torch zip and torch legacy files give the
// same .embert payload: every weight buffer, scale, config and tokenizer
// field equal; only the provenance (source format, files, checksums) differs.
//   payload_equivalence_test A.embert B.embert [C.embert ...]
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "schema/embert_generated.h"

namespace {

std::vector<std::string> g_files;

std::vector<uint8_t> Read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

template <typename T>
std::vector<T> Vec(const flatbuffers::Vector<T>* v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>();
}

void ExpectSameTensor(const embert::schema::Tensor* a, const embert::schema::Tensor* b, const embert::schema::Model* ma,
                      const embert::schema::Model* mb, const std::string& what) {
  ASSERT_EQ(a == nullptr, b == nullptr) << what;
  if (a == nullptr) return;
  EXPECT_EQ(a->dtype(), b->dtype()) << what;
  EXPECT_EQ(Vec(a->shape()), Vec(b->shape())) << what;
  EXPECT_EQ(Vec(a->scales()), Vec(b->scales())) << what;
  EXPECT_EQ(Vec(ma->buffers()->Get(a->buffer())->data()), Vec(mb->buffers()->Get(b->buffer())->data())) << what;
}

TEST(PayloadEquivalence, AllFilesCarryTheSameModel) {
  ASSERT_GE(g_files.size(), 2u);
  const auto first = Read(g_files[0]);
  const auto* a = embert::schema::GetModel(first.data());
  for (size_t f = 1; f < g_files.size(); ++f) {
    const auto other = Read(g_files[f]);
    const auto* b = embert::schema::GetModel(other.data());
    SCOPED_TRACE(g_files[f]);
    ASSERT_EQ(first.size(), other.size());
    // Weights: the buffers in order, byte for byte.
    ASSERT_EQ(a->buffers()->size(), b->buffers()->size());
    for (uint32_t i = 0; i < a->buffers()->size(); ++i) {
      EXPECT_EQ(Vec(a->buffers()->Get(i)->data()), Vec(b->buffers()->Get(i)->data())) << "buffer " << i;
    }
    ExpectSameTensor(a->embeddings()->word(), b->embeddings()->word(), a, b, "word embeddings");
    for (uint32_t l = 0; l < a->layers()->size(); ++l) {
      const auto* la = a->layers()->Get(l);
      const auto* lb = b->layers()->Get(l);
      ExpectSameTensor(la->query()->weight(), lb->query()->weight(), a, b, "query");
      ExpectSameTensor(la->output()->weight(), lb->output()->weight(), a, b, "output");
    }
    EXPECT_EQ(a->config()->hidden_size(), b->config()->hidden_size());
    EXPECT_EQ(a->config()->layer_norm_eps(), b->config()->layer_norm_eps());
    EXPECT_EQ(Vec(a->tokenizer()->vocab_index()), Vec(b->tokenizer()->vocab_index()));
    EXPECT_EQ(a->tokenizer()->max_seq_len(), b->tokenizer()->max_seq_len());
    EXPECT_EQ(a->classifier()->labels()->size(), b->classifier()->labels()->size());
    EXPECT_NE(a->provenance()->source_format()->str(), b->provenance()->source_format()->str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) g_files.push_back(argv[i]);
  return RUN_ALL_TESTS();
}
