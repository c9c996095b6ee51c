// Masked multi-head self-attention on projected Q, K and V.
#ifndef EMBERT_SDK_KERNELS_ATTENTION_H_
#define EMBERT_SDK_KERNELS_ATTENTION_H_

#include <cstddef>
#include <cstdint>

namespace embert::kernels {

struct AttentionArgs {
  const float* q;  // [seq][stride], head h at columns [h*head_dim, (h+1)*head_dim)
  const float* k;
  const float* v;
  size_t qkv_stride;
  const int32_t* mask;  // [seq], 0 = padding nobody attends to; nullptr = all 1
  float* out;           // [seq][out_stride], heads concatenated
  size_t out_stride;
  size_t seq;
  size_t heads;
  size_t head_dim;
  float* scores;  // scratch of AttentionScratchFloats(seq, head_dim) floats
};

// Query rows are processed in blocks of up to kAttentionRows (8 with
// AVX-512, 4 elsewhere), key positions in lanes of kAttentionLanes (one
// AVX-512 register of floats).
#if defined(__x86_64__)
constexpr size_t kAttentionRows = 8;
#else
constexpr size_t kAttentionRows = 4;
#endif
constexpr size_t kAttentionLanes = 16;

// Scratch one call of Attention needs (per thread): K^T and V of one head,
// the scores of one block of query rows (rows padded to whole lanes) and
// that block's scaled queries.
inline size_t AttentionScratchFloats(size_t seq, size_t head_dim) {
  const size_t padded = (seq + kAttentionLanes - 1) / kAttentionLanes * kAttentionLanes;
  return padded * (2 * head_dim + kAttentionRows) + kAttentionRows * head_dim;
}

// softmax(Q K^T / sqrt(head_dim) + mask) V for every head; heads [h0, h1).
void Attention(const AttentionArgs& args, size_t h0, size_t h1);

}  // namespace embert::kernels

#endif  // EMBERT_SDK_KERNELS_ATTENTION_H_
