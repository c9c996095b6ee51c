// The embedding layer: word + position + token type, then LayerNorm.
#ifndef EMBERT_SDK_KERNELS_EMBEDDING_H_
#define EMBERT_SDK_KERNELS_EMBEDDING_H_

#include <cstddef>
#include <cstdint>

#include "format/weights.h"

namespace embert::kernels {

// ids and type_ids were checked against the vocabularies by the caller;
// type_ids nullptr: every token has type 0. `hidden` is the tables' width.
void Embed(const EmbeddingsView& e, size_t hidden, const int32_t* ids, const int32_t* type_ids, size_t seq, float eps,
           float* out);

// Row `row` of a weight matrix as floats (dequantized when int8).
void MatrixRow(const MatrixView& m, size_t row, float* out);

}  // namespace embert::kernels

#endif  // EMBERT_SDK_KERNELS_EMBEDDING_H_
