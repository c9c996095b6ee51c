// What the running CPU offers, for kernel selection and for telling users
// which path ran (the first question behind every "int8 is slow on my Pi").
#ifndef EMBERT_SDK_BACKEND_CPU_FEATURES_H_
#define EMBERT_SDK_BACKEND_CPU_FEATURES_H_

#include <cstddef>

namespace embert {

// Initialises cpuinfo once per process; false if it could not read the CPU.
bool InitCpuInfo();

// e.g. "x86-64: avx2 avx512f avx512vnni" or "aarch64: neon dot fp16". Writes
// a NUL-terminated string of at most `size` bytes.
void DescribeCpu(char* out, size_t size);

}  // namespace embert

#endif  // EMBERT_SDK_BACKEND_CPU_FEATURES_H_
