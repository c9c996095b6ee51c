/*
 * The public C API from a C99 program: only <embert/embert.h> and the C
 * standard library. Compiled with -std=c99 -pedantic -Wall -Wextra -Werror.
 *
 *   c_api_test                         checks that need no model
 *   c_api_test MODEL [EXPECTED_LABEL]  also load MODEL, plan and create
 *                                      contexts, classify a sentence (and
 *                                      compare its label when given)
 *
 * Prints one line per failed check and "N passed, N failed"; exits 1 on any
 * failure.
 */
#include <embert/embert.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_checks.h"

/* Distinguishes the scratch files of concurrent runs in one directory:
 * "nomodel", or the model file's base name. */
static char g_tag[48] = "nomodel";

static void set_tag(const char* model_path) {
  const char* base = strrchr(model_path, '/');
  size_t n = 0;
  base = base != NULL ? base + 1 : model_path;
  for (; *base != '\0' && n + 1 < sizeof g_tag; ++base) {
    const char c = *base;
    const int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    g_tag[n++] = plain ? c : '_';
  }
  g_tag[n] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Aligned buffers without aligned_alloc (C11) or posix_memalign (POSIX).    */
/* ------------------------------------------------------------------------ */

typedef struct aligned_buffer {
  void* raw;
  unsigned char* data; /* `size` bytes, `align`-aligned; data + 1 .. data + size + 1 valid too */
  size_t size;
} aligned_buffer;

static int buffer_alloc(aligned_buffer* b, size_t size, size_t align) {
  uintptr_t p;
  b->raw = malloc(size + 2 * align);
  b->data = NULL;
  b->size = size;
  if (b->raw == NULL) return 0;
  p = (uintptr_t)b->raw;
  p = (p + align - 1) / align * align;
  b->data = (unsigned char*)p;
  memset(b->data, 0, size + 1);
  return 1;
}

static void buffer_free(aligned_buffer* b) {
  free(b->raw);
  b->raw = NULL;
  b->data = NULL;
}

static void fill_junk(unsigned char* p, size_t n, uint32_t seed) {
  size_t i;
  for (i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = (unsigned char)(seed >> 24);
  }
}

static int write_file(const char* path, const void* data, size_t size) {
  FILE* f = fopen(path, "wb");
  int ok;
  if (f == NULL) return 0;
  ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

/* Reads a whole file into an EMBERT_MODEL_ALIGNMENT-aligned buffer. */
static int read_file(const char* path, aligned_buffer* b) {
  FILE* f = fopen(path, "rb");
  long size;
  int ok = 0;
  if (f == NULL) return 0;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
      buffer_alloc(b, (size_t)size, EMBERT_MODEL_ALIGNMENT)) {
    ok = fread(b->data, 1, (size_t)size, f) == (size_t)size;
  }
  fclose(f);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Without a model                                                           */
/* ------------------------------------------------------------------------ */

static void test_versions(void) {
  const char* v = embert_version_string();
  char header[32];
  unsigned major = 0, minor = 0, patch = 0;
  CHECK(v != NULL);
  if (v == NULL) return;
  sprintf(header, "%d.%d.%d", EMBERT_VERSION_MAJOR, EMBERT_VERSION_MINOR, EMBERT_VERSION_PATCH);
  CHECK(strcmp(v, header) == 0);
  CHECK(sscanf(v, "%u.%u.%u", &major, &minor, &patch) == 3);
  CHECK(embert_version_number() == major * 10000u + minor * 100u + patch);
  CHECK(embert_version_number() ==
        (uint32_t)(EMBERT_VERSION_MAJOR * 10000 + EMBERT_VERSION_MINOR * 100 + EMBERT_VERSION_PATCH));
  CHECK(embert_schema_version() >= 1u);
}

static void test_status_strings(void) {
  const int first = (int)EMBERT_STATUS_OK;
  const int last = (int)EMBERT_STATUS_INTERNAL;
  int i, j;
  CHECK(last == 14);
  for (i = first; i <= last; ++i) {
    const char* s = embert_status_string((embert_status)i);
    CHECK(s != NULL && s[0] != '\0');
    if (s == NULL) continue;
    for (j = first; j < i; ++j) {
      const char* t = embert_status_string((embert_status)j);
      if (t != NULL && strcmp(s, t) == 0) {
        ++g_failed;
        printf("FAILED: status %d and %d share the description \"%s\"\n", i, j, s);
      }
    }
  }
  {
    const char* unknown = embert_status_string((embert_status)9999);
    CHECK(unknown != NULL && unknown[0] != '\0');
    unknown = embert_status_string((embert_status)-1);
    CHECK(unknown != NULL && unknown[0] != '\0');
  }
}

static void test_null_arguments(void) {
  char err[256];
  unsigned char junk[64];
  embert_model* model;
  embert_context* ctx;
  embert_context_options opt;
  aligned_buffer arena;
  uint32_t value = 0;
  const char* text = NULL;
  size_t size = 0, rows = 0, cols = 0;
  const float* floats = NULL;
  float probability = 0.0f;
  int32_t ids[3] = {0, 0, 0};
  embert_tokens tokens;
  embert_classification classification;
  embert_mask_predictions predictions;

  memset(junk, 0, sizeof junk);
  tokens.struct_size = sizeof tokens;
  classification.struct_size = sizeof classification;
  predictions.struct_size = sizeof predictions;

  /* Loading: a NULL data/path or out-pointer; out_model is reset to NULL. */
  model = (embert_model*)(void*)junk;
  err[0] = '\0';
  CHECK_STATUS(embert_model_load_buffer(NULL, 128, &model, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(model == NULL);
  CHECK(err[0] != '\0');
  CHECK_STATUS(embert_model_load_buffer(junk, sizeof junk, NULL, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_model_load_buffer(NULL, 0, NULL, NULL, 0), EMBERT_STATUS_INVALID_ARGUMENT);
  model = (embert_model*)(void*)junk;
  err[0] = '\0';
  CHECK_STATUS(embert_model_load_file(NULL, &model, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(model == NULL);
  CHECK(err[0] != '\0');
  CHECK_STATUS(embert_model_load_file("model.embert", NULL, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_model_load_file(NULL, &model, NULL, 0), EMBERT_STATUS_INVALID_ARGUMENT);
  /* A one-byte message buffer still gets its terminator. */
  err[0] = 'x';
  CHECK_STATUS(embert_model_load_file(NULL, &model, err, 1), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(err[0] == '\0');

  /* Destroy functions accept NULL. */
  embert_model_destroy(NULL);
  embert_context_destroy(NULL);
  CHECK(1);

  /* Model queries. */
  CHECK_STATUS(embert_model_get(NULL, EMBERT_MODEL_VOCAB_SIZE, &value), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_model_label(NULL, 0, &text), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_model_token(NULL, 0, &text), EMBERT_STATUS_INVALID_ARGUMENT);

  /* Options and planning. */
  embert_context_options_init(NULL);
  embert_context_options_init(&opt);
  CHECK(opt.struct_size == sizeof opt);
  CHECK(opt.max_seq_len == 0);
  CHECK(opt.engine == EMBERT_ENGINE_AUTO);
  CHECK(opt.overflow == EMBERT_OVERFLOW_TRUNCATE);
  CHECK(opt.invalid_utf8 == EMBERT_INVALID_UTF8_ERROR);
  CHECK_STATUS(embert_context_arena_size(NULL, &opt, &size), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_context_arena_size(NULL, NULL, NULL), EMBERT_STATUS_INVALID_ARGUMENT);
  err[0] = '\0';
  size = 1;
  CHECK_STATUS(embert_context_arena_size_ex(NULL, &opt, &size, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(size == 0);
  CHECK(err[0] != '\0');
  CHECK_STATUS(embert_context_arena_size_ex(NULL, NULL, NULL, NULL, 0), EMBERT_STATUS_INVALID_ARGUMENT);

  if (buffer_alloc(&arena, 4096, EMBERT_ARENA_ALIGNMENT)) {
    ctx = (embert_context*)(void*)junk;
    err[0] = '\0';
    CHECK_STATUS(embert_context_create(NULL, &opt, arena.data, arena.size, &ctx, err, sizeof err),
                 EMBERT_STATUS_INVALID_ARGUMENT);
    CHECK(ctx == NULL);
    CHECK(err[0] != '\0');
    CHECK_STATUS(embert_context_create(NULL, NULL, NULL, 0, NULL, NULL, 0), EMBERT_STATUS_INVALID_ARGUMENT);
    buffer_free(&arena);
  } else {
    CHECK(!"out of memory");
  }

  /* Context queries never return NULL. */
  CHECK(embert_context_last_error(NULL) != NULL);
  CHECK(embert_context_engine_description(NULL) != NULL);

  /* Input and tasks on a NULL context. */
  CHECK_STATUS(embert_tokenize(NULL, "play", 4, NULL, 0), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_set_tokens(NULL, ids, NULL, NULL, 3), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_get_tokens(NULL, &tokens), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_classify(NULL, &classification), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_embed(NULL, EMBERT_POOLING_CLS, 0, &floats, &size), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_hidden_states(NULL, &floats, &rows, &cols), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_fill_mask(NULL, 5, &predictions), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_next_sentence(NULL, &probability), EMBERT_STATUS_INVALID_ARGUMENT);
}

/* Loads must fail with a status, a NULL model and a message. */
static void expect_load_buffer_fails(const void* data, size_t size, int line, const char* what) {
  char err[256];
  embert_model* model = NULL;
  embert_status s;
  err[0] = '\0';
  s = embert_model_load_buffer(data, size, &model, err, sizeof err);
  check(s != EMBERT_STATUS_OK, line, what);
  check(model == NULL, line, "model is NULL after a failed load");
  check(err[0] != '\0', line, "a failed load writes a message");
  if (model != NULL) embert_model_destroy(model);
}

static void test_garbage(void) {
  aligned_buffer b;
  char err[256];
  embert_model* model = NULL;
  embert_status s;
  char junk_path[128], empty_path[128];
  sprintf(junk_path, "c_api_test_junk_%s.embert", g_tag);
  sprintf(empty_path, "c_api_test_empty_%s.embert", g_tag);

  if (!buffer_alloc(&b, 4096, EMBERT_MODEL_ALIGNMENT)) {
    CHECK(!"out of memory");
    return;
  }
  fill_junk(b.data, b.size, 12345u);
  err[0] = '\0';
  s = embert_model_load_buffer(b.data, b.size, &model, err, sizeof err);
  CHECK_STATUS(s, EMBERT_STATUS_INVALID_MODEL);
  CHECK(model == NULL);
  CHECK(err[0] != '\0');

  /* Junk behind the right file identifier. */
  memcpy(b.data + 4, "EMBT", 4);
  expect_load_buffer_fails(b.data, b.size, __LINE__, "junk with the EMBT identifier is rejected");
  memset(b.data, 0, b.size);
  expect_load_buffer_fails(b.data, b.size, __LINE__, "zeros are rejected");
  expect_load_buffer_fails(b.data, 0, __LINE__, "an empty buffer is rejected");
  expect_load_buffer_fails(b.data, 7, __LINE__, "a 7-byte buffer is rejected");
  fill_junk(b.data, b.size + 1, 777u);
  expect_load_buffer_fails(b.data + 1, b.size, __LINE__, "misaligned junk is rejected");

  /* Files: missing, a directory, junk, empty. */
  model = NULL;
  err[0] = '\0';
  s = embert_model_load_file("/nonexistent/dir/model.embert", &model, err, sizeof err);
  CHECK_STATUS(s, EMBERT_STATUS_IO_ERROR);
  CHECK(model == NULL);
  CHECK(strstr(err, "/nonexistent/dir/model.embert") != NULL);

  err[0] = '\0';
  s = embert_model_load_file(".", &model, err, sizeof err);
  CHECK(s != EMBERT_STATUS_OK);
  CHECK(model == NULL);
  CHECK(err[0] != '\0');

  fill_junk(b.data, 100, 99u);
  if (write_file(junk_path, b.data, 100)) {
    err[0] = '\0';
    s = embert_model_load_file(junk_path, &model, err, sizeof err);
    CHECK(s != EMBERT_STATUS_OK);
    CHECK(model == NULL);
    CHECK(err[0] != '\0');
    remove(junk_path);
  } else {
    CHECK(!"cannot write the junk file");
  }
  if (write_file(empty_path, b.data, 0)) {
    err[0] = '\0';
    s = embert_model_load_file(empty_path, &model, err, sizeof err);
    CHECK(s != EMBERT_STATUS_OK);
    CHECK(model == NULL);
    CHECK(err[0] != '\0');
    remove(empty_path);
  } else {
    CHECK(!"cannot write the empty file");
  }
  buffer_free(&b);
}

/* ------------------------------------------------------------------------ */
/* With a model                                                              */
/* ------------------------------------------------------------------------ */

typedef struct model_facts {
  uint32_t vocab, hidden, layers, heads, intermediate, max_seq_len, num_labels;
  uint32_t has_pooler, has_mlm, has_nsp, quantized, multi_label;
} model_facts;

static uint32_t get(const embert_model* m, embert_model_property p) {
  uint32_t v = 0xFFFFFFFFu;
  check_status(embert_model_get(m, p, &v), EMBERT_STATUS_OK, __LINE__, "embert_model_get");
  return v;
}

static void test_model_queries(const embert_model* m, model_facts* f) {
  const char* s = NULL;
  uint32_t v = 0, i;
  f->vocab = get(m, EMBERT_MODEL_VOCAB_SIZE);
  f->hidden = get(m, EMBERT_MODEL_HIDDEN_SIZE);
  f->layers = get(m, EMBERT_MODEL_NUM_LAYERS);
  f->heads = get(m, EMBERT_MODEL_NUM_HEADS);
  f->intermediate = get(m, EMBERT_MODEL_INTERMEDIATE_SIZE);
  f->max_seq_len = get(m, EMBERT_MODEL_MAX_SEQ_LEN);
  f->num_labels = get(m, EMBERT_MODEL_NUM_LABELS);
  f->has_pooler = get(m, EMBERT_MODEL_HAS_POOLER);
  f->has_mlm = get(m, EMBERT_MODEL_HAS_MASKED_LM);
  f->has_nsp = get(m, EMBERT_MODEL_HAS_NEXT_SENTENCE);
  f->quantized = get(m, EMBERT_MODEL_IS_QUANTIZED);
  f->multi_label = get(m, EMBERT_MODEL_MULTI_LABEL);
  CHECK(f->vocab > 0 && f->vocab < 10000000u);
  CHECK(f->hidden > 0 && f->heads > 0 && f->hidden % f->heads == 0);
  CHECK(f->layers > 0 && f->intermediate > 0);
  CHECK(f->max_seq_len >= 3);
  CHECK(f->has_pooler <= 1 && f->has_mlm <= 1 && f->has_nsp <= 1);
  CHECK(f->quantized <= 1 && f->multi_label <= 1);

  CHECK_STATUS(embert_model_get(m, (embert_model_property)999, &v), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_model_get(m, EMBERT_MODEL_VOCAB_SIZE, NULL), EMBERT_STATUS_INVALID_ARGUMENT);

  for (i = 0; i < f->num_labels; ++i) {
    s = NULL;
    CHECK_STATUS(embert_model_label(m, i, &s), EMBERT_STATUS_OK);
    CHECK(s != NULL && s[0] != '\0');
  }
  CHECK(embert_model_label(m, f->num_labels, &s) != EMBERT_STATUS_OK);
  CHECK_STATUS(embert_model_label(m, 0, NULL), EMBERT_STATUS_INVALID_ARGUMENT);

  CHECK_STATUS(embert_model_token(m, 0, &s), EMBERT_STATUS_OK);
  CHECK(s != NULL);
  CHECK_STATUS(embert_model_token(m, (int32_t)f->vocab - 1, &s), EMBERT_STATUS_OK);
  CHECK_STATUS(embert_model_token(m, -1, &s), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_model_token(m, (int32_t)f->vocab, &s), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_model_token(m, 0, NULL), EMBERT_STATUS_INVALID_ARGUMENT);
}

/* The same file through embert_model_load_buffer: aligned, misaligned,
 * truncated, corrupted. */
static void test_load_buffer(const char* path) {
  aligned_buffer b;
  char err[256];
  embert_model* m = NULL;
  char truncated_path[128];
  embert_status s;
  sprintf(truncated_path, "c_api_test_truncated_%s.embert", g_tag);
  if (!read_file(path, &b)) {
    CHECK(!"cannot read the model file");
    return;
  }
  CHECK_STATUS(embert_model_load_buffer(b.data, b.size, &m, err, sizeof err), EMBERT_STATUS_OK);
  CHECK(m != NULL);
  embert_model_destroy(m);
  m = NULL;

  memmove(b.data + 1, b.data, b.size);
  err[0] = '\0';
  CHECK_STATUS(embert_model_load_buffer(b.data + 1, b.size, &m, err, sizeof err), EMBERT_STATUS_MISALIGNED);
  CHECK(m == NULL);
  CHECK(err[0] != '\0');
  memmove(b.data, b.data + 1, b.size);

  expect_load_buffer_fails(b.data, b.size / 2, __LINE__, "a truncated model is rejected");
  expect_load_buffer_fails(b.data, b.size - 1, __LINE__, "a model short of one byte is rejected");

  /* A changed byte in the middle (inside the weights) fails the checksum. */
  b.data[b.size / 2] ^= 0x40;
  err[0] = '\0';
  s = embert_model_load_buffer(b.data, b.size, &m, err, sizeof err);
  CHECK(s == EMBERT_STATUS_CHECKSUM_MISMATCH || s == EMBERT_STATUS_INVALID_MODEL);
  CHECK(m == NULL);
  CHECK(err[0] != '\0');
  b.data[b.size / 2] ^= 0x40;

  /* A truncated file. */
  if (write_file(truncated_path, b.data, b.size / 2)) {
    err[0] = '\0';
    s = embert_model_load_file(truncated_path, &m, err, sizeof err);
    CHECK(s != EMBERT_STATUS_OK);
    CHECK(m == NULL);
    CHECK(err[0] != '\0');
    remove(truncated_path);
  } else {
    CHECK(!"cannot write the truncated file");
  }
  buffer_free(&b);
}

static void test_arena(const embert_model* m, const model_facts* f) {
  embert_context_options opt;
  size_t size16 = 0, size32 = 0, size_default = 0, size = 0;
  aligned_buffer arena;
  embert_context* ctx = NULL;
  char err[256], needed[32];

  CHECK_STATUS(embert_context_arena_size(m, NULL, &size_default), EMBERT_STATUS_OK);
  CHECK(size_default > 0);
  embert_context_options_init(&opt);
  opt.max_seq_len = 16 <= f->max_seq_len ? 16 : f->max_seq_len;
  CHECK_STATUS(embert_context_arena_size(m, &opt, &size16), EMBERT_STATUS_OK);
  opt.max_seq_len = 32 <= f->max_seq_len ? 32 : f->max_seq_len;
  CHECK_STATUS(embert_context_arena_size(m, &opt, &size32), EMBERT_STATUS_OK);
  CHECK(size16 > 0 && size16 <= size32 && size32 <= size_default);
  CHECK_STATUS(embert_context_arena_size(m, &opt, NULL), EMBERT_STATUS_INVALID_ARGUMENT);

  /* Bad option values. */
  opt.max_seq_len = f->max_seq_len + 1;
  CHECK_STATUS(embert_context_arena_size(m, &opt, &size), EMBERT_STATUS_INVALID_ARGUMENT);
  opt.max_seq_len = 32 <= f->max_seq_len ? 32 : f->max_seq_len;
  opt.engine = (embert_engine)77;
  CHECK_STATUS(embert_context_arena_size(m, &opt, &size), EMBERT_STATUS_INVALID_ARGUMENT);
  opt.engine = EMBERT_ENGINE_AUTO;
  opt.struct_size = 0;
  CHECK_STATUS(embert_context_arena_size(m, &opt, &size), EMBERT_STATUS_INVALID_ARGUMENT);
  opt.struct_size = sizeof opt;

  /* The same checks with their messages: each names the option at fault. */
  CHECK_STATUS(embert_context_arena_size_ex(m, &opt, &size, err, sizeof err), EMBERT_STATUS_OK);
  CHECK(size == size32);
  CHECK(err[0] == '\0');
  opt.max_seq_len = f->max_seq_len + 1;
  CHECK_STATUS(embert_context_arena_size_ex(m, &opt, &size, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(size == 0);
  CHECK(strstr(err, "max_seq_len") != NULL);
  opt.max_seq_len = 32 <= f->max_seq_len ? 32 : f->max_seq_len;
  opt.engine = (embert_engine)77;
  CHECK_STATUS(embert_context_arena_size_ex(m, &opt, &size, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(err, "engine") != NULL);
  opt.engine = EMBERT_ENGINE_AUTO;
  opt.struct_size = 0;
  CHECK_STATUS(embert_context_arena_size_ex(m, &opt, &size, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(err, "struct_size") != NULL);
  opt.struct_size = sizeof opt;
  /* A short buffer gets a truncated, terminated message; NULL is accepted. */
  opt.engine = (embert_engine)77;
  memset(err, 'x', sizeof err);
  CHECK_STATUS(embert_context_arena_size_ex(m, &opt, &size, err, 4), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(strlen(err) == 3);
  CHECK_STATUS(embert_context_arena_size_ex(m, &opt, &size, NULL, 0), EMBERT_STATUS_INVALID_ARGUMENT);
  opt.engine = EMBERT_ENGINE_AUTO;

  if (!buffer_alloc(&arena, size32, EMBERT_ARENA_ALIGNMENT)) {
    CHECK(!"out of memory");
    return;
  }
  /* One byte short: ARENA_TOO_SMALL, and the message names the size needed. */
  err[0] = '\0';
  ctx = (embert_context*)(void*)err;
  CHECK_STATUS(embert_context_create(m, &opt, arena.data, size32 - 1, &ctx, err, sizeof err),
               EMBERT_STATUS_ARENA_TOO_SMALL);
  CHECK(ctx == NULL);
  sprintf(needed, "%lu", (unsigned long)size32);
  if (strstr(err, needed) == NULL) {
    ++g_failed;
    printf("FAILED: the arena-too-small message \"%s\" does not state the %s bytes needed\n", err, needed);
  } else {
    ++g_passed;
  }
  CHECK_STATUS(embert_context_create(m, &opt, arena.data, 0, &ctx, err, sizeof err), EMBERT_STATUS_ARENA_TOO_SMALL);
  /* Misaligned by one byte (the size is enough). */
  err[0] = '\0';
  CHECK_STATUS(embert_context_create(m, &opt, arena.data + 1, size32, &ctx, err, sizeof err), EMBERT_STATUS_MISALIGNED);
  CHECK(ctx == NULL);
  CHECK(err[0] != '\0');
  CHECK_STATUS(embert_context_create(m, &opt, NULL, size32, &ctx, err, sizeof err), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_context_create(m, &opt, arena.data, size32, NULL, err, sizeof err),
               EMBERT_STATUS_INVALID_ARGUMENT);
  /* The exact size works, twice in the same arena. */
  CHECK_STATUS(embert_context_create(m, &opt, arena.data, size32, &ctx, err, sizeof err), EMBERT_STATUS_OK);
  CHECK(ctx != NULL);
  embert_context_destroy(ctx);
  ctx = NULL;
  CHECK_STATUS(embert_context_create(m, &opt, arena.data, size32, &ctx, NULL, 0), EMBERT_STATUS_OK);
  embert_context_destroy(ctx);
  buffer_free(&arena);
}

/* Creates a context for `opt` in a fresh arena; NULL on failure. */
static embert_context* make_context(const embert_model* m, const embert_context_options* opt, aligned_buffer* arena) {
  size_t size = 0;
  char err[256];
  embert_context* ctx = NULL;
  if (embert_context_arena_size(m, opt, &size) != EMBERT_STATUS_OK ||
      !buffer_alloc(arena, size, EMBERT_ARENA_ALIGNMENT)) {
    CHECK(!"cannot plan or allocate a context");
    return NULL;
  }
  if (embert_context_create(m, opt, arena->data, size, &ctx, err, sizeof err) != EMBERT_STATUS_OK) {
    printf("context: %s\n", err);
    CHECK(!"cannot create a context");
    buffer_free(arena);
    return NULL;
  }
  return ctx;
}

static void test_run(const embert_model* m, const model_facts* f, const char* expected_label) {
  static const char kText[] = "play some jazz by miles davis";
  embert_context_options opt;
  aligned_buffer arena;
  embert_context* ctx;
  embert_tokens t;
  embert_classification c;
  embert_mask_predictions p;
  const char* tok = NULL;
  const char* desc;
  const float* floats = NULL;
  size_t size = 0, rows = 0, cols = 0, i;
  float prob = 0.0f;
  int32_t bad_ids[3];
  int32_t cls_id = 0, sep_id = 0;
  size_t token_count = 0;

  embert_context_options_init(&opt);
  opt.max_seq_len = 64 <= f->max_seq_len ? 64 : f->max_seq_len;
  ctx = make_context(m, &opt, &arena);
  if (ctx == NULL) return;

  desc = embert_context_engine_description(ctx);
  CHECK(desc != NULL && desc[0] != '\0');
  CHECK(embert_context_last_error(ctx) != NULL && embert_context_last_error(ctx)[0] == '\0');

  /* No input yet. */
  c.struct_size = sizeof c;
  CHECK_STATUS(embert_classify(ctx, &c), f->num_labels > 0 ? EMBERT_STATUS_NO_INPUT : EMBERT_STATUS_UNSUPPORTED);
  CHECK(embert_context_last_error(ctx)[0] != '\0');
  CHECK_STATUS(embert_hidden_states(ctx, &floats, &rows, &cols), EMBERT_STATUS_NO_INPUT);

  /* Tokens. */
  CHECK_STATUS(embert_tokenize(ctx, kText, strlen(kText), NULL, 0), EMBERT_STATUS_OK);
  t.struct_size = 0;
  CHECK_STATUS(embert_get_tokens(ctx, &t), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_get_tokens(ctx, NULL), EMBERT_STATUS_INVALID_ARGUMENT);
  t.struct_size = sizeof t;
  CHECK_STATUS(embert_get_tokens(ctx, &t), EMBERT_STATUS_OK);
  CHECK(t.count >= 3 && t.count <= opt.max_seq_len);
  CHECK(t.truncated == 0);
  if (t.count >= 3) {
    token_count = t.count;
    cls_id = t.input_ids[0];
    sep_id = t.input_ids[t.count - 1];
    CHECK(embert_model_token(m, t.input_ids[0], &tok) == EMBERT_STATUS_OK && strcmp(tok, "[CLS]") == 0);
    CHECK(embert_model_token(m, t.input_ids[t.count - 1], &tok) == EMBERT_STATUS_OK && strcmp(tok, "[SEP]") == 0);
    CHECK(t.spans[0].begin == 0 && t.spans[0].end == 0);
    /* "play" is the first word: its first token starts at byte 0. */
    CHECK(t.spans[1].begin == 0 && t.spans[1].end > 0 && t.spans[1].end <= 4);
    for (i = 0; i < t.count; ++i) {
      CHECK(t.token_type_ids[i] == 0 && t.attention_mask[i] == 1);
      CHECK(t.input_ids[i] >= 0 && (uint32_t)t.input_ids[i] < f->vocab);
      CHECK(t.spans[i].end <= sizeof kText - 1 && t.spans[i].begin <= t.spans[i].end);
    }
  }

  /* Classification. */
  if (f->num_labels > 0) {
    c.struct_size = sizeof c;
    CHECK_STATUS(embert_classify(ctx, &c), EMBERT_STATUS_OK);
    CHECK(c.num_labels == f->num_labels);
    CHECK(c.index < c.num_labels && c.label != NULL);
    if (c.index < c.num_labels && c.label != NULL) {
      const char* label = NULL;
      float sum = 0.0f;
      CHECK(embert_model_label(m, (uint32_t)c.index, &label) == EMBERT_STATUS_OK && strcmp(label, c.label) == 0);
      for (i = 0; i < c.num_labels; ++i) {
        CHECK(c.probabilities[i] >= 0.0f && c.probabilities[i] <= 1.0f);
        CHECK(c.logits[i] <= c.logits[c.index]);
        sum += c.probabilities[i];
      }
      if (!f->multi_label && c.num_labels > 1) CHECK(fabs(sum - 1.0) < 1e-4);
      printf("classified \"%s\" as %s (%.3f) with %s\n", kText, c.label, c.probabilities[c.index], desc);
      if (expected_label != NULL && strcmp(c.label, expected_label) != 0) {
        ++g_failed;
        printf("FAILED: expected label %s, got %s\n", expected_label, c.label);
      } else if (expected_label != NULL) {
        ++g_passed;
      }
    }
  } else {
    CHECK_STATUS(embert_classify(ctx, &c), EMBERT_STATUS_UNSUPPORTED);
  }
  c.struct_size = 0;
  CHECK_STATUS(embert_classify(ctx, &c), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_classify(ctx, NULL), EMBERT_STATUS_INVALID_ARGUMENT);

  /* Embeddings and hidden states. */
  CHECK_STATUS(embert_embed(ctx, EMBERT_POOLING_MEAN, 1, &floats, &size), EMBERT_STATUS_OK);
  CHECK(size == f->hidden && floats != NULL);
  if (size == f->hidden && floats != NULL) {
    double norm = 0.0;
    for (i = 0; i < size; ++i) norm += (double)floats[i] * floats[i];
    CHECK(fabs(sqrt(norm) - 1.0) < 1e-3);
  }
  CHECK_STATUS(embert_embed(ctx, EMBERT_POOLING_CLS, 0, NULL, &size), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_embed(ctx, (embert_pooling)6, 0, &floats, &size), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_embed(ctx, (embert_pooling)-1, 0, &floats, &size), EMBERT_STATUS_INVALID_ARGUMENT);
  {
    /* A plain BERT file: the file's pooling is MEAN, its normalisation none. */
    float mean[4096];
    size_t n = 0;
    uint32_t embedding_size = 0;
    CHECK_STATUS(embert_model_get(m, EMBERT_MODEL_EMBEDDING_SIZE, &embedding_size), EMBERT_STATUS_OK);
    CHECK(embedding_size == f->hidden);
    CHECK_STATUS(embert_embed(ctx, EMBERT_POOLING_MEAN, 0, &floats, &n), EMBERT_STATUS_OK);
    if (n == f->hidden && n <= 4096) {
      memcpy(mean, floats, n * sizeof(float));
      CHECK_STATUS(embert_embed(ctx, EMBERT_POOLING_MODEL, EMBERT_NORMALIZE_MODEL, &floats, &size), EMBERT_STATUS_OK);
      CHECK(size == n && memcmp(mean, floats, n * sizeof(float)) == 0);
    }
    CHECK_STATUS(embert_embed(ctx, EMBERT_POOLING_MAX, 0, &floats, &size), EMBERT_STATUS_OK);
    CHECK(size == f->hidden);
    CHECK_STATUS(embert_embed(ctx, EMBERT_POOLING_MEAN_SQRT_LEN, 0, &floats, &size), EMBERT_STATUS_OK);
    CHECK(size == f->hidden);
  }
  CHECK_STATUS(embert_hidden_states(ctx, &floats, &rows, &cols), EMBERT_STATUS_OK);
  CHECK(rows == token_count && cols == f->hidden);
  CHECK_STATUS(embert_hidden_states(ctx, NULL, &rows, &cols), EMBERT_STATUS_INVALID_ARGUMENT);

  /* Heads the model may lack. */
  p.struct_size = sizeof p;
  if (f->has_mlm) {
    CHECK_STATUS(embert_fill_mask(ctx, 0, &p), EMBERT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(embert_fill_mask(ctx, 65, &p), EMBERT_STATUS_INVALID_ARGUMENT);
  } else {
    CHECK_STATUS(embert_fill_mask(ctx, 5, &p), EMBERT_STATUS_UNSUPPORTED);
  }
  if (!f->has_nsp) CHECK_STATUS(embert_next_sentence(ctx, &prob), EMBERT_STATUS_UNSUPPORTED);
  CHECK_STATUS(embert_next_sentence(ctx, NULL), EMBERT_STATUS_INVALID_ARGUMENT);

  /* A sentence pair: token types 0 then 1. */
  CHECK_STATUS(embert_tokenize(ctx, "play jazz", 9, "in the kitchen", 14), EMBERT_STATUS_OK);
  t.struct_size = sizeof t;
  CHECK_STATUS(embert_get_tokens(ctx, &t), EMBERT_STATUS_OK);
  CHECK(t.count >= 5 && t.token_type_ids[0] == 0 && t.token_type_ids[t.count - 1] == 1);

  /* Invalid UTF-8 fails with a message (the default policy). */
  CHECK_STATUS(embert_tokenize(ctx, "play \xff\xfe jazz", 11, NULL, 0), EMBERT_STATUS_INVALID_UTF8);
  CHECK(embert_context_last_error(ctx)[0] != '\0');
  c.struct_size = sizeof c;
  if (f->num_labels > 0) CHECK_STATUS(embert_classify(ctx, &c), EMBERT_STATUS_NO_INPUT);
  CHECK_STATUS(embert_tokenize(ctx, NULL, 3, NULL, 0), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_tokenize(ctx, NULL, 0, NULL, 0), EMBERT_STATUS_OK); /* empty text */

  /* Token ids set by the caller. */
  bad_ids[0] = cls_id;
  bad_ids[1] = (int32_t)f->vocab; /* out of range */
  bad_ids[2] = sep_id;
  CHECK_STATUS(embert_set_tokens(ctx, NULL, NULL, NULL, 3), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_set_tokens(ctx, bad_ids, NULL, NULL, 3), EMBERT_STATUS_INVALID_ARGUMENT);
  bad_ids[1] = -5;
  CHECK_STATUS(embert_set_tokens(ctx, bad_ids, NULL, NULL, 3), EMBERT_STATUS_INVALID_ARGUMENT);
  bad_ids[1] = 0;
  CHECK_STATUS(embert_set_tokens(ctx, bad_ids, NULL, NULL, 3), EMBERT_STATUS_OK);
  CHECK_STATUS(embert_hidden_states(ctx, &floats, &rows, &cols), EMBERT_STATUS_OK);
  CHECK(rows == 3 && cols == f->hidden);

  embert_context_destroy(ctx);
  buffer_free(&arena);

  /* EMBERT_OVERFLOW_ERROR: a long input fails instead of being truncated. */
  embert_context_options_init(&opt);
  opt.max_seq_len = 8;
  opt.overflow = EMBERT_OVERFLOW_ERROR;
  ctx = make_context(m, &opt, &arena);
  if (ctx != NULL) {
    static const char kLong[] = "play some jazz by miles davis in the kitchen please right now";
    CHECK_STATUS(embert_tokenize(ctx, kLong, strlen(kLong), NULL, 0), EMBERT_STATUS_SEQUENCE_TOO_LONG);
    CHECK(embert_context_last_error(ctx)[0] != '\0');
    embert_context_destroy(ctx);
    buffer_free(&arena);
  }
  /* EMBERT_OVERFLOW_TRUNCATE: cut to max_seq_len, count reported. */
  opt.overflow = EMBERT_OVERFLOW_TRUNCATE;
  ctx = make_context(m, &opt, &arena);
  if (ctx != NULL) {
    static const char kLong[] = "play some jazz by miles davis in the kitchen please right now";
    CHECK_STATUS(embert_tokenize(ctx, kLong, strlen(kLong), NULL, 0), EMBERT_STATUS_OK);
    t.struct_size = sizeof t;
    CHECK_STATUS(embert_get_tokens(ctx, &t), EMBERT_STATUS_OK);
    CHECK(t.count == 8 && t.truncated > 0);
    CHECK(embert_model_token(m, t.input_ids[t.count - 1], &tok) == EMBERT_STATUS_OK && strcmp(tok, "[SEP]") == 0);
    embert_context_destroy(ctx);
    buffer_free(&arena);
  }
}

static void test_with_model(const char* path, const char* expected_label) {
  char err[256];
  embert_model* m = NULL;
  model_facts f;
  err[0] = '\0';
  CHECK_STATUS(embert_model_load_file(path, &m, err, sizeof err), EMBERT_STATUS_OK);
  if (m == NULL) {
    printf("cannot load %s: %s\n", path, err);
    return;
  }
  memset(&f, 0, sizeof f);
  test_model_queries(m, &f);
  test_load_buffer(path);
  test_arena(m, &f);
  test_run(m, &f, expected_label);
  embert_model_destroy(m);
}

int main(int argc, char** argv) {
  if (argc > 1) set_tag(argv[1]);
  printf("embert %s, schema %u\n", embert_version_string(), (unsigned)embert_schema_version());
  test_versions();
  test_status_strings();
  test_null_arguments();
  test_garbage();
  if (argc > 1) test_with_model(argv[1], argc > 2 ? argv[2] : NULL);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
