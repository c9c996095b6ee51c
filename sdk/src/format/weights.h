// Plain views of the weights of a .embert file, as the kernels and the
// backend read them: pointers into the mapped file (or the arena) and their
// shapes, no FlatBuffers types. model/ fills them from the verified file.
#ifndef EMBERT_SDK_FORMAT_WEIGHTS_H_
#define EMBERT_SDK_FORMAT_WEIGHTS_H_

#include <cstdint>

namespace embert {

// A 2-D weight: fp32 rows, or int8 rows with one scale per row.
struct MatrixView {
  bool int8 = false;
  uint8_t layout = 0;  // schema::Layout: 0 row-major, else packed (int8 linear weights only)
  const void* data = nullptr;
  const float* scales = nullptr;  // int8 only
  uint32_t rows = 0;
  uint32_t cols = 0;
};

struct LinearView {
  MatrixView weight;  // [out][in]
  const float* bias = nullptr;
  const float* smoothing = nullptr;  // [in] divisors, or nullptr
  float input_scale = 0;             // > 0: static activation scale (int8 only)
  uint32_t in = 0;
  uint32_t out = 0;
};

struct LayerNormView {
  const float* gamma = nullptr;
  const float* beta = nullptr;
};

struct EmbeddingsView {
  MatrixView word;                    // [vocab][width]
  const float* position = nullptr;    // [max_positions][width]
  const float* token_type = nullptr;  // [type_vocab][width]
  LayerNormView norm;                 // [width]
  // width = the embedding size; when it is not the hidden size, the
  // normalised embeddings go through this [hidden, width] layer (ELECTRA).
  bool has_projection = false;
  LinearView projection;
};

}  // namespace embert

#endif  // EMBERT_SDK_FORMAT_WEIGHTS_H_
