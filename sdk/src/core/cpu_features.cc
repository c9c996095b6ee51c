#include "core/cpu_features.h"

#include <cpuinfo.h>

#include <cstdio>
#include <cstring>
#include <mutex>

namespace embert {

bool InitCpuInfo() {
  static bool ok = false;
  static std::once_flag once;
  std::call_once(once, [] { ok = cpuinfo_initialize(); });
  return ok;
}

bool CpuHasArmVfpv4() {
#if CPUINFO_ARCH_ARM
  static const bool vfpv4 = InitCpuInfo() && cpuinfo_has_arm_vfpv4();
  return vfpv4;
#else
  return false;
#endif
}

void DescribeCpu(char* out, size_t size) {
  if (size == 0) return;
  out[0] = '\0';
  if (!InitCpuInfo()) {
    std::snprintf(out, size, "unknown CPU (cpuinfo failed)");
    return;
  }
  size_t used = 0;
  auto add = [&](bool has, const char* name) {
    if (!has || used + 1 >= size) return;
    const int n = std::snprintf(out + used, size - used, "%s%s", used ? " " : "", name);
    if (n > 0) used += static_cast<size_t>(n) < size - used ? static_cast<size_t>(n) : size - used - 1;
  };
#if CPUINFO_ARCH_X86_64 || CPUINFO_ARCH_X86
  add(true, "x86-64:");
  add(cpuinfo_has_x86_sse4_1(), "sse4.1");
  add(cpuinfo_has_x86_avx2(), "avx2");
  add(cpuinfo_has_x86_fma3(), "fma");
  add(cpuinfo_has_x86_avx512f(), "avx512f");
  add(cpuinfo_has_x86_avx512bw(), "avx512bw");
  add(cpuinfo_has_x86_avx512vnni(), "avx512vnni");
#elif CPUINFO_ARCH_ARM64
  add(true, "aarch64:");
  add(cpuinfo_has_arm_neon(), "neon");
  add(cpuinfo_has_arm_neon_dot(), "dot");
  add(cpuinfo_has_arm_neon_fp16_arith(), "fp16");
#elif CPUINFO_ARCH_ARM
  add(true, "arm:");
  add(cpuinfo_has_arm_neon(), "neon");
  add(cpuinfo_has_arm_vfpv4(), "vfpv4");
  add(cpuinfo_has_arm_neon_dot(), "dot");
#else
  add(true, "cpu:");
#endif
}

}  // namespace embert
