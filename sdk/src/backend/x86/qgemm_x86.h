// The x86-64 int8 GEMM kernels, one table per instruction-set level. The
// library is built for baseline x86-64: each level's code carries its own
// per-function target attributes and runs only after the CPU said it can.
#ifndef EMBERT_SDK_BACKEND_X86_QGEMM_X86_H_
#define EMBERT_SDK_BACKEND_X86_QGEMM_X86_H_

#include "backend/qgemm.h"

namespace embert::qgemm {

enum X86Level : int {
  kX86Avx2 = 0,     // vpmaddwd on sign-extended int16 (no saturating vpmaddubsw)
  kX86Avx512Bw,     // the same on 512-bit vectors
  kX86AvxVnni,      // vpdpbusd ymm, VEX encoding (Alder Lake+, Zen 5 desktop)
  kX86AvxVnniEvex,  // the AVX-VNNI kernels' source compiled to the AVX-512 VL
                    // encoding of the same instruction: lets AVX-512 machines
                    // (which often lack AVX-VNNI) test and compare that code
  kX86Avx512Vnni,   // vpdpbusd zmm
  kX86LevelCount
};

// The kernels of `level`, or nullptr if this CPU (or OS) cannot run them.
// Tests and benchmarks use it to run every level the machine supports.
const Kernels* X86KernelsForLevel(int level);

// The fastest level this CPU runs, nullptr if it has not even AVX2.
const Kernels* BestX86Kernels();

}  // namespace embert::qgemm

#endif  // EMBERT_SDK_BACKEND_X86_QGEMM_X86_H_
