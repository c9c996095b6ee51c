/*
 * embert_experimental.h: EXPERIMENTAL interfaces of embert.
 *
 * UNSTABLE ABI: what is declared here may change or disappear in any
 * release, minor or patch, without notice. It exists for tools built with
 * the same version of the library (bert-convert records activation ranges
 * through it); applications should use <embert/embert.h> only.
 */
#ifndef EMBERT_EMBERT_EXPERIMENTAL_H_
#define EMBERT_EMBERT_EXPERIMENTAL_H_

#include <stddef.h>
#include <stdint.h>

#include "embert/embert.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The intermediate activations of one encoder pass an observer sees, in the
 * order the encoder produces them. All but the first are per layer. */
typedef enum embert_observation_point {
  EMBERT_OBSERVE_EMBEDDINGS_OUTPUT = 0,      /* the embeddings after their LayerNorm (layer 0) */
  EMBERT_OBSERVE_ATTENTION_INPUT = 1,        /* the input of the query/key/value projections */
  EMBERT_OBSERVE_ATTENTION_OUTPUT_INPUT = 2, /* attention's result: the output projection's input */
  EMBERT_OBSERVE_ATTENTION_NORM_INPUT = 3,   /* residual sum before the attention LayerNorm */
  EMBERT_OBSERVE_INTERMEDIATE_INPUT = 4,     /* the input of the FFN's first projection */
  EMBERT_OBSERVE_INTERMEDIATE_OUTPUT = 5,    /* that projection's output, before the activation */
  EMBERT_OBSERVE_OUTPUT_INPUT = 6,           /* after the activation: the FFN output projection's input */
  EMBERT_OBSERVE_OUTPUT_NORM_INPUT = 7,      /* residual sum before the output LayerNorm */
  EMBERT_OBSERVE_LAYER_OUTPUT = 8,           /* the layer's output */
  EMBERT_OBSERVATION_POINT_COUNT = 9
} embert_observation_point;

/*
 * Called during an encoder pass, on the calling thread, once per point and
 * layer (layers from 0). The activation is `rows` x `cols` floats with row
 * stride `stride`; when `addend` is not NULL the observed value is
 * values + addend element by element (a residual sum before LayerNorm, which
 * the kernels never materialise). The pointers are valid during the call only.
 */
typedef void (*embert_observer)(void* user, embert_observation_point point, uint32_t layer, const float* values,
                                const float* addend, size_t rows, size_t cols, size_t stride);

/*
 * Registers `observer` (NULL: none, the default) on `ctx`; it sees the
 * encoder passes that follow. EMBERT_STATUS_INVALID_ARGUMENT if ctx is NULL.
 */
embert_status embert_experimental_set_observer(embert_context* ctx, embert_observer observer, void* user);

#ifdef __cplusplus
}
#endif

#endif /* EMBERT_EMBERT_EXPERIMENTAL_H_ */
