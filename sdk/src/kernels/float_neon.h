// The fp32 kernels around the int8 GEMMs written for aarch64's 128-bit NEON
// registers (float_neon.cc), and the generic Lanes versions they replace
// there, kept callable so that tests can compare the two bit for bit.
//
// Why separate kernels: Lanes (core/lanes.h) is 16 floats, one AVX-512
// register; on NEON each Lanes is four q registers, and the 4-row blocks of
// running sums sized for AVX-512 did not fit in aarch64's 32 registers: GCC
// kept them on the stack (attention's hot loop: 16 FMLA, 28 loads, 15
// stores), and the vector selects of FastExp / FastGeluErf were split into
// scalar compares. The NEON kernels do the same operations in the same order
// (the same fused multiply-adds, the same 16 softmax partials reduced by the
// same halves), so every output has the generic kernels' bits.
//
// armhf keeps the generic kernels: ARMv7 NEON has 16 q registers and only
// the VFPv4 copy fuses (kernels/fused_dispatch.h); it is not covered here.
#ifndef EMBERT_SDK_KERNELS_FLOAT_NEON_H_
#define EMBERT_SDK_KERNELS_FLOAT_NEON_H_

#if defined(__aarch64__) && defined(__ARM_NEON)
#define EMBERT_FLOAT_NEON 1

#include <cstddef>

#include "kernels/attention.h"

namespace embert::kernels {

// What Attention, GeluErf and AddLayerNorm run on aarch64.
void AttentionNeon(const AttentionArgs& args, size_t h0, size_t h1);
void GeluErfNeon(float* x, size_t x_stride, size_t rows, size_t cols);
void AddLayerNormNeon(float* x, size_t x_stride, const float* residual, size_t residual_stride, size_t rows,
                      size_t cols, const float* gamma, const float* beta, float eps);

// The generic (Lanes) kernels, the reference the NEON ones must equal.
void AttentionLanes(const AttentionArgs& args, size_t h0, size_t h1);
void GeluErfLanes(float* x, size_t x_stride, size_t rows, size_t cols);
void AddLayerNormLanes(float* x, size_t x_stride, const float* residual, size_t residual_stride, size_t rows,
                       size_t cols, const float* gamma, const float* beta, float eps);

}  // namespace embert::kernels

#endif

#endif  // EMBERT_SDK_KERNELS_FLOAT_NEON_H_
