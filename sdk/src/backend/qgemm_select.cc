// Picks the fastest qgemm kernels for the running CPU.
#include "backend/qgemm.h"

namespace embert::qgemm {

#if defined(EMBERT_HAVE_X86_KERNELS)
const Kernels* BestX86Kernels();  // backend/x86; nullptr when the CPU has no fast path
#endif

const Kernels& BestKernels() {
#if defined(EMBERT_HAVE_X86_KERNELS)
  if (const Kernels* k = BestX86Kernels()) return *k;
#endif
  return ReferenceKernels();
}

}  // namespace embert::qgemm
