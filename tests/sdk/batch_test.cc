// Packed runs (embert_tokenize_batch / embert_set_batch_tokens) give every
// input the bits it gets alone: hidden states, embeddings and
// classifications of thousands of random mixes of lengths — a single input,
// inputs of exactly max_seq_len, mixes that fill max_batch_tokens exactly —
// compared with one-at-a-time runs by memcmp, on the int8 and fp32 demo
// models, every engine, one and two threads. Then the packing rules of
// embert_tokenize_batch and the errors of the batch calls.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "embert/embert.h"

namespace {

constexpr uint32_t kMaxSeqLen = 64;     // the demo model's positions
constexpr uint32_t kBatchTokens = 160;  // two and a half inputs of the longest

struct Free {
  void operator()(void* p) const { std::free(p); }
};

class Session {
 public:
  Session(const char* env, embert_engine engine, uint32_t threads) {
    const char* path = std::getenv(env);
    char err[256] = "";
    if (path == nullptr || embert_model_load_file(path, &model_, err, sizeof err) != EMBERT_STATUS_OK) {
      ADD_FAILURE() << env << ": " << err;
      return;
    }
    embert_context_options o;
    embert_context_options_init(&o);
    o.max_seq_len = kMaxSeqLen;
    o.max_batch_tokens = kBatchTokens;
    o.engine = engine;
    o.num_threads = threads;
    size_t size = 0;
    EXPECT_EQ(embert_context_arena_size(model_, &o, &size), EMBERT_STATUS_OK);
    arena_.reset(std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, (size + 63) / 64 * 64));
    EXPECT_EQ(embert_context_create(model_, &o, arena_.get(), size, &ctx_, err, sizeof err), EMBERT_STATUS_OK) << err;
  }
  ~Session() {
    embert_context_destroy(ctx_);
    arena_.reset();
    embert_model_destroy(model_);
  }
  embert_context* ctx() const { return ctx_; }
  embert_model* model() const { return model_; }
  uint32_t Get(embert_model_property p) const {
    uint32_t v = 0;
    embert_model_get(model_, p, &v);
    return v;
  }

 private:
  embert_model* model_ = nullptr;
  std::unique_ptr<void, Free> arena_;
  embert_context* ctx_ = nullptr;
};

// What one input gives alone: its hidden states, mean and CLS embeddings,
// classification logits.
struct Alone {
  std::vector<float> hidden, mean, cls, logits;
};

Alone RunAlone(embert_context* ctx, const int32_t* ids, const int32_t* types, size_t n) {
  Alone a;
  EXPECT_EQ(embert_set_tokens(ctx, ids, types, nullptr, n), EMBERT_STATUS_OK) << embert_context_last_error(ctx);
  const float* v = nullptr;
  size_t rows = 0, cols = 0;
  EXPECT_EQ(embert_hidden_states(ctx, &v, &rows, &cols), EMBERT_STATUS_OK);
  a.hidden.assign(v, v + rows * cols);
  size_t dim = 0;
  EXPECT_EQ(embert_embed(ctx, EMBERT_POOLING_MEAN, 1, &v, &dim), EMBERT_STATUS_OK);
  a.mean.assign(v, v + dim);
  EXPECT_EQ(embert_embed(ctx, EMBERT_POOLING_CLS, 0, &v, &dim), EMBERT_STATUS_OK);
  a.cls.assign(v, v + dim);
  embert_classification c;
  c.struct_size = sizeof c;
  EXPECT_EQ(embert_classify(ctx, &c), EMBERT_STATUS_OK);
  a.logits.assign(c.logits, c.logits + c.num_labels);
  return a;
}

bool SameBits(const float* a, const float* b, size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

// Lengths of one mix: kind 0 random, 1 a single input, 2 one of exactly
// max_seq_len among others, 3 filling max_batch_tokens exactly.
std::vector<size_t> MixLengths(std::mt19937& rng, int kind) {
  std::uniform_int_distribution<size_t> len(2, kMaxSeqLen);
  std::vector<size_t> out;
  size_t used = 0;
  if (kind == 1) return {len(rng)};
  if (kind == 2) {
    out.push_back(kMaxSeqLen);
    used = kMaxSeqLen;
  }
  const size_t goal = kind == 3 ? kBatchTokens : std::uniform_int_distribution<size_t>(2, kBatchTokens)(rng);
  while (used < goal && out.size() < kBatchTokens / 2) {
    size_t n = std::min(len(rng), goal - used);
    if (kind == 3 && goal - used - n == 1) n = goal - used;  // no 1-token remainder
    if (n > kMaxSeqLen) n = kMaxSeqLen;
    if (n < 2 && !out.empty()) break;
    out.push_back(n < 1 ? 1 : n);
    used += out.back();
  }
  return out;
}

using Params = std::tuple<const char*, embert_engine, uint32_t>;

class BatchEqualsAlone : public ::testing::TestWithParam<Params> {};

TEST_P(BatchEqualsAlone, RandomMixesGiveEachInputItsOwnBits) {
  const auto [env, engine, threads] = GetParam();
  Session s(env, engine, threads);
  ASSERT_NE(s.ctx(), nullptr);
  const uint32_t vocab = s.Get(EMBERT_MODEL_VOCAB_SIZE);
  const uint32_t hidden = s.Get(EMBERT_MODEL_HIDDEN_SIZE);
  std::mt19937 rng(1234 + threads + 10 * static_cast<int>(engine));
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(vocab) - 1);
  size_t filled_exactly = 0, at_max = 0, inputs_seen = 0;
  // The portable fp32 kernels are slow under emulation: fewer mixes there.
  const int mixes = std::string(env) == "EMBERT_TEST_MODEL_FP32" && engine == EMBERT_ENGINE_REFERENCE ? 100 : 250;
  for (int mix = 0; mix < mixes; ++mix) {
    const std::vector<size_t> lengths = MixLengths(rng, mix % 4);
    size_t total = 0;
    for (size_t n : lengths) total += n;
    ASSERT_LE(total, kBatchTokens);
    filled_exactly += total == kBatchTokens;
    std::vector<int32_t> ids(total), types(total);
    for (size_t t = 0; t < total; ++t) {
      ids[t] = token(rng);
      types[t] = static_cast<int32_t>(rng() & 1);
    }
    ASSERT_EQ(embert_set_batch_tokens(s.ctx(), ids.data(), types.data(), lengths.data(), lengths.size()),
              EMBERT_STATUS_OK)
        << embert_context_last_error(s.ctx());
    // The batch's results, copied before the one-at-a-time runs replace them.
    const float* v = nullptr;
    size_t rows = 0, cols = 0, count = 0, dim = 0;
    ASSERT_EQ(embert_hidden_states(s.ctx(), &v, &rows, &cols), EMBERT_STATUS_OK);
    ASSERT_EQ(rows, total);
    const std::vector<float> hidden_all(v, v + rows * cols);
    ASSERT_EQ(embert_embed_batch(s.ctx(), EMBERT_POOLING_MEAN, 1, &v, &count, &dim), EMBERT_STATUS_OK);
    ASSERT_EQ(count, lengths.size());
    const std::vector<float> mean_all(v, v + count * dim);
    ASSERT_EQ(embert_embed_batch(s.ctx(), EMBERT_POOLING_CLS, 0, &v, &count, &dim), EMBERT_STATUS_OK);
    const std::vector<float> cls_all(v, v + count * dim);
    std::vector<embert_classification> c(lengths.size());
    for (auto& r : c) r.struct_size = sizeof r;
    ASSERT_EQ(embert_classify_batch(s.ctx(), c.data(), c.size()), EMBERT_STATUS_OK);
    std::vector<float> logits_all;
    for (const auto& r : c) logits_all.insert(logits_all.end(), r.logits, r.logits + r.num_labels);
    const size_t labels = c[0].num_labels;

    size_t offset = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      const Alone a = RunAlone(s.ctx(), ids.data() + offset, types.data() + offset, lengths[i]);
      ASSERT_TRUE(SameBits(a.hidden.data(), hidden_all.data() + offset * hidden, lengths[i] * hidden))
          << "mix " << mix << " input " << i << " of " << lengths.size() << " (" << lengths[i] << " tokens)";
      ASSERT_TRUE(SameBits(a.mean.data(), mean_all.data() + i * dim, dim)) << "mix " << mix << " input " << i;
      ASSERT_TRUE(SameBits(a.cls.data(), cls_all.data() + i * dim, dim)) << "mix " << mix << " input " << i;
      ASSERT_TRUE(SameBits(a.logits.data(), logits_all.data() + i * labels, labels)) << "mix " << mix;
      at_max += lengths[i] == kMaxSeqLen;
      offset += lengths[i];
    }
    inputs_seen += lengths.size();
  }
  EXPECT_GT(filled_exactly, static_cast<size_t>(mixes / 5));
  EXPECT_GT(at_max, static_cast<size_t>(mixes / 5));
  EXPECT_GT(inputs_seen, static_cast<size_t>(mixes * 2));
}

INSTANTIATE_TEST_SUITE_P(Engines, BatchEqualsAlone,
                         ::testing::Values(Params{"EMBERT_TEST_MODEL", EMBERT_ENGINE_AUTO, 1},
                                           Params{"EMBERT_TEST_MODEL", EMBERT_ENGINE_AUTO, 2},
                                           Params{"EMBERT_TEST_MODEL", EMBERT_ENGINE_REFERENCE, 1},
                                           Params{"EMBERT_TEST_MODEL_FP32", EMBERT_ENGINE_AUTO, 1},
                                           Params{"EMBERT_TEST_MODEL_FP32", EMBERT_ENGINE_AUTO, 2},
                                           Params{"EMBERT_TEST_MODEL_FP32", EMBERT_ENGINE_REFERENCE, 1}));

// embert_tokenize_batch packs whole inputs, each tokenized as alone, until
// the next would not fit; a failing input ends the run before it.
TEST(TokenizeBatch, PacksWholeInputsAndStopsBeforeAFailingOne) {
  Session s("EMBERT_TEST_MODEL", EMBERT_ENGINE_AUTO, 1);
  ASSERT_NE(s.ctx(), nullptr);
  std::string long_text;  // cut to max_seq_len, alone and packed
  for (int i = 0; i < 100; ++i) long_text += "jazz ";
  const std::vector<std::string> texts = {"play some jazz",
                                          long_text,
                                          "what is the weather in paris tomorrow morning",
                                          long_text,
                                          long_text,
                                          "rate this book five stars",
                                          "bad \xC3\x28 utf8",
                                          "add this song to my playlist"};
  const size_t bad = 6;
  std::vector<embert_text> in;
  for (const auto& t : texts) in.push_back(embert_text{t.data(), t.size(), nullptr, 0});
  // The tokens of each text alone.
  std::vector<std::vector<int32_t>> alone(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    if (embert_tokenize(s.ctx(), texts[i].data(), texts[i].size(), nullptr, 0) != EMBERT_STATUS_OK) continue;
    embert_tokens t;
    t.struct_size = sizeof t;
    ASSERT_EQ(embert_get_tokens(s.ctx(), &t), EMBERT_STATUS_OK);
    alone[i].assign(t.input_ids, t.input_ids + t.count);
  }
  size_t next = 0, runs = 0;
  while (next < in.size()) {
    size_t taken = 0;
    const embert_status st = embert_tokenize_batch(s.ctx(), in.data() + next, in.size() - next, &taken);
    if (next == bad) {  // the invalid UTF-8 text, first of its call
      EXPECT_EQ(st, EMBERT_STATUS_INVALID_UTF8);
      EXPECT_EQ(taken, 0u);
      ++next;
      continue;
    }
    ASSERT_EQ(st, EMBERT_STATUS_OK) << embert_context_last_error(s.ctx());
    ASSERT_GE(taken, 1u);
    embert_tokens t;
    t.struct_size = sizeof t;
    ASSERT_EQ(embert_get_tokens(s.ctx(), &t), EMBERT_STATUS_OK);
    ASSERT_EQ(t.num_inputs, taken);
    EXPECT_LE(t.count, kBatchTokens);
    for (size_t i = 0; i < taken; ++i) {
      const std::vector<int32_t> got(t.input_ids + t.input_offsets[i], t.input_ids + t.input_offsets[i + 1]);
      EXPECT_EQ(got, alone[next + i]) << "input " << next + i;
    }
    // The next input did not fit, or failed, or there was none.
    if (next + taken < in.size() && next + taken != bad) {
      EXPECT_GT(t.count + alone[next + taken].size(), kBatchTokens) << "input " << next + taken << " would have fit";
    }
    next += taken;
    ++runs;
  }
  EXPECT_GE(runs, 3u);
}

TEST(BatchCalls, RefuseWhatDoesNotFitAndSingleCallsOnPackedInput) {
  Session s("EMBERT_TEST_MODEL", EMBERT_ENGINE_AUTO, 1);
  ASSERT_NE(s.ctx(), nullptr);
  embert_context* ctx = s.ctx();
  std::vector<int32_t> ids(kBatchTokens + 1, 5);
  size_t lengths[3] = {kMaxSeqLen, kMaxSeqLen, kBatchTokens - 2 * kMaxSeqLen};
  EXPECT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, lengths, 3), EMBERT_STATUS_OK);
  lengths[2] += 1;  // one token over
  EXPECT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, lengths, 3), EMBERT_STATUS_SEQUENCE_TOO_LONG);
  lengths[0] = kMaxSeqLen + 1;
  EXPECT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, lengths, 1), EMBERT_STATUS_SEQUENCE_TOO_LONG);
  lengths[0] = 0;
  EXPECT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, lengths, 1), EMBERT_STATUS_SEQUENCE_TOO_LONG);
  std::vector<size_t> ones(kBatchTokens / 2 + 1, 1);
  EXPECT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, ones.data(), ones.size()),
            EMBERT_STATUS_SEQUENCE_TOO_LONG);
  EXPECT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, ones.data(), 0), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(embert_set_batch_tokens(ctx, nullptr, nullptr, ones.data(), 1), EMBERT_STATUS_INVALID_ARGUMENT);
  ids[3] = -1;
  EXPECT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, ones.data(), 4), EMBERT_STATUS_INVALID_ARGUMENT);
  ids[3] = 5;

  // Two packed inputs: the single-input calls refuse them, saying why.
  size_t two[2] = {3, 4};
  ASSERT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, two, 2), EMBERT_STATUS_OK);
  embert_classification c;
  c.struct_size = sizeof c;
  EXPECT_EQ(embert_classify(ctx, &c), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(embert_context_last_error(ctx), "embert_classify_batch"), nullptr);
  const float* v = nullptr;
  size_t n = 0, dim = 0;
  EXPECT_EQ(embert_embed(ctx, EMBERT_POOLING_MEAN, 0, &v, &n), EMBERT_STATUS_INVALID_ARGUMENT);
  embert_classification cs[3];
  for (auto& r : cs) r.struct_size = sizeof r;
  EXPECT_EQ(embert_classify_batch(ctx, cs, 3), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(embert_classify_batch(ctx, cs, 2), EMBERT_STATUS_OK);
  cs[1].struct_size = 0;
  EXPECT_EQ(embert_classify_batch(ctx, cs, 2), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(embert_embed_batch(ctx, static_cast<embert_pooling>(99), 0, &v, &n, &dim), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(embert_embed_batch(ctx, EMBERT_POOLING_MEAN, 0, nullptr, &n, &dim), EMBERT_STATUS_INVALID_ARGUMENT);
  size_t taken = 7;
  EXPECT_EQ(embert_tokenize_batch(ctx, nullptr, 2, &taken), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(taken, 0u);
  const embert_text one{"hello", 5, nullptr, 0};
  EXPECT_EQ(embert_tokenize_batch(ctx, &one, 0, &taken), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(embert_tokenize_batch(ctx, &one, 1, nullptr), EMBERT_STATUS_INVALID_ARGUMENT);
  // A batch of one is an ordinary input.
  ASSERT_EQ(embert_tokenize_batch(ctx, &one, 1, &taken), EMBERT_STATUS_OK);
  EXPECT_EQ(taken, 1u);
  EXPECT_EQ(embert_classify(ctx, &c), EMBERT_STATUS_OK);
  // No input after a failed call.
  EXPECT_EQ(embert_set_batch_tokens(ctx, ids.data(), nullptr, ones.data(), 0), EMBERT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(embert_embed_batch(ctx, EMBERT_POOLING_MEAN, 0, &v, &n, &dim), EMBERT_STATUS_NO_INPUT);
}

}  // namespace
