// One model shared by many threads, one context each: every thread gets the
// results a single thread gets, bit for bit, one text per run or packed
// (every other round). Run under ThreadSanitizer in CI.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "embert/embert.h"

namespace {

const char* kTexts[] = {"play some jazz by miles davis",          "what's the weather in paris tomorrow",
                        "book a table for two at eight",          "rate this novel five stars",
                        "add this song to my road trip playlist", "show me the movie times near me"};

struct Worker {
  embert_context* ctx = nullptr;
  void* arena = nullptr;
  std::vector<std::vector<float>> logits;
};

std::vector<std::vector<float>> Classify(embert_context* ctx, int rounds) {
  std::vector<std::vector<float>> out;
  constexpr size_t kCount = sizeof kTexts / sizeof kTexts[0];
  for (int r = 0; r < rounds; ++r) {
    if (r % 2 == 1) {  // all texts packed into runs
      embert_text items[kCount];
      for (size_t i = 0; i < kCount; ++i) items[i] = embert_text{kTexts[i], std::strlen(kTexts[i]), nullptr, 0};
      for (size_t next = 0; next < kCount;) {
        size_t taken = 0;
        embert_classification c[kCount];
        for (auto& x : c) x.struct_size = sizeof x;
        if (embert_tokenize_batch(ctx, items + next, kCount - next, &taken) != EMBERT_STATUS_OK ||
            embert_classify_batch(ctx, c, taken) != EMBERT_STATUS_OK) {
          return {};
        }
        for (size_t i = 0; i < taken; ++i) out.emplace_back(c[i].logits, c[i].logits + c[i].num_labels);
        next += taken;
      }
      continue;
    }
    for (const char* t : kTexts) {
      embert_classification c;
      c.struct_size = sizeof c;
      if (embert_tokenize(ctx, t, std::strlen(t), nullptr, 0) != EMBERT_STATUS_OK ||
          embert_classify(ctx, &c) != EMBERT_STATUS_OK) {
        return {};
      }
      out.emplace_back(c.logits, c.logits + c.num_labels);
    }
  }
  return out;
}

TEST(Threads, SharedModelOneContextPerThreadGivesSingleThreadResults) {
  const char* path = std::getenv("EMBERT_TEST_MODEL");
  ASSERT_NE(path, nullptr);
  embert_model* model = nullptr;
  ASSERT_EQ(embert_model_load_file(path, &model, nullptr, 0), EMBERT_STATUS_OK);
  embert_context_options options;
  embert_context_options_init(&options);
  options.max_batch_tokens = 64;
  size_t size = 0;
  ASSERT_EQ(embert_context_arena_size(model, &options, &size), EMBERT_STATUS_OK);
  size = (size + 63) / 64 * 64;
  constexpr int kThreads = 4, kRounds = 4;
  std::vector<Worker> workers(kThreads + 1);
  for (auto& w : workers) {
    w.arena = std::aligned_alloc(64, size);
    ASSERT_EQ(embert_context_create(model, &options, w.arena, size, &w.ctx, nullptr, 0), EMBERT_STATUS_OK);
  }
  const auto expected = Classify(workers[kThreads].ctx, kRounds);
  ASSERT_FALSE(expected.empty());
  // Round 1 (packed) gives round 0's (one per run) bits.
  const size_t per_round = expected.size() / kRounds;
  for (size_t i = 0; i < per_round; ++i) EXPECT_EQ(expected[i], expected[per_round + i]) << "text " << i;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&workers, i] { workers[i].logits = Classify(workers[i].ctx, kRounds); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(workers[i].logits, expected) << "thread " << i;
  for (auto& w : workers) {
    embert_context_destroy(w.ctx);
    std::free(w.arena);
  }
  embert_model_destroy(model);
}

}  // namespace
