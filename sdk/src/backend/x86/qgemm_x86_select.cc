// x86 level choice from the CPU's features (cpuinfo; AVX-VNNI by CPUID, which
// Debian 12's cpuinfo does not report).
#include "backend/x86/qgemm_x86.h"

#include <cpuid.h>
#include <cpuinfo.h>

#include <initializer_list>

#include "backend/x86/kernels_x86.h"
#include "core/cpu_features.h"

namespace embert::qgemm {
namespace {

// CPUID.(EAX=7, ECX=1):EAX bit 4. The OS side (saved YMM state) is what
// cpuinfo already checked for AVX2.
bool HasAvxVnni() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) return false;
  return (eax & (1u << 4)) != 0;
}

bool CanRun(int level) {
  if (!InitCpuInfo()) return false;
  const bool avx2 = cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
  const bool avx512 = avx2 && cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512bw() && cpuinfo_has_x86_avx512vl();
  switch (level) {
    case kX86Avx2: return avx2;
    case kX86Avx512Bw: return avx512;
    case kX86AvxVnni: return avx2 && HasAvxVnni();
    case kX86AvxVnniEvex:
    case kX86Avx512Vnni: return avx512 && cpuinfo_has_x86_avx512vnni();
    default: return false;
  }
}

}  // namespace

const Kernels* X86KernelsForLevel(int level) {
  if (!CanRun(level)) return nullptr;
  switch (level) {
    case kX86Avx2: return &x86::Avx2Kernels();
    case kX86Avx512Bw: return &x86::Avx512BwKernels();
    case kX86AvxVnni: return &x86::AvxVnniKernels();
    case kX86AvxVnniEvex: return &x86::AvxVnniEvexKernels();
    case kX86Avx512Vnni: return &x86::Avx512VnniKernels();
    default: return nullptr;
  }
}

const Kernels* BestX86Kernels() {
  // Fastest first. The EVEX build of the AVX-VNNI code is never preferred:
  // where it runs, the 512-bit kernels do too.
  for (int level : {kX86Avx512Vnni, kX86AvxVnni, kX86Avx512Bw, kX86Avx2}) {
    if (const Kernels* k = X86KernelsForLevel(level)) return k;
  }
  return nullptr;
}

}  // namespace embert::qgemm
