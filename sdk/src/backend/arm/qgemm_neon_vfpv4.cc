// The baseline SMULL/SMLAL level again, for ARMv7 cores with VFPv4 (every
// Raspberry Pi from the 2, and any ARMv8 core in 32-bit state): this file
// is compiled with -mfpu=neon-vfpv4 (backend/arm/CMakeLists.txt), so the
// epilogue is neon_tiles.h's vector fused multiply-add instead of a libm
// fmaf call per output. An armhf build targets ARMv7 + NEON without VFPv4
// (Cortex-A8, A9), so ArmKernelsForLevel picks this level by the CPU's
// features at run time. The results are the same bits either way.
#if defined(__arm__) && defined(__ARM_FEATURE_FMA)

#include "backend/arm/neon_tiles.h"

namespace embert::qgemm::neon {

void GemmMlalVfpv4(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  GemmPanels<MlalStep>(g, m0, m1, n0, n1);
}

}  // namespace embert::qgemm::neon

#endif
