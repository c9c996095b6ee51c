// x86 kernel choice from the CPU's features (cpuinfo).
#include <cpuinfo.h>

#include "backend/cpu_features.h"
#include "backend/qgemm.h"

namespace embert::qgemm {

const Kernels& Avx512VnniKernels();

const Kernels* BestX86Kernels() {
  if (!InitCpuInfo()) return nullptr;
  if (cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512bw() && cpuinfo_has_x86_avx512vnni() &&
      cpuinfo_has_x86_fma3()) {
    return &Avx512VnniKernels();
  }
  return nullptr;
}

}  // namespace embert::qgemm
