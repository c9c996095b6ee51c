// Damaged model files are refused with the right status and never crash the
// loader or a run. Mutations are applied in memory to a valid file (the demo
// model); "re-sealed" variants also fix the checksum afterwards so that the
// structural and semantic checks behind it are exercised too.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "embert/embert.h"
#include "format/xxhash64.h"
#include "schema/embert_generated.h"

namespace {

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// An aligned copy, as a caller loading from memory must provide.
struct Aligned {
  explicit Aligned(const std::vector<uint8_t>& bytes)
      : size(bytes.size()), data(static_cast<uint8_t*>(std::aligned_alloc(64, (bytes.size() + 63) / 64 * 64 + 64))) {
    std::memcpy(data, bytes.data(), bytes.size());
  }
  ~Aligned() { std::free(data); }
  size_t size;
  uint8_t* data;
};

// Recomputes the checksum the way the writer does (if the structure still
// lets us find it).
bool Reseal(std::vector<uint8_t>* bytes) {
  flatbuffers::Verifier v(bytes->data(), bytes->size());
  if (!embert::schema::VerifyModelBuffer(v)) return false;
  const auto* c = embert::schema::GetModel(bytes->data())->checksum();
  if (c == nullptr) return false;
  const size_t off = reinterpret_cast<const uint8_t*>(c) - bytes->data();
  std::memset(bytes->data() + off, 0, 8);
  const uint64_t h = embert::Xxh64(bytes->data(), bytes->size(), 0);
  std::memcpy(bytes->data() + off, &h, 8);  // little-endian hosts
  return true;
}

// Loads; if the load succeeds, the model must also run without crashing.
embert_status LoadAndMaybeRun(const std::vector<uint8_t>& bytes) {
  Aligned a(bytes);
  embert_model* model = nullptr;
  char err[256] = {0};
  const embert_status s = embert_model_load_buffer(a.data, a.size, &model, err, sizeof err);
  if (s != EMBERT_STATUS_OK) {
    EXPECT_EQ(model, nullptr);
    EXPECT_NE(err[0], '\0') << "failure without a message";
    return s;
  }
  embert_context_options opt;
  embert_context_options_init(&opt);
  opt.max_seq_len = 16;
  size_t size = 0;
  if (embert_context_arena_size(model, &opt, &size) == EMBERT_STATUS_OK) {
    void* arena = std::aligned_alloc(64, (size + 63) / 64 * 64);
    embert_context* ctx = nullptr;
    if (embert_context_create(model, &opt, arena, size, &ctx, nullptr, 0) == EMBERT_STATUS_OK) {
      const char text[] = "play some jazz";
      embert_classification r;
      r.struct_size = sizeof r;
      if (embert_tokenize(ctx, text, sizeof text - 1, nullptr, 0) == EMBERT_STATUS_OK) {
        embert_classify(ctx, &r);
      }
      embert_context_destroy(ctx);
    }
    std::free(arena);
  }
  embert_model_destroy(model);
  return s;
}

class ModelCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* path = std::getenv("EMBERT_TEST_MODEL");
    ASSERT_NE(path, nullptr) << "EMBERT_TEST_MODEL not set";
    good_ = ReadFile(path);
    ASSERT_GT(good_.size(), 1000u);
  }
  std::vector<uint8_t> good_;
};

TEST_F(ModelCorruption, TheIntactFileLoads) { EXPECT_EQ(LoadAndMaybeRun(good_), EMBERT_STATUS_OK); }

TEST_F(ModelCorruption, WrongIdentifier) {
  auto b = good_;
  std::memcpy(b.data() + 4, "TFL3", 4);
  EXPECT_EQ(LoadAndMaybeRun(b), EMBERT_STATUS_INVALID_MODEL);
}

TEST_F(ModelCorruption, TruncationAnywhereIsRefused) {
  // Every 1/64 of the file, plus the first bytes one by one.
  std::vector<size_t> cuts;
  for (size_t i = 0; i < 64; ++i) cuts.push_back(i);
  for (size_t i = 1; i < 64; ++i) cuts.push_back(good_.size() * i / 64);
  cuts.push_back(good_.size() - 1);
  for (size_t cut : cuts) {
    std::vector<uint8_t> b(good_.begin(), good_.begin() + static_cast<long>(cut));
    if (b.empty()) b.push_back(0);
    const embert_status s = LoadAndMaybeRun(b);
    EXPECT_NE(s, EMBERT_STATUS_OK) << "truncated to " << cut;
  }
}

TEST_F(ModelCorruption, SingleBitFlipsAreCaughtByTheChecksumOrTheVerifier) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 300; ++i) {
    auto b = good_;
    const size_t pos = rng() % b.size();
    b[pos] ^= static_cast<uint8_t>(1u << (rng() % 8));
    const embert_status s = LoadAndMaybeRun(b);
    EXPECT_TRUE(s == EMBERT_STATUS_CHECKSUM_MISMATCH || s == EMBERT_STATUS_INVALID_MODEL ||
                s == EMBERT_STATUS_UNSUPPORTED_VERSION)
        << "flip at " << pos << " gave " << embert_status_string(s);
  }
}

TEST_F(ModelCorruption, ResealedRandomDamageNeverCrashes) {
  // With the checksum fixed, only the verifier and the semantic checks stand
  // between damaged bytes and the kernels. Whatever they let through must run.
  std::mt19937 rng(99);
  int refused = 0;
  for (int i = 0; i < 300; ++i) {
    auto b = good_;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    if (!Reseal(&b)) continue;
    refused += LoadAndMaybeRun(b) != EMBERT_STATUS_OK;
  }
  RecordProperty("refused", refused);
}

TEST_F(ModelCorruption, FutureSchemaVersionIsUnsupported) {
  auto b = good_;
  // schema_version is the Model table's first field; find and bump it through
  // the FlatBuffers API, then re-seal.
  auto* model = embert::schema::GetMutableModel(b.data());
  ASSERT_TRUE(model->mutate_schema_version(embert_schema_version() + 1));
  ASSERT_TRUE(Reseal(&b));
  EXPECT_EQ(LoadAndMaybeRun(b), EMBERT_STATUS_UNSUPPORTED_VERSION);
}

TEST_F(ModelCorruption, NanScaleIsRefused) {
  auto b = good_;
  auto* model = embert::schema::GetMutableModel(b.data());
  auto* w = model->mutable_layers()->GetMutableObject(0)->mutable_query()->mutable_weight();
  ASSERT_NE(w->mutable_scales(), nullptr) << "demo model must be int8";
  w->mutable_scales()->Mutate(0, std::numeric_limits<float>::quiet_NaN());
  ASSERT_TRUE(Reseal(&b));
  EXPECT_EQ(LoadAndMaybeRun(b), EMBERT_STATUS_INVALID_MODEL);
}

TEST_F(ModelCorruption, ShapeThatDisagreesWithTheConfigIsRefused) {
  auto b = good_;
  auto* model = embert::schema::GetMutableModel(b.data());
  auto* shape = model->mutable_layers()->GetMutableObject(0)->mutable_intermediate()->mutable_weight()->mutable_shape();
  shape->Mutate(1, shape->Get(1) - 1);
  ASSERT_TRUE(Reseal(&b));
  EXPECT_EQ(LoadAndMaybeRun(b), EMBERT_STATUS_INVALID_MODEL);
}

TEST_F(ModelCorruption, HugeConfigValuesAreRefused) {
  auto b = good_;
  auto* model = embert::schema::GetMutableModel(b.data());
  ASSERT_TRUE(model->mutable_config()->mutate_hidden_size(0xFFFFFFF0u));
  ASSERT_TRUE(Reseal(&b));
  EXPECT_EQ(LoadAndMaybeRun(b), EMBERT_STATUS_INVALID_MODEL);
}

// A file packed for the x86 VNNI kernels (bert-convert --pack): it loads and
// runs on any engine, and a layout value this SDK does not know is refused.
TEST_F(ModelCorruption, PackedFileLoadsAndUnknownLayoutIsRefused) {
  const char* path = std::getenv("EMBERT_TEST_PACKED_MODEL");
  ASSERT_NE(path, nullptr) << "EMBERT_TEST_PACKED_MODEL not set";
  auto b = ReadFile(path);
  EXPECT_EQ(LoadAndMaybeRun(b), EMBERT_STATUS_OK);
  auto* model = embert::schema::GetMutableModel(b.data());
  auto* w = model->mutable_layers()->GetMutableObject(0)->mutable_query()->mutable_weight();
  ASSERT_EQ(w->layout(), embert::schema::Layout::DOT_U8_W32);
  ASSERT_TRUE(w->mutate_layout(static_cast<embert::schema::Layout>(3)));
  ASSERT_TRUE(Reseal(&b));
  EXPECT_EQ(LoadAndMaybeRun(b), EMBERT_STATUS_INVALID_MODEL);
}

// Model.sentence_embedding (a sentence-transformers file: cls + max +
// mean_sqrt_len pooling and a Dense): the verifier checks modes, the Dense
// chain and the activations.
TEST_F(ModelCorruption, SentenceEmbeddingIsChecked) {
  const char* path = std::getenv("EMBERT_TEST_ST_MODEL");
  if (path == nullptr) GTEST_SKIP() << "EMBERT_TEST_ST_MODEL not set";
  const auto st = ReadFile(path);
  EXPECT_EQ(LoadAndMaybeRun(st), EMBERT_STATUS_OK);
  using embert::schema::DenseActivation;
  using embert::schema::SentencePooling;
  const auto damaged = [&st](const std::function<void(embert::schema::SentenceEmbedding*)>& damage) {
    auto b = st;
    auto* se = embert::schema::GetMutableModel(b.data())->mutable_sentence_embedding();
    damage(se);
    return Reseal(&b) ? LoadAndMaybeRun(b) : EMBERT_STATUS_OK;
  };
  EXPECT_EQ(damaged([](auto* se) { se->mutable_pooling()->Mutate(1, SentencePooling::CLS_TOKEN); }),
            EMBERT_STATUS_INVALID_MODEL);  // a mode twice
  EXPECT_EQ(damaged([](auto* se) { se->mutable_pooling()->Mutate(0, static_cast<SentencePooling>(9)); }),
            EMBERT_STATUS_INVALID_MODEL);
  EXPECT_EQ(damaged([](auto* se) { se->mutable_dense_activation()->Mutate(0, static_cast<DenseActivation>(7)); }),
            EMBERT_STATUS_INVALID_MODEL);
  EXPECT_EQ(damaged([](auto* se) {
              auto* shape = se->mutable_dense()->GetMutableObject(0)->mutable_weight()->mutable_shape();
              shape->Mutate(1, shape->Get(1) - 1);  // no longer reads the pooled width
            }),
            EMBERT_STATUS_INVALID_MODEL);
}

TEST_F(ModelCorruption, MisalignedBufferIsRefused) {
  std::vector<uint8_t> shifted(good_.size() + 1);
  std::memcpy(shifted.data() + 1, good_.data(), good_.size());
  uint8_t* base = static_cast<uint8_t*>(std::aligned_alloc(64, (shifted.size() + 127) / 64 * 64));
  std::memcpy(base, shifted.data(), shifted.size());
  embert_model* model = nullptr;
  EXPECT_EQ(embert_model_load_buffer(base + 1, good_.size(), &model, nullptr, 0), EMBERT_STATUS_MISALIGNED);
  EXPECT_EQ(model, nullptr);
  std::free(base);
}

}  // namespace
