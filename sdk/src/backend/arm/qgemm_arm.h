// The ARM int8 GEMM kernels, one table per level, in the manner of
// backend/x86/qgemm_x86.h: tests and benchmarks run every level the CPU
// supports, selection takes the fastest.
#ifndef EMBERT_SDK_BACKEND_ARM_QGEMM_ARM_H_
#define EMBERT_SDK_BACKEND_ARM_QGEMM_ARM_H_

#include "backend/qgemm.h"

namespace embert::qgemm {

enum ArmLevel : int {
  kArmNeon = 0,   // SMULL/SMLAL + SADALP: every NEON core (Pi 2-4: Cortex-A7, A53, A72)
  kArmNeonVfpv4,  // the same with a vector fma epilogue, ARMv7 builds on VFPv4 cores
                  // (every Pi from the 2); AArch64's kArmNeon has it already
  kArmNeonDot,    // SDOT (ARMv8.2 dot product, AArch64 builds): Pi 5's Cortex-A76
  kArmLevelCount
};

// The kernels of `level`, or nullptr if this CPU (or build) cannot run them.
const Kernels* ArmKernelsForLevel(int level);

// The fastest level this CPU runs, nullptr without NEON.
const Kernels* BestArmKernels();

}  // namespace embert::qgemm

#endif  // EMBERT_SDK_BACKEND_ARM_QGEMM_ARM_H_
