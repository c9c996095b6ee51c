// The pieces each x86 level's table is made of (internal to backend/x86).
// Every function here runs only on a CPU that has the named instructions.
#ifndef EMBERT_SDK_BACKEND_X86_KERNELS_X86_H_
#define EMBERT_SDK_BACKEND_X86_KERNELS_X86_H_

#include "backend/qgemm.h"

namespace embert::qgemm::x86 {

// Row quantizers, bit-exact with ReferenceKernels().quantize.
void QuantizeAvx2(const QuantizeArgs& args);    // avx2, fma
void QuantizeAvx512(const QuantizeArgs& args);  // avx512f, avx512bw

const Kernels& Avx2Kernels();
const Kernels& Avx512BwKernels();
const Kernels& AvxVnniKernels();
const Kernels& AvxVnniEvexKernels();
const Kernels& Avx512VnniKernels();

}  // namespace embert::qgemm::x86

#endif  // EMBERT_SDK_BACKEND_X86_KERNELS_X86_H_
