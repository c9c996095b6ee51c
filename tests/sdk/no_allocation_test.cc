// A run never touches the heap: after a context exists, tokenizing and every
// task only use the arena. malloc and friends are interposed in this test
// binary and count calls while a run is being watched.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "embert/embert.h"

namespace {
std::atomic<bool> g_watching{false};
std::atomic<long> g_allocations{0};
}  // namespace

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);

void* malloc(size_t n) {
  if (g_watching) ++g_allocations;
  return __libc_malloc(n);
}
void* calloc(size_t a, size_t b) {
  if (g_watching) ++g_allocations;
  return __libc_calloc(a, b);
}
void* realloc(void* p, size_t n) {
  if (g_watching) ++g_allocations;
  return __libc_realloc(p, n);
}
void* aligned_alloc(size_t align, size_t n) {
  if (g_watching) ++g_allocations;
  return __libc_memalign(align, n);
}
int posix_memalign(void** out, size_t align, size_t n) {
  if (g_watching) ++g_allocations;
  *out = __libc_memalign(align, n);
  return *out ? 0 : ENOMEM;
}
}

namespace {

const char* ModelPath() {
  const char* p = std::getenv("EMBERT_TEST_MODEL");
  return p ? p : "";
}

class NoAllocation : public ::testing::TestWithParam<int> {};

TEST_P(NoAllocation, TokenizeAndEveryTaskRunWithoutHeap) {
  char err[256];
  embert_model* model = nullptr;
  ASSERT_EQ(embert_model_load_file(ModelPath(), &model, err, sizeof err), EMBERT_STATUS_OK) << err;
  embert_context_options opt;
  embert_context_options_init(&opt);
  opt.num_threads = static_cast<uint32_t>(GetParam());
  size_t size = 0;
  ASSERT_EQ(embert_context_arena_size(model, &opt, &size), EMBERT_STATUS_OK);
  void* arena = std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, (size + 63) / 64 * 64);
  embert_context* ctx = nullptr;
  ASSERT_EQ(embert_context_create(model, &opt, arena, size, &ctx, err, sizeof err), EMBERT_STATUS_OK) << err;

  const std::string texts[] = {"play some jazz by miles davis", "what's the weather in paris tomorrow",
                               "r\xC3\xA9serve une table \xE6\x97\xA5\xE6\x9C\xAC"};
  uint32_t labels = 0;
  embert_model_get(model, EMBERT_MODEL_NUM_LABELS, &labels);
  for (int round = 0; round < 2; ++round) {
    // Round 0 warms up whatever the C++ runtime initialises lazily; round 1 is watched.
    g_allocations = 0;
    g_watching = round == 1;
    for (const auto& t : texts) {
      ASSERT_EQ(embert_tokenize(ctx, t.data(), t.size(), nullptr, 0), EMBERT_STATUS_OK);
      const float* v = nullptr;
      size_t n = 0;
      ASSERT_EQ(embert_embed(ctx, EMBERT_POOLING_MEAN, 1, &v, &n), EMBERT_STATUS_OK);
      if (labels > 0) {
        embert_classification r;
        r.struct_size = sizeof r;
        ASSERT_EQ(embert_classify(ctx, &r), EMBERT_STATUS_OK);
      }
    }
    ASSERT_EQ(embert_tokenize(ctx, texts[0].data(), texts[0].size(), texts[1].data(), texts[1].size()),
              EMBERT_STATUS_OK);
    const float* states = nullptr;
    size_t rows = 0, cols = 0;
    ASSERT_EQ(embert_hidden_states(ctx, &states, &rows, &cols), EMBERT_STATUS_OK);
    g_watching = false;
  }
  EXPECT_EQ(g_allocations.load(), 0) << "heap allocations during runs";
  embert_context_destroy(ctx);
  std::free(arena);
  embert_model_destroy(model);
}

INSTANTIATE_TEST_SUITE_P(Threads, NoAllocation, ::testing::Values(1, 2));

}  // namespace
