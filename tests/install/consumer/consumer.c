/* A program built against an installed embert: only <embert/embert.h>.
 *   consumer                      version checks
 *   consumer MODEL [LABEL]        also classify a sentence (and compare the label)
 */
#include <embert/embert.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  const uint32_t header_version = EMBERT_VERSION_MAJOR * 10000 + EMBERT_VERSION_MINOR * 100 + EMBERT_VERSION_PATCH;
  embert_model* model = NULL;
  embert_context* ctx = NULL;
  embert_context_options opt;
  embert_classification result;
  char err[256];
  size_t size = 0;
  void* arena = NULL;
  const char* text = "play some jazz by miles davis";
  int rc = 1;

  printf("embert %s (schema %u)\n", embert_version_string(), (unsigned)embert_schema_version());
  if (embert_version_number() != header_version) {
    fprintf(stderr, "library %u does not match header %u\n", (unsigned)embert_version_number(),
            (unsigned)header_version);
    return 1;
  }
  if (argc < 2) return 0;

  if (embert_model_load_file(argv[1], &model, err, sizeof err) != EMBERT_STATUS_OK) {
    fprintf(stderr, "load: %s\n", err);
    return 1;
  }
  embert_context_options_init(&opt);
  opt.max_seq_len = 32;
  if (embert_context_arena_size(model, &opt, &size) != EMBERT_STATUS_OK) {
    fprintf(stderr, "arena size failed\n");
    goto done;
  }
  size = (size + EMBERT_ARENA_ALIGNMENT - 1) / EMBERT_ARENA_ALIGNMENT * EMBERT_ARENA_ALIGNMENT;
  arena = aligned_alloc(EMBERT_ARENA_ALIGNMENT, size);
  if (arena == NULL || embert_context_create(model, &opt, arena, size, &ctx, err, sizeof err) != EMBERT_STATUS_OK) {
    fprintf(stderr, "context: %s\n", arena == NULL ? "out of memory" : err);
    goto done;
  }
  result.struct_size = sizeof result;
  if (embert_tokenize(ctx, text, strlen(text), NULL, 0) != EMBERT_STATUS_OK ||
      embert_classify(ctx, &result) != EMBERT_STATUS_OK) {
    fprintf(stderr, "classify: %s\n", embert_context_last_error(ctx));
    goto done;
  }
  printf("%s %.3f (%s)\n", result.label, result.probabilities[result.index], embert_context_engine_description(ctx));
  if (argc > 2 && strcmp(result.label, argv[2]) != 0) {
    fprintf(stderr, "expected %s\n", argv[2]);
    goto done;
  }
  rc = 0;
done:
  embert_context_destroy(ctx);
  free(arena);
  embert_model_destroy(model);
  return rc;
}
