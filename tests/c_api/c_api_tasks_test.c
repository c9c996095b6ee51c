/*
 * The task entry points of issue #17 from a C99 program: token
 * classification and entities, extractive QA, rerank. Their answers are
 * checked against the independent Python reference by tests/sdk/
 * test_task_parity.py; this program checks the C contract: bad arguments and
 * missing heads give clear statuses, results keep their invariants (byte
 * ranges inside the text, best first, probabilities in [0, 1], window counts
 * as the header's bound says), and a call on the wrong input never crashes.
 *
 *   c_api_tasks_test NER_MODEL QA_MODEL RERANK_MODEL
 *
 * (models made by make_task_bert.py and bert-convert: the task_models
 * fixture of tests/sdk). Prints failed checks and "N passed, N failed".
 */
#include <embert/embert.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_checks.h"

typedef struct session {
  embert_model* model;
  void* raw;
  embert_context* ctx;
} session;

/* A model and one context with `max_seq_len` (0: the model's) and
 * `max_document_tokens` (0: default), `overflow`. */
static int open_session(session* s, const char* path, uint32_t max_seq_len, uint32_t max_document_tokens,
                        embert_overflow overflow) {
  char err[256];
  embert_context_options o;
  size_t size = 0;
  uintptr_t p;
  memset(s, 0, sizeof *s);
  if (embert_model_load_file(path, &s->model, err, sizeof err) != EMBERT_STATUS_OK) {
    printf("cannot load %s: %s\n", path, err);
    return 0;
  }
  embert_context_options_init(&o);
  o.max_seq_len = max_seq_len;
  o.max_document_tokens = max_document_tokens;
  o.overflow = overflow;
  if (embert_context_arena_size_ex(s->model, &o, &size, err, sizeof err) != EMBERT_STATUS_OK) {
    printf("cannot plan: %s\n", err);
    return 0;
  }
  s->raw = malloc(size + EMBERT_ARENA_ALIGNMENT);
  if (s->raw == NULL) return 0;
  p = ((uintptr_t)s->raw + EMBERT_ARENA_ALIGNMENT - 1) / EMBERT_ARENA_ALIGNMENT * EMBERT_ARENA_ALIGNMENT;
  if (embert_context_create(s->model, &o, (void*)p, size, &s->ctx, err, sizeof err) != EMBERT_STATUS_OK) {
    printf("cannot create a context: %s\n", err);
    return 0;
  }
  return 1;
}

static void close_session(session* s) {
  embert_context_destroy(s->ctx);
  free(s->raw);
  embert_model_destroy(s->model);
}

static const char* kText = "Paris museum and the London bridge were visited by Anna Smith in June.";

static void test_ner(const char* path) {
  session s;
  embert_entities e;
  embert_token_labels t;
  uint32_t labels = 0, qa = 1, i, row;
  int agg;
  const char* name = NULL;
  const size_t len = strlen(kText);
  if (!open_session(&s, path, 0, 0, EMBERT_OVERFLOW_TRUNCATE)) {
    CHECK(!"ner model opens");
    return;
  }
  CHECK_STATUS(embert_model_get(s.model, EMBERT_MODEL_NUM_TOKEN_LABELS, &labels), EMBERT_STATUS_OK);
  CHECK(labels == 9);
  CHECK_STATUS(embert_model_get(s.model, EMBERT_MODEL_HAS_QUESTION_ANSWERING, &qa), EMBERT_STATUS_OK);
  CHECK(qa == 0);
  CHECK_STATUS(embert_model_token_label(s.model, 1, &name), EMBERT_STATUS_OK);
  CHECK(name != NULL && strcmp(name, "B-PER") == 0);
  CHECK_STATUS(embert_model_token_label(s.model, labels, &name), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_model_token_label(NULL, 0, &name), EMBERT_STATUS_INVALID_ARGUMENT);

  e.struct_size = sizeof e;
  /* No input yet, then bad arguments. */
  CHECK_STATUS(embert_extract_entities(s.ctx, EMBERT_AGGREGATION_SIMPLE, &e), EMBERT_STATUS_NO_INPUT);
  CHECK(embert_context_last_error(s.ctx)[0] != '\0');
  CHECK_STATUS(embert_extract_entities(NULL, EMBERT_AGGREGATION_SIMPLE, &e), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_extract_entities(s.ctx, EMBERT_AGGREGATION_SIMPLE, NULL), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_classify_tokens(s.ctx, NULL), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_tokenize(s.ctx, kText, len, NULL, 0), EMBERT_STATUS_OK);
  CHECK_STATUS(embert_extract_entities(s.ctx, (embert_aggregation)77, &e), EMBERT_STATUS_INVALID_ARGUMENT);
  e.struct_size = 0;
  CHECK_STATUS(embert_extract_entities(s.ctx, EMBERT_AGGREGATION_SIMPLE, &e), EMBERT_STATUS_INVALID_ARGUMENT);
  e.struct_size = sizeof e;

  /* Per-token labels: probability rows sum to 1, the top label is the argmax. */
  t.struct_size = sizeof t;
  CHECK_STATUS(embert_classify_tokens(s.ctx, &t), EMBERT_STATUS_OK);
  CHECK(t.num_labels == labels && t.count > 2);
  for (row = 0; row < t.count; ++row) {
    double sum = 0.0;
    for (i = 0; i < t.num_labels; ++i) {
      sum += t.probabilities[row * t.num_labels + i];
      if (t.logits[row * t.num_labels + i] > t.logits[row * t.num_labels + t.label_ids[row]]) {
        CHECK(!"label_ids is the argmax of the logits");
      }
    }
    CHECK(fabs(sum - 1.0) < 1e-4);
  }

  /* Entities of every aggregation: inside the text, in order, labelled. */
  for (agg = 0; agg <= 4; ++agg) {
    CHECK_STATUS(embert_extract_entities(s.ctx, (embert_aggregation)agg, &e), EMBERT_STATUS_OK);
    for (i = 0; i < e.count; ++i) {
      const embert_entity* x = &e.entities[i];
      CHECK(x->begin < x->end && x->end <= len);
      CHECK(i == 0 || e.entities[i - 1].end <= x->begin);
      CHECK(x->score >= 0.0f && x->score <= 1.0f);
      CHECK(x->first_token <= x->last_token && x->last_token < t.count);
      CHECK(x->label != NULL && strcmp(x->label, "O") != 0);
      if (agg == EMBERT_AGGREGATION_NONE) {
        CHECK(x->first_token == x->last_token);
        CHECK(x->label[1] == '-'); /* a tag: B-X or I-X */
      } else {
        CHECK(strchr(x->label, '-') == NULL); /* a group: PER, LOC, ... */
      }
    }
  }

  /* Entities need one text from embert_tokenize. */
  CHECK_STATUS(embert_tokenize(s.ctx, kText, len, "a pair", 6), EMBERT_STATUS_OK);
  CHECK_STATUS(embert_extract_entities(s.ctx, EMBERT_AGGREGATION_SIMPLE, &e), EMBERT_STATUS_INVALID_ARGUMENT);
  {
    const int32_t ids[3] = {2, 5, 3};
    CHECK_STATUS(embert_set_tokens(s.ctx, ids, NULL, NULL, 3), EMBERT_STATUS_OK);
    CHECK_STATUS(embert_extract_entities(s.ctx, EMBERT_AGGREGATION_SIMPLE, &e), EMBERT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(embert_classify_tokens(s.ctx, &t), EMBERT_STATUS_OK); /* labels need no text */
  }
  /* An empty text: no entities. */
  CHECK_STATUS(embert_tokenize(s.ctx, "", 0, NULL, 0), EMBERT_STATUS_OK);
  CHECK_STATUS(embert_extract_entities(s.ctx, EMBERT_AGGREGATION_FIRST, &e), EMBERT_STATUS_OK);
  CHECK(e.count == 0);
  /* The model has no QA head and no classifier. */
  {
    embert_answers a;
    float score = -1.0f;
    const char* passage = "x";
    const size_t one = 1;
    a.struct_size = sizeof a;
    CHECK_STATUS(embert_answer_question(s.ctx, "who", 3, kText, len, NULL, &a), EMBERT_STATUS_UNSUPPORTED);
    CHECK_STATUS(embert_rerank(s.ctx, "q", 1, &passage, &one, 1, &score), EMBERT_STATUS_UNSUPPORTED);
  }
  close_session(&s);
}

static const char* kQuestion = "where is the museum?";
static const char* kDocument =
    "The old museum is in Paris near the river. It opened in June and the bigger museum opened later in London. "
    "Anna Smith visited the bridge and the museum with her friends, and they played music in the park.";

static void check_answers(const embert_answers* a, uint32_t top_k, size_t len) {
  size_t i;
  CHECK(a->count >= 1 && a->count <= top_k);
  for (i = 0; i < a->count; ++i) {
    const embert_answer* x = &a->answers[i];
    CHECK(x->begin < x->end && x->end <= len);
    CHECK(x->score >= 0.0f && x->score <= 1.0f);
    CHECK(x->window < a->windows);
    CHECK(i == 0 || a->answers[i - 1].score >= x->score);
  }
}

static void test_qa(const char* path) {
  session s;
  embert_answers a;
  embert_qa_options o;
  uint32_t qa = 0;
  const size_t len = strlen(kDocument), qlen = strlen(kQuestion);
  if (!open_session(&s, path, 32, 0, EMBERT_OVERFLOW_TRUNCATE)) {
    CHECK(!"qa model opens");
    return;
  }
  CHECK_STATUS(embert_model_get(s.model, EMBERT_MODEL_HAS_QUESTION_ANSWERING, &qa), EMBERT_STATUS_OK);
  CHECK(qa == 1);
  a.struct_size = sizeof a;
  embert_qa_options_init(&o);
  CHECK(o.top_k == 1 && o.max_answer_len == 15 && o.doc_stride == EMBERT_QA_DEFAULT_DOC_STRIDE);

  /* Defaults: one answer; windows of 32 tokens sharing 16. */
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, NULL, &a), EMBERT_STATUS_OK);
  check_answers(&a, 1, len);
  CHECK(a.windows > 1 && a.truncated == 0);
  {
    /* The input is now the last window: [CLS] question [SEP] context [SEP]. */
    embert_tokens t;
    t.struct_size = sizeof t;
    CHECK_STATUS(embert_get_tokens(s.ctx, &t), EMBERT_STATUS_OK);
    CHECK(t.count <= 32 && t.token_type_ids[0] == 0 && t.token_type_ids[t.count - 1] == 1);
    CHECK(t.spans[t.count - 2].text == 1 && t.spans[t.count - 2].end <= len);
  }
  o.top_k = 5;
  o.doc_stride = 8;
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, &o, &a), EMBERT_STATUS_OK);
  check_answers(&a, 5, len);
  CHECK(a.count == 5);

  /* Bad arguments. */
  o.top_k = 0;
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(embert_context_last_error(s.ctx), "top_k") != NULL);
  o.top_k = 65;
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  o.top_k = 1;
  o.max_answer_len = 0;
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  o.max_answer_len = 15;
  o.doc_stride = 31; /* not smaller than the window's context tokens */
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(embert_context_last_error(s.ctx), "stride") != NULL);
  o.doc_stride = EMBERT_QA_DEFAULT_DOC_STRIDE;
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, "", 0, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, "   ", 3, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, NULL, 5, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, &o, NULL),
               EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_answer_question(NULL, kQuestion, qlen, kDocument, len, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  o.struct_size = 0;
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, &o, &a), EMBERT_STATUS_INVALID_ARGUMENT);
  embert_qa_options_init(&o);
  /* A question that leaves no room for the context in 32 tokens. */
  {
    const char* long_q =
        "where is the old museum near the river that opened in june and the bigger one in london that anna smith "
        "visited with her friends?";
    CHECK_STATUS(embert_answer_question(s.ctx, long_q, strlen(long_q), kDocument, len, &o, &a),
                 EMBERT_STATUS_SEQUENCE_TOO_LONG);
    CHECK(strstr(embert_context_last_error(s.ctx), "question") != NULL);
  }
  /* A context shorter than the question: one window. */
  CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, "in Paris", 8, &o, &a), EMBERT_STATUS_OK);
  check_answers(&a, 1, 8);
  CHECK(a.windows == 1);
  close_session(&s);

  /* max_document_tokens: cut (and say so), or refuse. */
  if (open_session(&s, path, 32, 20, EMBERT_OVERFLOW_TRUNCATE)) {
    CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, NULL, &a), EMBERT_STATUS_OK);
    CHECK(a.truncated > 0);
    check_answers(&a, 1, len);
    close_session(&s);
  }
  if (open_session(&s, path, 32, 20, EMBERT_OVERFLOW_ERROR)) {
    CHECK_STATUS(embert_answer_question(s.ctx, kQuestion, qlen, kDocument, len, NULL, &a),
                 EMBERT_STATUS_SEQUENCE_TOO_LONG);
    CHECK(strstr(embert_context_last_error(s.ctx), "max_document_tokens") != NULL);
    close_session(&s);
  }
}

static void test_rerank(const char* path) {
  session s;
  const char* passages[3] = {"the museum is in paris", "they played music in the park", ""};
  size_t sizes[3];
  float scores[3] = {-1.0f, -1.0f, -1.0f};
  size_t i;
  if (!open_session(&s, path, 0, 0, EMBERT_OVERFLOW_TRUNCATE)) {
    CHECK(!"rerank model opens");
    return;
  }
  for (i = 0; i < 3; ++i) sizes[i] = strlen(passages[i]);
  CHECK_STATUS(embert_rerank(s.ctx, kQuestion, strlen(kQuestion), passages, sizes, 3, scores), EMBERT_STATUS_OK);
  for (i = 0; i < 3; ++i) {
    embert_classification c;
    CHECK(scores[i] >= 0.0f && scores[i] <= 1.0f);
    /* The same as classifying the pair: a sigmoid of the one logit. */
    c.struct_size = sizeof c;
    CHECK_STATUS(embert_tokenize(s.ctx, kQuestion, strlen(kQuestion), passages[i], sizes[i]), EMBERT_STATUS_OK);
    CHECK_STATUS(embert_classify(s.ctx, &c), EMBERT_STATUS_OK);
    CHECK(c.num_labels == 1 && c.probabilities[0] == scores[i]);
    CHECK(fabsf(c.probabilities[0] - 1.0f / (1.0f + expf(-c.logits[0]))) < 1e-6f);
  }
  CHECK_STATUS(embert_rerank(s.ctx, kQuestion, strlen(kQuestion), passages, sizes, 0, NULL), EMBERT_STATUS_OK);
  CHECK_STATUS(embert_rerank(s.ctx, kQuestion, strlen(kQuestion), NULL, sizes, 2, scores),
               EMBERT_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(embert_rerank(s.ctx, kQuestion, strlen(kQuestion), passages, sizes, 2, NULL),
               EMBERT_STATUS_INVALID_ARGUMENT);
  {
    const char* bad[1] = {NULL};
    const size_t five = 5;
    CHECK_STATUS(embert_rerank(s.ctx, kQuestion, strlen(kQuestion), bad, &five, 1, scores),
                 EMBERT_STATUS_INVALID_ARGUMENT);
  }
  CHECK_STATUS(embert_rerank(NULL, "q", 1, passages, sizes, 1, scores), EMBERT_STATUS_INVALID_ARGUMENT);
  {
    embert_entities e;
    e.struct_size = sizeof e;
    CHECK_STATUS(embert_tokenize(s.ctx, "text", 4, NULL, 0), EMBERT_STATUS_OK);
    CHECK_STATUS(embert_extract_entities(s.ctx, EMBERT_AGGREGATION_SIMPLE, &e), EMBERT_STATUS_UNSUPPORTED);
  }
  close_session(&s);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: c_api_tasks_test NER_MODEL QA_MODEL RERANK_MODEL\n");
    return 2;
  }
  test_ner(argv[1]);
  test_qa(argv[2]);
  test_rerank(argv[3]);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
