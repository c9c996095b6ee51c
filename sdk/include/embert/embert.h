/*
 * embert: int8 BERT encoders on edge CPUs, from C.
 *
 * The API in one page
 * -------------------
 *   embert_model    an immutable, verified view of a .embert file. It never
 *                   copies the weights: a model loaded from memory reads them
 *                   in place, a model loaded from a file maps it.
 *                   One model may be shared by any number of threads.
 *   embert_context  everything one inference needs, planned once inside a
 *                   caller-owned arena: activations, packed weights of the
 *                   compute engine, tokenizer scratch, results. A context is
 *                   used by one thread at a time; create one per thread.
 *
 * Every call that can fail returns an embert_status and writes its results
 * through out-pointers. Results that are arrays (logits, embeddings, tokens)
 * live inside the context and stay valid until the next call on that context
 * or its destruction. Destroy functions accept NULL.
 *
 * Memory: embert_context_arena_size() says exactly how many bytes a context
 * needs for the given options; embert_context_create() plans everything in
 * that arena and running a context never allocates heap memory. The only
 * allocations outside the arena are the model handle itself (a few hundred
 * bytes, at load) and, when threads > 1, the thread pool (at context creation).
 *
 * Usage
 * -----
 *   embert_model* model = NULL;
 *   char err[256];
 *   if (embert_model_load_file("intent.embert", &model, err, sizeof err) != EMBERT_STATUS_OK) {
 *     fprintf(stderr, "%s\n", err);
 *     return 1;
 *   }
 *   embert_context_options opt;
 *   embert_context_options_init(&opt);
 *   opt.max_seq_len = 64;
 *   size_t arena_size = 0;
 *   embert_context_arena_size(model, &opt, &arena_size);
 *   void* arena = aligned_alloc(EMBERT_ARENA_ALIGNMENT, arena_size);  // or a static buffer
 *   embert_context* ctx = NULL;
 *   if (embert_context_create(model, &opt, arena, arena_size, &ctx, err, sizeof err) != EMBERT_STATUS_OK) {
 *     fprintf(stderr, "%s\n", err);
 *     return 1;
 *   }
 *   const char* text = "play some jazz by miles davis";
 *   embert_classification result;
 *   result.struct_size = sizeof result;
 *   if (embert_tokenize(ctx, text, strlen(text), NULL, 0) == EMBERT_STATUS_OK &&
 *       embert_classify(ctx, &result) == EMBERT_STATUS_OK) {
 *     printf("%s %.3f\n", result.label, result.probabilities[result.index]);
 *   } else {
 *     fprintf(stderr, "%s\n", embert_context_last_error(ctx));
 *   }
 *   embert_context_destroy(ctx);
 *   free(arena);
 *   embert_model_destroy(model);   // after every context of it is destroyed
 *
 * The other tasks, on the same kind of context (see each function below):
 *   // Named entities (a BertForTokenClassification file):
 *   embert_entities ents;
 *   ents.struct_size = sizeof ents;
 *   embert_tokenize(ctx, text, strlen(text), NULL, 0);
 *   embert_extract_entities(ctx, EMBERT_AGGREGATION_SIMPLE, &ents);
 *   for (size_t i = 0; i < ents.count; ++i)   // "PER Miles Davis"
 *     printf("%s %.*s\n", ents.entities[i].label,
 *            (int)(ents.entities[i].end - ents.entities[i].begin), text + ents.entities[i].begin);
 *
 *   // Extractive QA (a BertForQuestionAnswering file; long contexts in windows):
 *   embert_answers ans;
 *   ans.struct_size = sizeof ans;
 *   embert_answer_question(ctx, question, strlen(question), doc, strlen(doc), NULL, &ans);
 *   if (ans.count > 0)
 *     printf("%.*s\n", (int)(ans.answers[0].end - ans.answers[0].begin), doc + ans.answers[0].begin);
 *
 *   // Reranking (a cross-encoder file): one score per passage, in the caller's array.
 *   float scores[2];
 *   const char* passages[2] = {"Jazz is a music genre.", "Paris is in France."};
 *   const size_t sizes[2] = {22, 19};
 *   embert_rerank(ctx, "what is jazz", 12, passages, sizes, 2, scores);
 */
#ifndef EMBERT_EMBERT_H_
#define EMBERT_EMBERT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Versions                                                                  */
/* ------------------------------------------------------------------------ */

#define EMBERT_VERSION_MAJOR 0
#define EMBERT_VERSION_MINOR 1
#define EMBERT_VERSION_PATCH 0

/* "MAJOR.MINOR.PATCH" of the linked library (may differ from the header). */
const char* embert_version_string(void);
/* MAJOR * 10000 + MINOR * 100 + PATCH of the linked library. */
uint32_t embert_version_number(void);
/* The newest model file schema version this library reads. */
uint32_t embert_schema_version(void);

/* ------------------------------------------------------------------------ */
/* Status                                                                    */
/* ------------------------------------------------------------------------ */

/* New values may be added at the end; treat unknown values as errors. */
typedef enum embert_status {
  EMBERT_STATUS_OK = 0,
  EMBERT_STATUS_INVALID_ARGUMENT = 1,    /* NULL pointer, bad option value */
  EMBERT_STATUS_IO_ERROR = 2,            /* file cannot be opened, read or mapped */
  EMBERT_STATUS_INVALID_MODEL = 3,       /* not a well-formed .embert file */
  EMBERT_STATUS_UNSUPPORTED_VERSION = 4, /* file written for a newer schema */
  EMBERT_STATUS_CHECKSUM_MISMATCH = 5,   /* file content altered or truncated */
  EMBERT_STATUS_MISALIGNED = 6,          /* buffer or arena not aligned as required */
  EMBERT_STATUS_ARENA_TOO_SMALL = 7,     /* see embert_context_arena_size() */
  EMBERT_STATUS_INVALID_UTF8 = 8,        /* text is not valid UTF-8 */
  EMBERT_STATUS_SEQUENCE_TOO_LONG = 9,   /* input longer than the context allows */
  EMBERT_STATUS_NO_INPUT = 10,           /* run before tokenize/set_tokens */
  EMBERT_STATUS_UNSUPPORTED = 11,        /* the model lacks the head for this task */
  EMBERT_STATUS_BACKEND_ERROR = 12,      /* the compute engine refused an operation */
  EMBERT_STATUS_OUT_OF_MEMORY = 13,      /* a model handle or thread pool could not be allocated */
  EMBERT_STATUS_INTERNAL = 14,
  EMBERT_STATUS_MODEL_RELEASED = 15 /* the context's model was destroyed before it */
} embert_status;

/* A static English description of the status ("arena too small"). Never NULL. */
const char* embert_status_string(embert_status status);

/* ------------------------------------------------------------------------ */
/* Model                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct embert_model embert_model;

/* Required alignment of a model buffer passed to embert_model_load_buffer. */
#define EMBERT_MODEL_ALIGNMENT 64

/*
 * Loads and verifies a model from memory without copying it.
 * `data` is borrowed: it must stay valid and unmodified until
 * embert_model_destroy(), and be EMBERT_MODEL_ALIGNMENT-aligned. `size` is the
 * exact size of the file. On failure *out_model is NULL and, when
 * `error_message` is not NULL, a NUL-terminated reason (truncated to
 * `error_message_size`) is written there.
 */
embert_status embert_model_load_buffer(const void* data, size_t size, embert_model** out_model, char* error_message,
                                       size_t error_message_size);

/* As embert_model_load_buffer, with the file mapped read-only (or read into
 * memory where mapping is not available). The model owns the mapping. */
embert_status embert_model_load_file(const char* path, embert_model** out_model, char* error_message,
                                     size_t error_message_size);

/* Releases the model and its mapping. NULL is accepted.
 * Every context created from it should be destroyed first. Destroying the
 * model earlier is the caller's error, but a detected one: the model's
 * memory (and mapping) is kept until its last context is destroyed, and
 * every call on those contexts fails with EMBERT_STATUS_MODEL_RELEASED
 * without touching the model (a buffer given to embert_model_load_buffer is
 * the caller's, so that one must still outlive them). */
void embert_model_destroy(embert_model* model);

/* Facts about a model. All pointers stay owned by the model. */
typedef enum embert_model_property {
  EMBERT_MODEL_VOCAB_SIZE = 0,
  EMBERT_MODEL_HIDDEN_SIZE = 1,
  EMBERT_MODEL_NUM_LAYERS = 2,
  EMBERT_MODEL_NUM_HEADS = 3,
  EMBERT_MODEL_INTERMEDIATE_SIZE = 4,
  EMBERT_MODEL_MAX_SEQ_LEN = 5, /* longest input incl. [CLS]/[SEP] */
  EMBERT_MODEL_NUM_LABELS = 6,  /* 0 without a classification head */
  EMBERT_MODEL_HAS_POOLER = 7,
  EMBERT_MODEL_HAS_MASKED_LM = 8,
  EMBERT_MODEL_HAS_NEXT_SENTENCE = 9,
  EMBERT_MODEL_IS_QUANTIZED = 10,           /* 1 for int8 weights, 0 for fp32 */
  EMBERT_MODEL_MULTI_LABEL = 11,            /* 1 if classification scores are sigmoids */
  EMBERT_MODEL_NUM_TOKEN_LABELS = 12,       /* 0 without a token-classification head */
  EMBERT_MODEL_HAS_QUESTION_ANSWERING = 13, /* 1 with an extractive QA head */
  /* floats of embert_embed with EMBERT_POOLING_MODEL (hidden_size without a
   * recorded sentence embedding) */
  EMBERT_MODEL_EMBEDDING_SIZE = 14
} embert_model_property;

/* Writes the property's value to *out_value. */
embert_status embert_model_get(const embert_model* model, embert_model_property property, uint32_t* out_value);

/* Name of classification label `index` (NUL-terminated, owned by the model). */
embert_status embert_model_label(const embert_model* model, uint32_t index, const char** out_label);

/* Name of token-classification label `index` ("B-PER"; owned by the model). */
embert_status embert_model_token_label(const embert_model* model, uint32_t index, const char** out_label);

/* Text of vocabulary entry `token_id` (NUL-terminated, owned by the model). */
embert_status embert_model_token(const embert_model* model, int32_t token_id, const char** out_token);

/* ------------------------------------------------------------------------ */
/* Context                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct embert_context embert_context;

/* Required alignment of the arena passed to embert_context_create. */
#define EMBERT_ARENA_ALIGNMENT 64

/*
 * Compute engines: what runs the dense (fully connected) layers. Attention,
 * softmax, LayerNorm, GELU and the task heads run on embert's own kernels
 * whatever the engine.
 *   AUTO       int8 files: embert's own int8 kernels at the fastest level
 *              this CPU supports (chosen at run time). fp32 files: XNNPACK
 *              when the library was built with it, else embert's portable
 *              kernels.
 *   REFERENCE  embert's portable C++ kernels (int8: the same integer
 *              arithmetic as AUTO's kernels, bit for bit); no XNNPACK.
 *   XNNPACK    today the same as AUTO: XNNPACK runs the dense layers of fp32
 *              files only; int8 files run on embert's own int8 kernels.
 *              EMBERT_STATUS_UNSUPPORTED when the library was built without
 *              XNNPACK. What it does for int8 files may change.
 * embert_context_engine_description() names the kernels a context uses.
 */
typedef enum embert_engine {
  EMBERT_ENGINE_AUTO = 0,
  EMBERT_ENGINE_REFERENCE = 1,
  EMBERT_ENGINE_XNNPACK = 2
} embert_engine;

/* Input longer than max_seq_len: cut it (longest side first for pairs) or fail. */
typedef enum embert_overflow { EMBERT_OVERFLOW_TRUNCATE = 0, EMBERT_OVERFLOW_ERROR = 1 } embert_overflow;

/* Invalid UTF-8 in text: fail, or read each bad sequence as U+FFFD (which the
 * tokenizer then drops, as it drops control characters). */
typedef enum embert_invalid_utf8 { EMBERT_INVALID_UTF8_ERROR = 0, EMBERT_INVALID_UTF8_REPLACE = 1 } embert_invalid_utf8;

/*
 * Options of a context. Always initialise with embert_context_options_init(),
 * which sets struct_size; fields may be added at the end in later versions
 * and the library reads only the first struct_size bytes.
 */
typedef struct embert_context_options {
  size_t struct_size;
  uint32_t max_seq_len; /* 0: the model's maximum */
  uint32_t num_threads; /* 0 or 1: run on the calling thread only */
  embert_engine engine;
  embert_overflow overflow;
  embert_invalid_utf8 invalid_utf8;
  /* embert_answer_question: the longest context (document) in tokens, split
   * into windows of max_seq_len. 0: 4 x max_seq_len. Planned only for models
   * with a QA head. A longer document is cut (EMBERT_OVERFLOW_TRUNCATE) or
   * refused (EMBERT_OVERFLOW_ERROR). */
  uint32_t max_document_tokens;
  /* The batch calls (embert_tokenize_batch, embert_set_batch_tokens): the
   * most tokens of all inputs packed into one run (0: max_seq_len). The
   * activations are planned for max(max_seq_len, max_batch_tokens) tokens;
   * a run holds at most max(1, max_batch_tokens / 2) inputs. */
  uint32_t max_batch_tokens;
} embert_context_options;

void embert_context_options_init(embert_context_options* options);

/* Exact arena size in bytes for a context of `model` with `options` (NULL:
 * defaults). It plans the context without building it. On failure *out_size
 * is 0; for the reason (e.g. which option is wrong) use
 * embert_context_arena_size_ex. */
embert_status embert_context_arena_size(const embert_model* model, const embert_context_options* options,
                                        size_t* out_size);

/* As embert_context_arena_size; on failure a NUL-terminated reason
 * (truncated to `error_message_size`) is also written to `error_message` when
 * it is not NULL ("" on success), as embert_context_create does. */
embert_status embert_context_arena_size_ex(const embert_model* model, const embert_context_options* options,
                                           size_t* out_size, char* error_message, size_t error_message_size);

/*
 * Creates a context inside `arena` (EMBERT_ARENA_ALIGNMENT-aligned, at least
 * the size embert_context_arena_size() returned). The arena is borrowed until
 * embert_context_destroy(); the model must outlive the context; `options` is
 * read only during the call. On failure *out_context is NULL and a reason is
 * written to `error_message` when it is not NULL; a too small arena gives
 * EMBERT_STATUS_ARENA_TOO_SMALL and the message states the size needed.
 * Speed: when the model file was not packed for this CPU (bert-convert
 * --pack), the arena holds the weights, and on Linux an arena in 2 MB pages
 * can run short inputs faster: allocate it 2 MB-aligned and call
 * madvise(arena, size, MADV_HUGEPAGE), as the embert tool does (measurements:
 * benchmarks/RESULTS.md).
 */
embert_status embert_context_create(const embert_model* model, const embert_context_options* options, void* arena,
                                    size_t arena_size, embert_context** out_context, char* error_message,
                                    size_t error_message_size);

/* Releases what the context holds outside its arena. NULL is accepted. */
void embert_context_destroy(embert_context* context);

/* Message of the last failed call on this context ("" if none). Owned by the
 * context, valid until the next call on it. */
const char* embert_context_last_error(const embert_context* context);

/* The compute engine the context uses and the CPU features it detected,
 * e.g. "reference (x86-64: avx2 avx512vnni)". Owned by the context. */
const char* embert_context_engine_description(const embert_context* context);

/* ------------------------------------------------------------------------ */
/* Input                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * Tokenizes UTF-8 `text` (and `text_pair` when not NULL) as the model's BERT
 * tokenizer does: [CLS] A [SEP] (B [SEP]), token types 0 and 1. The texts are
 * read only during the call; they need no NUL terminator. Vocabulary entries
 * beyond the model's embedding table (a vocab.txt longer than it) come out as
 * [UNK]; a pair on a model with one token type (type_vocab_size 1) is
 * EMBERT_STATUS_INVALID_ARGUMENT, except on a DistilBERT model, which has no
 * token types: its pairs are allowed and their types ignored.
 */
embert_status embert_tokenize(embert_context* context, const char* text, size_t text_size, const char* text_pair,
                              size_t text_pair_size);

/*
 * Sets the input to token ids the caller made. `token_type_ids` may be NULL
 * (all 0). `attention_mask` may be NULL (all 1); where it is 0 the position is
 * padding and no token attends to it. Arrays are copied.
 */
embert_status embert_set_tokens(embert_context* context, const int32_t* input_ids, const int32_t* token_type_ids,
                                const int32_t* attention_mask, size_t count);

/* Byte range [begin, end) of the input text a token came from; both 0 for
 * special tokens and for tokens set with embert_set_tokens. `text` is 0 for
 * the first text, 1 for the pair. */
typedef struct embert_token_span {
  uint32_t begin;
  uint32_t end;
  uint32_t text;
} embert_token_span;

typedef struct embert_tokens {
  size_t struct_size; /* set by the caller to sizeof(embert_tokens) */
  size_t count;
  const int32_t* input_ids;
  const int32_t* token_type_ids;
  const int32_t* attention_mask;
  const embert_token_span* spans;
  size_t truncated; /* tokens dropped to fit max_seq_len */
  /* Packed inputs (the batch calls): input i is tokens [input_offsets[i],
   * input_offsets[i + 1]); 1 and {0, count} otherwise. */
  size_t num_inputs;
  const size_t* input_offsets;
} embert_tokens;

/* The current input. Pointers are owned by the context. */
embert_status embert_get_tokens(embert_context* context, embert_tokens* out_tokens);

/* ------------------------------------------------------------------------ */
/* Tasks (each runs the encoder on the current input)                        */
/* ------------------------------------------------------------------------ */

typedef struct embert_classification {
  size_t struct_size; /* set by the caller to sizeof(embert_classification) */
  size_t num_labels;
  const float* logits;
  const float* probabilities; /* softmax, or sigmoid per label for multi-label / one logit */
  size_t index;               /* the top label */
  const char* label;          /* its name */
} embert_classification;

/* Sequence classification. EMBERT_STATUS_UNSUPPORTED without a classifier. */
embert_status embert_classify(embert_context* context, embert_classification* out_result);

typedef enum embert_pooling {
  EMBERT_POOLING_CLS = 0,           /* the pooler's tanh output on [CLS] (raw [CLS] without pooler) */
  EMBERT_POOLING_MEAN = 1,          /* mean of the last hidden states over attended tokens */
  EMBERT_POOLING_CLS_RAW = 2,       /* the last hidden state of [CLS] */
  EMBERT_POOLING_MAX = 3,           /* per channel, the largest over attended tokens */
  EMBERT_POOLING_MEAN_SQRT_LEN = 4, /* sum over attended tokens / sqrt(their count) */
  /* As the file says: a sentence-transformers model's pooling (its modes
   * concatenated, cls = the raw [CLS] state), then its Dense modules; a file
   * without one (plain BERT) pools with MEAN, as sentence-transformers does. */
  EMBERT_POOLING_MODEL = 5
} embert_pooling;

/* embert_embed's `normalize`: 0 leaves the vector as pooled;
 * EMBERT_NORMALIZE_MODEL does what the file says (L2-normalises after a
 * sentence-transformers Normalize module; not in a plain BERT file); any
 * other value L2-normalises. */
#define EMBERT_NORMALIZE_MODEL (-1)

/* A sentence embedding of the current input. Its size (*out_size) is
 * hidden_size for every pooling but EMBERT_POOLING_MODEL, which gives
 * EMBERT_MODEL_EMBEDDING_SIZE floats (the last Dense's out_features, or
 * hidden_size times the pooling modes concatenated). Mean pooling divides by
 * max(count, 1e-9) and max pooling reads masked tokens as -1e9, as
 * sentence-transformers does; normalising divides by max(|x|, 1e-12). With
 * EMBERT_POOLING_MODEL and EMBERT_NORMALIZE_MODEL the result is
 * sentence-transformers' encode() of the converted directory. The vector
 * lives in the context until its next call. */
embert_status embert_embed(embert_context* context, embert_pooling pooling, int normalize, const float** out_embedding,
                           size_t* out_size);

/* The last hidden states, count x hidden_size floats row-major. */
embert_status embert_hidden_states(embert_context* context, const float** out_states, size_t* out_rows,
                                   size_t* out_cols);

typedef struct embert_mask_predictions {
  size_t struct_size; /* set by the caller to sizeof(embert_mask_predictions) */
  size_t num_masks;   /* [MASK] tokens in the input */
  size_t top_k;
  const size_t* positions;  /* num_masks token positions */
  const int32_t* token_ids; /* num_masks x top_k, best first */
  const float* scores;      /* num_masks x top_k softmax probabilities */
} embert_mask_predictions;

/* Masked-token prediction: the top_k (1..64) tokens for every [MASK]. */
embert_status embert_fill_mask(embert_context* context, size_t top_k, embert_mask_predictions* out_predictions);

/* Next-sentence prediction: probability that the pair's second text follows
 * the first. EMBERT_STATUS_UNSUPPORTED without that head. */
embert_status embert_next_sentence(embert_context* context, float* out_is_next_probability);

/* ------------------------------------------------------------------------ */
/* Many inputs per run                                                       */
/* ------------------------------------------------------------------------ */

/*
 * Short inputs are packed into one run: consecutive sequences, each with its
 * own positions and token types, attending only to its own tokens. Every
 * input's result is what it is alone, bit for bit (the dense layers work row
 * by row; attention, pooling and heads per input), and the run does no work
 * for padding. Read the results with the _batch calls; the single-input task
 * calls accept a packed input of one.
 */

/* One input of the batch calls: a text and an optional pair (pair NULL:
 * none), read only during the call. */
typedef struct embert_text {
  const char* text;
  size_t text_size;
  const char* pair;
  size_t pair_size;
} embert_text;

/*
 * Tokenizes inputs[0..), each as embert_tokenize does (cut to max_seq_len),
 * and packs as many of them as fit into one run of max_batch_tokens
 * (embert_context_options) as the current input. *out_taken: how many were
 * packed, from the first; at least 1 when num_inputs > 0 (an input longer
 * than the room left waits for the next call). Call again with the rest.
 * An input that fails (e.g. invalid UTF-8) ends the run before it, so the
 * next call, which starts with it, fails with its status: skip it there.
 */
embert_status embert_tokenize_batch(embert_context* context, const embert_text* inputs, size_t num_inputs,
                                    size_t* out_taken);

/*
 * Sets packed token ids the caller made: num_inputs inputs of lengths[i]
 * tokens, concatenated in input_ids (and token_type_ids, NULL: all 0). All of
 * them must fit one run (max_batch_tokens; each at most max_seq_len).
 * Arrays are copied.
 */
embert_status embert_set_batch_tokens(embert_context* context, const int32_t* input_ids, const int32_t* token_type_ids,
                                      const size_t* lengths, size_t num_inputs);

/* Sentence embeddings of every packed input: num_inputs x dim floats,
 * row-major, owned by the context (as embert_embed, per input). */
embert_status embert_embed_batch(embert_context* context, embert_pooling pooling, int normalize,
                                 const float** out_embeddings, size_t* out_num_inputs, size_t* out_dim);

/* Sequence classification of every packed input: results[0..num_inputs),
 * each with struct_size set by the caller; num_inputs must equal the packed
 * inputs' count (embert_tokens.num_inputs). Arrays owned by the context. */
embert_status embert_classify_batch(embert_context* context, embert_classification* results, size_t num_inputs);

/* ------------------------------------------------------------------------ */
/* Token classification (named entities, slot filling)                      */
/* ------------------------------------------------------------------------ */

typedef struct embert_token_labels {
  size_t struct_size; /* set by the caller to sizeof(embert_token_labels) */
  size_t count;       /* tokens of the current input, as embert_get_tokens */
  size_t num_labels;
  const float* logits;        /* count x num_labels, row-major */
  const float* probabilities; /* count x num_labels, softmax per token */
  const uint32_t* label_ids;  /* count: each token's top label (embert_model_token_label) */
} embert_token_labels;

/* A label for every token of the current input (special tokens included).
 * EMBERT_STATUS_UNSUPPORTED without a token-classification head. */
embert_status embert_classify_tokens(embert_context* context, embert_token_labels* out_labels);

/* How tokens become entities, as Hugging Face's token-classification
 * pipeline does it ("aggregation_strategy"). */
typedef enum embert_aggregation {
  EMBERT_AGGREGATION_SIMPLE = 0,  /* one entry per run of B-X I-X... tokens; score = mean */
  EMBERT_AGGREGATION_NONE = 1,    /* one entry per token not tagged O; label = its tag */
  EMBERT_AGGREGATION_FIRST = 2,   /* words take their first sub-token's label, then as SIMPLE */
  EMBERT_AGGREGATION_AVERAGE = 3, /* words take the label of their sub-tokens' mean scores */
  EMBERT_AGGREGATION_MAX = 4      /* words take the label of their most confident sub-token */
} embert_aggregation;

/* One entity. This struct never grows (it is an array element). */
typedef struct embert_entity {
  const char* label; /* NONE: the token's tag ("B-PER"); else the group ("PER"). Owned by the model. */
  uint32_t begin;    /* byte range [begin, end) of the entity in the text given to embert_tokenize */
  uint32_t end;
  float score;
  uint32_t first_token; /* token positions, as embert_get_tokens counts them */
  uint32_t last_token;
} embert_entity;

typedef struct embert_entities {
  size_t struct_size; /* set by the caller to sizeof(embert_entities) */
  size_t count;
  const embert_entity* entities; /* in text order; owned by the context */
} embert_entities;

/* Entities of the current input, which must come from embert_tokenize of one
 * text (no pair). Tokens tagged O are left out. */
embert_status embert_extract_entities(embert_context* context, embert_aggregation aggregation,
                                      embert_entities* out_entities);

/* ------------------------------------------------------------------------ */
/* Extractive question answering                                             */
/* ------------------------------------------------------------------------ */

/* Always initialise with embert_qa_options_init (sets struct_size and the
 * defaults of Hugging Face's question-answering pipeline). */
typedef struct embert_qa_options {
  size_t struct_size;
  uint32_t top_k;          /* answers wanted, 1..64; default 1 */
  uint32_t max_answer_len; /* longest answer in tokens; default 15 */
  uint32_t doc_stride;     /* tokens shared by consecutive windows; default
                            EMBERT_QA_DEFAULT_DOC_STRIDE: min(128, max_seq_len / 2) */
} embert_qa_options;

#define EMBERT_QA_DEFAULT_DOC_STRIDE 0xFFFFFFFFu

void embert_qa_options_init(embert_qa_options* options);

/* One answer. This struct never grows (it is an array element). */
typedef struct embert_answer {
  uint32_t begin; /* byte range [begin, end) of the answer in the context text, whole words */
  uint32_t end;
  float score;     /* p(start) * p(end) within its window */
  uint32_t window; /* the window it came from, 0-based */
} embert_answer;

typedef struct embert_answers {
  size_t struct_size;           /* set by the caller to sizeof(embert_answers) */
  size_t count;                 /* at most top_k; fewer when the windows hold fewer candidate spans
                                   (Hugging Face pads with arbitrary zero-score ones) */
  const embert_answer* answers; /* best first; owned by the context */
  size_t windows;               /* windows the context was split into */
  size_t truncated;             /* context tokens beyond max_document_tokens, left out */
} embert_answers;

/*
 * Finds answers to `question` in `context_text` (UTF-8, read during the call).
 * Each window is [CLS] question [SEP] part of the context [SEP] of at most
 * the context's max_seq_len tokens; consecutive windows share doc_stride
 * tokens. The number of windows is at most
 *   1 + ceil((max_document_tokens - W) / (W - doc_stride)),
 * W = max_seq_len - question tokens - 3; everything runs in the arena.
 * The current input is replaced by the last window.
 * Errors: EMBERT_STATUS_UNSUPPORTED without a QA head;
 * EMBERT_STATUS_SEQUENCE_TOO_LONG when the question leaves no room for the
 * context in a window, or the document is longer than max_document_tokens
 * under EMBERT_OVERFLOW_ERROR; EMBERT_STATUS_INVALID_ARGUMENT for an empty
 * context, top_k outside 1..64, max_answer_len 0, or a doc_stride not
 * smaller than W when the context needs more than one window.
 */
embert_status embert_answer_question(embert_context* context, const char* question, size_t question_size,
                                     const char* context_text, size_t context_size, const embert_qa_options* options,
                                     embert_answers* out_answers);

/* ------------------------------------------------------------------------ */
/* Reranking (cross-encoders)                                                */
/* ------------------------------------------------------------------------ */

/*
 * Relevance of each passage to `query` by a cross-encoder: the model's
 * sequence classifier on the pair (query, passage). The score is the sigmoid
 * of the logit for one label, else the probability of the last label.
 * `passages[i]` has `passage_sizes[i]` bytes; both arrays are read during the
 * call. `out_scores` is the caller's, num_passages floats, written in the
 * passages' order. The current input is replaced by the last pair.
 * EMBERT_STATUS_UNSUPPORTED without a classification head.
 */
embert_status embert_rerank(embert_context* context, const char* query, size_t query_size, const char* const* passages,
                            const size_t* passage_sizes, size_t num_passages, float* out_scores);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* EMBERT_EMBERT_H_ */
