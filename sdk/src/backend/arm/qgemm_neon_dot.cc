// The dot-product kernel level (ARMv8.2 SDOT: Cortex-A76 of the Raspberry
// Pi 5, A55, A78...): neon_tiles.h's tiles with one SDOT per row, channel
// and 16 bytes of K. The whole file is compiled for armv8.2-a+dotprod and
// runs only where the CPU has it (ArmKernels, qgemm_neon.cc); the A72 of
// the Pi 4 runs qgemm_neon.cc's level.
#if defined(__aarch64__)
#pragma GCC target("arch=armv8.2-a+dotprod")

#include "backend/arm/neon_tiles.h"

namespace embert::qgemm::neon {
namespace {

struct SdotStep {
  static constexpr size_t kRows = 6;
  static inline int32x4_t Dot16(int32x4_t acc, int8x16_t a, int8x16_t w) { return vdotq_s32(acc, a, w); }
};

}  // namespace

void GemmDot(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  GemmPanels<SdotStep>(g, m0, m1, n0, n1);
}

}  // namespace embert::qgemm::neon

#endif  // __aarch64__
