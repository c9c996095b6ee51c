// What the running CPU offers, for kernel selection and for telling users
// which path ran (the first question behind every "int8 is slow on my Pi").
// The SDK's one CPU probe: the int8 level tables (backend/x86, backend/arm)
// and the fp32 kernels' ARMv7 FMA dispatch (kernels/fused_dispatch.h) ask
// cpuinfo through here. (x86's target_clones pick their clone with GCC's own
// probe, and attention.cc asks that same probe, __builtin_cpu_supports, so
// that its tile width always matches the clone that runs.)
#ifndef EMBERT_SDK_CORE_CPU_FEATURES_H_
#define EMBERT_SDK_CORE_CPU_FEATURES_H_

#include <cstddef>

namespace embert {

// Initialises cpuinfo once per process; false if it could not read the CPU.
bool InitCpuInfo();

// e.g. "x86-64: avx2 avx512f avx512vnni" or "aarch64: neon dot fp16". Writes
// a NUL-terminated string of at most `size` bytes.
void DescribeCpu(char* out, size_t size);

// ARMv7 with VFPv4 (fused multiply-add): every Raspberry Pi from the Pi 2.
// False elsewhere and when cpuinfo cannot read the CPU.
bool CpuHasArmVfpv4();

}  // namespace embert

#endif  // EMBERT_SDK_CORE_CPU_FEATURES_H_
