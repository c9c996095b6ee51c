// A context used after its model was destroyed: the caller's error, caught.
// The model must stay readable until the last context goes (ASan in CI
// checks that nothing touches freed memory and that nothing leaks), and the
// calls must fail with EMBERT_STATUS_MODEL_RELEASED.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "embert/embert.h"

namespace {

const char* ModelPath() {
  const char* p = std::getenv("EMBERT_TEST_MODEL");
  return p != nullptr ? p : "snips-intent.embert";
}

struct Context {
  void* arena = nullptr;
  embert_context* ctx = nullptr;
};

Context Create(const embert_model* model) {
  Context c;
  size_t size = 0;
  EXPECT_EQ(embert_context_arena_size(model, nullptr, &size), EMBERT_STATUS_OK);
  c.arena = std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, (size + 63) / 64 * 64);
  char err[256];
  EXPECT_EQ(embert_context_create(model, nullptr, c.arena, size, &c.ctx, err, sizeof err), EMBERT_STATUS_OK) << err;
  return c;
}

TEST(Lifetime, ContextAfterModelDestroyIsRefusedNotACrash) {
  embert_model* model = nullptr;
  char err[256];
  ASSERT_EQ(embert_model_load_file(ModelPath(), &model, err, sizeof err), EMBERT_STATUS_OK) << err;
  Context a = Create(model), b = Create(model);
  const char* text = "play some jazz";
  ASSERT_EQ(embert_tokenize(a.ctx, text, std::strlen(text), nullptr, 0), EMBERT_STATUS_OK);

  embert_model_destroy(model);  // too early: two contexts still use it

  embert_classification r;
  r.struct_size = sizeof r;
  EXPECT_EQ(embert_classify(a.ctx, &r), EMBERT_STATUS_MODEL_RELEASED);
  EXPECT_NE(std::string(embert_context_last_error(a.ctx)).find("destroyed"), std::string::npos);
  EXPECT_EQ(embert_tokenize(b.ctx, text, std::strlen(text), nullptr, 0), EMBERT_STATUS_MODEL_RELEASED);
  const int32_t ids[3] = {101, 102, 102};
  EXPECT_EQ(embert_set_tokens(b.ctx, ids, nullptr, nullptr, 3), EMBERT_STATUS_MODEL_RELEASED);
  float p = 0;
  EXPECT_EQ(embert_next_sentence(b.ctx, &p), EMBERT_STATUS_MODEL_RELEASED);
  EXPECT_STREQ(embert_status_string(EMBERT_STATUS_MODEL_RELEASED), "the context's model was destroyed");

  embert_context_destroy(a.ctx);  // the model is still held by b
  embert_context_destroy(b.ctx);  // the last reference: the model is freed here
  std::free(a.arena);
  std::free(b.arena);
}

TEST(Lifetime, NormalOrderStillWorksAndModelOutlivesNothing) {
  embert_model* model = nullptr;
  char err[256];
  ASSERT_EQ(embert_model_load_file(ModelPath(), &model, err, sizeof err), EMBERT_STATUS_OK) << err;
  Context a = Create(model);
  const char* text = "will it rain tomorrow";
  ASSERT_EQ(embert_tokenize(a.ctx, text, std::strlen(text), nullptr, 0), EMBERT_STATUS_OK);
  embert_classification r;
  r.struct_size = sizeof r;
  EXPECT_EQ(embert_classify(a.ctx, &r), EMBERT_STATUS_OK);
  embert_context_destroy(a.ctx);
  std::free(a.arena);
  embert_model_destroy(model);  // frees now: no context left
}

}  // namespace
