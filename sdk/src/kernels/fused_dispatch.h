// Kernels built with FMA contraction (gelu.cc, attention.cc; see
// kernels/CMakeLists.txt) use fused multiply-adds on every CPU that has
// them, so that all these CPUs compute the same bits: int8 re-quantizes
// these kernels' outputs, and a rounding difference there can move a value
// by one quantization step. Only x86-64 without FMA (before 2013) and ARMv7
// without VFPv4 (Cortex-A8, A9) keep separate multiplies and adds and may
// differ by such steps. aarch64 always has FMA.
//
// Such a kernel compiles its body (an inline function) into:
// - x86-64: EMBERT_FMA_CLONES, clones for AVX-512, FMA and the baseline.
//   Not EMBERT_VECTORIZE's "avx2" clone: a CPU with AVX2 and FMA would pick
//   it over an "fma" one, and "avx2" alone does not enable FMA.
// - ARMv7 builds without FMA (any ARMv7 with NEON): a second copy with
//   EMBERT_VFPV4_TARGET, called when CpuHasVfpv4() (every Raspberry Pi from
//   the Pi 2 on).
#ifndef EMBERT_SDK_KERNELS_FUSED_DISPATCH_H_
#define EMBERT_SDK_KERNELS_FUSED_DISPATCH_H_

#if defined(__x86_64__) && !defined(EMBERT_NO_TARGET_CLONES) && \
    (defined(__clang__) ? __clang_major__ >= 14 : defined(__GNUC__))
#define EMBERT_FMA_CLONES __attribute__((target_clones("avx512f", "fma", "default")))
#elif defined(__arm__) && !defined(__ARM_FEATURE_FMA)
#include "core/cpu_features.h"

#define EMBERT_VFPV4_TARGET __attribute__((target("fpu=neon-vfpv4")))

namespace embert::kernels {

// The same probe as the int8 levels' neon-vfpv4 entry (core/cpu_features.h).
inline bool CpuHasVfpv4() { return CpuHasArmVfpv4(); }

}  // namespace embert::kernels
#endif

#endif  // EMBERT_SDK_KERNELS_FUSED_DISPATCH_H_
