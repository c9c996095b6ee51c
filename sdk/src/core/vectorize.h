// Compiles a function for several x86 vector widths and picks one at load
// time (GCC/Clang function multi-versioning), so loops the compiler can
// vectorise use AVX-512 or AVX2 where the CPU has them while the library
// still runs on any x86-64. Element-wise IEEE operations give the same
// results in every clone (the SDK builds with -ffp-contract=off; attention.cc
// and gelu.cc are contracted and have their own clones: kernels/fused_dispatch.h).
#ifndef EMBERT_SDK_CORE_VECTORIZE_H_
#define EMBERT_SDK_CORE_VECTORIZE_H_

#if defined(__x86_64__) && !defined(EMBERT_NO_TARGET_CLONES) && \
    (defined(__clang__) ? __clang_major__ >= 14 : defined(__GNUC__))
#define EMBERT_VECTORIZE __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define EMBERT_VECTORIZE
#endif

#endif  // EMBERT_SDK_CORE_VECTORIZE_H_
