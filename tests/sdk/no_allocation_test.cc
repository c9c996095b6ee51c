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
  opt.max_batch_tokens = 128;
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
      ASSERT_EQ(embert_embed(ctx, EMBERT_POOLING_MODEL, EMBERT_NORMALIZE_MODEL, &v, &n), EMBERT_STATUS_OK);
      if (labels > 0) {
        embert_classification r;
        r.struct_size = sizeof r;
        ASSERT_EQ(embert_classify(ctx, &r), EMBERT_STATUS_OK);
      }
    }
    // Packed runs (max_batch_tokens): tokenize, embed and classify them.
    embert_text batch[3];
    for (int i = 0; i < 3; ++i) batch[i] = embert_text{texts[i].data(), texts[i].size(), nullptr, 0};
    size_t taken = 0;
    ASSERT_EQ(embert_tokenize_batch(ctx, batch, 3, &taken), EMBERT_STATUS_OK);
    ASSERT_EQ(taken, 3u);
    const float* vectors = nullptr;
    size_t count = 0, dim = 0;
    ASSERT_EQ(embert_embed_batch(ctx, EMBERT_POOLING_MEAN, 1, &vectors, &count, &dim), EMBERT_STATUS_OK);
    if (labels > 0) {
      embert_classification rs[3];
      for (auto& r : rs) r.struct_size = sizeof r;
      ASSERT_EQ(embert_classify_batch(ctx, rs, 3), EMBERT_STATUS_OK);
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

// The task heads of Model.heads plan everything in the arena too: entities,
// and QA over several windows of a long context (EMBERT_TEST_TASK_MODELS: the
// task_models fixture's folder).
TEST(NoAllocationTasks, EntitiesAnswersAndRerankRunWithoutHeap) {
  const char* dir = std::getenv("EMBERT_TEST_TASK_MODELS");
  ASSERT_NE(dir, nullptr);
  const std::string text = "Anna Smith visited the old museum in Paris and the bridge in London in June.";
  const std::string question = "where is the museum?";
  std::string document;
  for (int i = 0; i < 6; ++i) document += text + " ";
  for (const char* task : {"ner", "qa", "rerank"}) {
    char err[256];
    embert_model* model = nullptr;
    const std::string path = std::string(dir) + "/" + task + ".embert";
    ASSERT_EQ(embert_model_load_file(path.c_str(), &model, err, sizeof err), EMBERT_STATUS_OK) << err;
    embert_context_options opt;
    embert_context_options_init(&opt);
    opt.max_seq_len = 32;  // QA: several windows
    size_t size = 0;
    ASSERT_EQ(embert_context_arena_size(model, &opt, &size), EMBERT_STATUS_OK);
    void* arena = std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, (size + 63) / 64 * 64);
    embert_context* ctx = nullptr;
    ASSERT_EQ(embert_context_create(model, &opt, arena, size, &ctx, err, sizeof err), EMBERT_STATUS_OK) << err;
    for (int round = 0; round < 2; ++round) {
      g_allocations = 0;
      g_watching = round == 1;
      if (std::string(task) == "ner") {
        ASSERT_EQ(embert_tokenize(ctx, text.data(), text.size(), nullptr, 0), EMBERT_STATUS_OK);
        for (int a = 0; a <= 4; ++a) {
          embert_entities e;
          e.struct_size = sizeof e;
          ASSERT_EQ(embert_extract_entities(ctx, static_cast<embert_aggregation>(a), &e), EMBERT_STATUS_OK);
        }
      } else if (std::string(task) == "qa") {
        embert_qa_options o;
        embert_qa_options_init(&o);
        o.top_k = 5;
        embert_answers r;
        r.struct_size = sizeof r;
        ASSERT_EQ(
            embert_answer_question(ctx, question.data(), question.size(), document.data(), document.size(), &o, &r),
            EMBERT_STATUS_OK)
            << embert_context_last_error(ctx);
        EXPECT_GT(r.windows, 3u);
      } else {
        const char* passages[2] = {text.c_str(), question.c_str()};
        const size_t sizes[2] = {text.size(), question.size()};
        float scores[2];
        ASSERT_EQ(embert_rerank(ctx, question.data(), question.size(), passages, sizes, 2, scores), EMBERT_STATUS_OK);
      }
      g_watching = false;
    }
    EXPECT_EQ(g_allocations.load(), 0) << task << ": heap allocations during runs";
    embert_context_destroy(ctx);
    std::free(arena);
    embert_model_destroy(model);
  }
}

}  // namespace
