// Picks the fastest qgemm kernels for the running CPU.
#include <cpuinfo.h>

#include "backend/qgemm.h"
#include "core/cpu_features.h"

namespace embert::qgemm {

#if defined(EMBERT_HAVE_X86_KERNELS)
const Kernels* BestX86Kernels();  // backend/x86; nullptr when the CPU has no fast path
#endif
#if defined(EMBERT_HAVE_ARM_KERNELS)
const Kernels* BestArmKernels();  // backend/arm
#endif

const Kernels& BestKernels() {
  InitCpuInfo();
#if defined(EMBERT_HAVE_X86_KERNELS)
  if (const Kernels* k = BestX86Kernels()) return *k;
#endif
#if defined(EMBERT_HAVE_ARM_KERNELS)
  if (const Kernels* k = BestArmKernels()) return *k;
#endif
  return ReferenceKernels();
}

}  // namespace embert::qgemm
