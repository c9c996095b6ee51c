// One model shared by many threads, one context each: every thread gets the
// results a single thread gets, bit for bit. Run under ThreadSanitizer in CI.
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
  for (int r = 0; r < rounds; ++r) {
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
  size_t size = 0;
  ASSERT_EQ(embert_context_arena_size(model, nullptr, &size), EMBERT_STATUS_OK);
  size = (size + 63) / 64 * 64;
  constexpr int kThreads = 4, kRounds = 3;
  std::vector<Worker> workers(kThreads + 1);
  for (auto& w : workers) {
    w.arena = std::aligned_alloc(64, size);
    ASSERT_EQ(embert_context_create(model, nullptr, w.arena, size, &w.ctx, nullptr, 0), EMBERT_STATUS_OK);
  }
  const auto expected = Classify(workers[kThreads].ctx, kRounds);
  ASSERT_FALSE(expected.empty());
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
