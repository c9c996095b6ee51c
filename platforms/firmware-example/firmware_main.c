/*
 * embert in device firmware: a C99 program with the model linked in as data,
 * one static arena, and no heap use once it has started.
 *
 *   start-up  load the model from the linked-in bytes (no copy), check that a
 *             context fits the static arena, create it there;
 *   run       classify utterances (here a fixed list, on a device whatever
 *             the speech recogniser or the serial line delivers) and print
 *             the intent;
 *   exit 0    when every utterance got its expected intent, 1 otherwise.
 *
 *   firmware_example [auto|reference|xnnpack]     (the compute engine; default auto)
 *
 * Heap: embert_model_load_buffer allocates the model handle (a few hundred
 * bytes) and stdio its output buffer, both during start-up; nothing after it
 * (firmware_example_heapcheck checks this by interposing malloc).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <embert/embert.h>

#include "firmware_hooks.h"

/* Compile-time upper bound of the arena; CMake sets it (EMBERT_FIRMWARE_ARENA_BYTES). */
#ifndef EMBERT_FIRMWARE_ARENA_BYTES
#define EMBERT_FIRMWARE_ARENA_BYTES (1024UL * 1024UL)
#endif
/* Longest utterance in tokens, [CLS] and [SEP] included: it sizes the arena. */
#ifndef EMBERT_FIRMWARE_MAX_SEQ_LEN
#define EMBERT_FIRMWARE_MAX_SEQ_LEN 32
#endif

/* The model, from model_blob.S: 64-byte aligned read-only data. */
extern const unsigned char embert_firmware_model[];
extern const uint32_t embert_firmware_model_size;

/* All the memory inference uses: activations, tokenizer scratch, the compute
 * engine's packed weights (if it packs), results. In .bss. */
#if defined(__GNUC__)
static unsigned char arena[EMBERT_FIRMWARE_ARENA_BYTES] __attribute__((aligned(EMBERT_ARENA_ALIGNMENT)));
#else
#error "needs a compiler with __attribute__((aligned)) (GCC, Clang) for the 64-byte aligned arena"
#endif

struct utterance {
  const char* text;
  const char* expected;
};

static const struct utterance utterances[] = {
    {"add this song to my workout playlist", "AddToPlaylist"},
    {"book a table for two at an italian restaurant tonight", "BookRestaurant"},
    {"will it rain in paris tomorrow", "GetWeather"},
    {"play some jazz by miles davis", "PlayMusic"},
    {"rate this book four out of six stars", "RateBook"},
    {"find the tv show the daydreamer", "SearchCreativeWork"},
    {"what movies are playing close by", "SearchScreeningEvent"},
    {"Play \xE2\x80\x9C"
     "Blue in Green\xE2\x80\x9D by Miles Davis on Deezer",
     "PlayMusic"},
    {"is it going to snow in Z\xC3\xBCrich next weekend", "GetWeather"},
};

static int parse_engine(const char* name, embert_engine* out) {
  if (strcmp(name, "auto") == 0) {
    *out = EMBERT_ENGINE_AUTO;
  } else if (strcmp(name, "reference") == 0) {
    *out = EMBERT_ENGINE_REFERENCE;
  } else if (strcmp(name, "xnnpack") == 0) {
    *out = EMBERT_ENGINE_XNNPACK;
  } else {
    return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  char err[256];
  embert_model* model = NULL;
  embert_context* ctx = NULL;
  embert_context_options opt;
  size_t needed = 0;
  size_t i;
  size_t n = sizeof utterances / sizeof utterances[0];
  size_t correct = 0;
  long heap_calls;
  embert_status st;

  embert_context_options_init(&opt);
  opt.max_seq_len = EMBERT_FIRMWARE_MAX_SEQ_LEN;
  opt.num_threads = 1; /* no thread pool: nothing outside the arena */
  opt.engine = EMBERT_ENGINE_AUTO;
  if (argc > 2 || (argc == 2 && !parse_engine(argv[1], &opt.engine))) {
    fprintf(stderr, "usage: %s [auto|reference|xnnpack]\n", argv[0]);
    return 2;
  }

  /* ---- start-up -------------------------------------------------------- */
  printf("embert %s firmware example\n", embert_version_string());
  printf("model: %lu bytes linked in, %s-byte aligned\n", (unsigned long)embert_firmware_model_size,
         ((uintptr_t)embert_firmware_model % EMBERT_MODEL_ALIGNMENT) == 0 ? "64" : "NOT 64");
  st = embert_model_load_buffer(embert_firmware_model, embert_firmware_model_size, &model, err, sizeof err);
  if (st != EMBERT_STATUS_OK) {
    printf("model load failed: %s: %s\n", embert_status_string(st), err);
    return 1;
  }
  st = embert_context_arena_size_ex(model, &opt, &needed, err, sizeof err);
  if (st != EMBERT_STATUS_OK) {
    printf("arena size failed: %s: %s\n", embert_status_string(st), err);
    embert_model_destroy(model);
    return 1;
  }
  printf("arena: %lu of %lu bytes (static, max_seq_len %u)\n", (unsigned long)needed, (unsigned long)sizeof arena,
         (unsigned)opt.max_seq_len);
  if (needed > sizeof arena) {
    printf("the static arena is too small: build with EMBERT_FIRMWARE_ARENA_BYTES >= %lu\n", (unsigned long)needed);
    embert_model_destroy(model);
    return 1;
  }
  st = embert_context_create(model, &opt, arena, sizeof arena, &ctx, err, sizeof err);
  if (st != EMBERT_STATUS_OK) {
    printf("context failed: %s: %s\n", embert_status_string(st), err);
    embert_model_destroy(model);
    return 1;
  }
  printf("engine: %s\n", embert_context_engine_description(ctx));
  fflush(stdout);
  firmware_startup_done();

  /* ---- run: no heap from here on --------------------------------------- */
  for (i = 0; i < n; ++i) {
    embert_classification result;
    const char* text = utterances[i].text;
    int ok;
    result.struct_size = sizeof result;
    st = embert_tokenize(ctx, text, strlen(text), NULL, 0);
    if (st == EMBERT_STATUS_OK) st = embert_classify(ctx, &result);
    if (st != EMBERT_STATUS_OK) {
      printf("[%lu] error %s: %s\n", (unsigned long)i + 1, embert_status_string(st), embert_context_last_error(ctx));
      continue;
    }
    ok = strcmp(result.label, utterances[i].expected) == 0;
    correct += (size_t)ok;
    printf("[%lu] %-20s %.6f %s \"%s\"\n", (unsigned long)i + 1, result.label,
           (double)result.probabilities[result.index], ok ? "ok" : "WRONG", text);
  }
  heap_calls = firmware_run_done();

  printf("%lu/%lu as expected\n", (unsigned long)correct, (unsigned long)n);
  if (heap_calls >= 0) printf("heap calls after start-up: %ld\n", heap_calls);
  embert_context_destroy(ctx);
  embert_model_destroy(model);
  return correct == n && heap_calls <= 0 ? 0 : 1;
}
