// The ARM kernel levels for the int8 arithmetic of qgemm.h (ARMv7 with NEON
// and AArch64): the baseline NEON level (SMULL/SMLAL, every Pi from the 2),
// the AArch64 quantizer, and the level tables (qgemm_arm.h).
// The SMLAL tiles and their access order are in neon_tiles.h; the
// dot-product level in qgemm_neon_dot.cc.
#if defined(__ARM_NEON) || defined(__ARM_NEON__)

#include <cpuinfo.h>

#include <cstring>
#include <initializer_list>
#include <type_traits>

#include "backend/arm/neon_tiles.h"
#include "backend/arm/qgemm_arm.h"
#include "core/cpu_features.h"

namespace embert::qgemm {
namespace neon {

#if defined(__aarch64__)
void GemmDot(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1);  // qgemm_neon_dot.cc
#else
void GemmMlalVfpv4(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1);  // qgemm_neon_vfpv4.cc
#endif

namespace {

void GemmMlal(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  GemmPanels<MlalStep>(g, m0, m1, n0, n1);
}

#if defined(__aarch64__)
// The reference quantizer's arithmetic (qgemm_reference.cc) 16 values at a
// time, bit for bit:
// - the maximum: FMAXNM per lane keeps the reference's "a NaN never wins"
//   (it returns the number; the running maximum is never a NaN, and |x| is
//   never -0); a maximum does not depend on the order it is taken in;
// - the values: FMAXNM / FMINNM clamp to [-127, 127] first (they return the
//   number where the reference's comparisons send a NaN to -127; a product
//   is never a signalling NaN), then adding 1.5 * 2^23 rounds to an integer
//   to nearest-even, as the reference's nearbyint in the default rounding
//   mode (the SDK's arithmetic assumes it), and leaves it in the low mantissa bits, so its
//   low byte is the int8 (two's complement, the exponent bits are 0x4B4...)
//   and truncating narrows (UZP1) keep it. Two vector cycles fewer per 16
//   values than FCVTNS and saturating narrows on the A76 model, where FCVTNS
//   takes two cycles of one pipe.
// AArch64 only: ARMv7 NEON flushes subnormals to zero where the reference
// (VFP) keeps them. kMul: the per-column multiplier (smoothing), hoisted out
// of the loops so that each is one straight block. kQuads: the row goes to
// row m of a kRowQuads buffer (qgemm.h), each 16 values as 4 stores of 4.
template <bool kMul, bool kQuads>
void QuantizeRow(const float* x, const float* mul, size_t cols, int8_t* q, size_t q_stride, size_t m, float* scale) {
  constexpr ActivationLayout kLayout = kQuads ? ActivationLayout::kRowQuads : ActivationLayout::kRows;
  const size_t c16 = cols / 16 * 16;
  auto load = [&](size_t c) {
    const float32x4_t v = vld1q_f32(x + c);
    return kMul ? vmulq_f32(v, vld1q_f32(mul + c)) : v;
  };
  float32x4_t lane_max[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
  for (size_t c = 0; c < c16; c += 16) {
    for (size_t u = 0; u < 4; ++u) {
      lane_max[u] = vmaxnmq_f32(lane_max[u], vabsq_f32(load(c + 4 * u)));
    }
  }
  for (size_t u = 1; u < 4; ++u) {
    lane_max[0] = vbslq_f32(vcgtq_f32(lane_max[u], lane_max[0]), lane_max[u], lane_max[0]);
  }
  float absmax = vmaxvq_f32(lane_max[0]);  // no lane holds a NaN
  for (size_t c = c16; c < cols; ++c) {
    const float a = std::fabs(kMul ? x[c] * mul[c] : x[c]);
    absmax = a > absmax ? a : absmax;
  }
  if (absmax == 0.0f || !std::isfinite(absmax)) {
    WriteRowBytes(kLayout, q, q_stride, m, 0, nullptr, q_stride);
    *scale = absmax == 0.0f ? 0.0f : absmax;
    return;
  }
  const float inv = 127.0f / absmax;
  const float32x4_t lo = vdupq_n_f32(-127.0f), hi = vdupq_n_f32(127.0f), magic = vdupq_n_f32(12582912.0f);
  int8_t* row = q + ActivationOffset(kLayout, m, 0, q_stride);
  // kHigh: clamp at 127 too. Only needed when inv overflowed (absmax below
  // 127 / FLT_MAX): otherwise |x| <= absmax makes |x * inv| at most 127 and
  // an ulp, which rounds to 127 (4 of 23 vector operations per 16 values).
  auto values = [&](auto high) {
    constexpr bool kHigh = decltype(high)::value;
    for (size_t c = 0; c < c16; c += 16) {
      int32x4_t t[4];
      for (size_t u = 0; u < 4; ++u) {
        float32x4_t v = vmaxnmq_f32(vmulq_n_f32(load(c + 4 * u), inv), lo);
        if constexpr (kHigh) v = vminnmq_f32(v, hi);
        t[u] = vreinterpretq_s32_f32(vaddq_f32(v, magic));
      }
      const int16x8_t h0 = vuzp1q_s16(vreinterpretq_s16_s32(t[0]), vreinterpretq_s16_s32(t[1]));
      const int16x8_t h1 = vuzp1q_s16(vreinterpretq_s16_s32(t[2]), vreinterpretq_s16_s32(t[3]));
      const int8x16_t b = vuzp1q_s8(vreinterpretq_s8_s16(h0), vreinterpretq_s8_s16(h1));
      if constexpr (kQuads) {
        // Values c..c+15 are 4 steps of 4: one 4-byte lane per 16-byte step.
        int8_t* dst = row + c * 4;
        vst1q_lane_s32(reinterpret_cast<int32_t*>(dst), vreinterpretq_s32_s8(b), 0);
        vst1q_lane_s32(reinterpret_cast<int32_t*>(dst + 16), vreinterpretq_s32_s8(b), 1);
        vst1q_lane_s32(reinterpret_cast<int32_t*>(dst + 32), vreinterpretq_s32_s8(b), 2);
        vst1q_lane_s32(reinterpret_cast<int32_t*>(dst + 48), vreinterpretq_s32_s8(b), 3);
      } else {
        vst1q_s8(row + c, b);
      }
    }
  };
  if (std::isfinite(inv)) {
    values(std::false_type{});
  } else {
    values(std::true_type{});
  }
  for (size_t c = c16; c < cols; ++c) {
    const float v = kMul ? x[c] * mul[c] : x[c];
    float t = std::nearbyint(v * inv);
    t = t >= -127.0f ? t : -127.0f;
    t = t <= 127.0f ? t : 127.0f;
    const int8_t b = static_cast<int8_t>(t);
    WriteRowBytes(kLayout, q, q_stride, m, c, &b, 1);
  }
  WriteRowBytes(kLayout, q, q_stride, m, cols, nullptr, q_stride - cols);
  *scale = absmax / 127.0f;
}

template <bool kQuads>
void QuantizeRowsIn(const QuantizeArgs& args) {
  for (size_t r = 0; r < args.rows; ++r) {
    const float* x = args.x + r * args.x_stride;
    const size_t m = args.first_row + r;
    if (args.mul != nullptr) {
      QuantizeRow<true, kQuads>(x, args.mul, args.cols, args.q, args.q_stride, m, args.scales + r);
    } else {
      QuantizeRow<false, kQuads>(x, nullptr, args.cols, args.q, args.q_stride, m, args.scales + r);
    }
  }
}

void QuantizeRows(const QuantizeArgs& args) {
  if (args.layout == ActivationLayout::kRowQuads) {
    QuantizeRowsIn<true>(args);
  } else {
    QuantizeRowsIn<false>(args);
  }
}
#endif

size_t NoPacking(size_t, size_t) { return 0; }

#if !defined(__aarch64__)
void QuantizeRows(const QuantizeArgs& args) { ReferenceKernels().quantize(args); }
#endif

}  // namespace
}  // namespace neon

const Kernels* ArmKernelsForLevel(int level) {
  if (!InitCpuInfo() || !cpuinfo_has_arm_neon()) return nullptr;
  static const Kernels mlal = {"neon",         neon::NoPacking, nullptr, neon::QuantizeRows,
                               neon::GemmMlal, neon::kChannels, 0};
  switch (level) {
    case kArmNeon: return &mlal;
#if defined(__arm__)
    case kArmNeonVfpv4: {
      static const Kernels vfpv4 = {"neon-vfpv4",        neon::NoPacking, nullptr, neon::QuantizeRows,
                                    neon::GemmMlalVfpv4, neon::kChannels, 0};
      return CpuHasArmVfpv4() ? &vfpv4 : nullptr;
    }
#endif
#if defined(__aarch64__)
    case kArmNeonDot: {
      // 8-channel panels; activations in row quads (qgemm_neon_dot.cc).
      static const Kernels dot = {
          "neon-dot", neon::NoPacking, nullptr, neon::QuantizeRows, neon::GemmDot, 8, 0, ActivationLayout::kRowQuads};
      return cpuinfo_has_arm_neon_dot() ? &dot : nullptr;
    }
#endif
    default: return nullptr;
  }
}

const Kernels* BestArmKernels() {
  for (int level : {kArmNeonDot, kArmNeonVfpv4, kArmNeon}) {
    if (const Kernels* k = ArmKernelsForLevel(level)) return k;
  }
  return nullptr;
}

}  // namespace embert::qgemm

#endif  // __ARM_NEON
