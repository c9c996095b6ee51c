// Shared pieces of the qgemm level tests: the levels as test parameters,
// packed weights in an aligned buffer, and bitwise float comparison.
#ifndef EMBERT_TESTS_BACKEND_QGEMM_TEST_UTIL_H_
#define EMBERT_TESTS_BACKEND_QGEMM_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backend/qgemm.h"
#if defined(__x86_64__)
#include "backend/x86/qgemm_x86.h"
#else
#include "backend/arm/qgemm_arm.h"
#endif

namespace embert::qgemm {

// The levels of this architecture's kernel table (backend/<arch>/qgemm_<arch>.h).
#if defined(__x86_64__)
constexpr int kLevelCount = kX86LevelCount;
inline const Kernels* KernelsForLevel(int level) { return X86KernelsForLevel(level); }
inline std::string LevelName(const testing::TestParamInfo<int>& info) {
  static const char* const kNames[] = {"Avx2", "Avx512Bw", "AvxVnni", "AvxVnniEvex", "Avx512Vnni"};
  return kNames[info.param];
}
#else
constexpr int kLevelCount = kArmLevelCount;
inline const Kernels* KernelsForLevel(int level) { return ArmKernelsForLevel(level); }
inline std::string LevelName(const testing::TestParamInfo<int>& info) {
  static const char* const kNames[] = {"Neon", "NeonVfpv4", "NeonDot"};
  return kNames[info.param];
}
#endif

// A test over every level of this architecture; levels this CPU cannot run are skipped (and
// say so), never silently passed.
class LevelTest : public testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    kernels_ = KernelsForLevel(GetParam());
    if (kernels_ == nullptr) GTEST_SKIP() << "this CPU cannot run level " << GetParam();
  }
  const Kernels& k() const { return *kernels_; }

 private:
  const Kernels* kernels_ = nullptr;
};

// Weights in the level's packed form (64-byte aligned, as the arena gives).
class Packed {
 public:
  Packed(const Kernels& k, const std::vector<int8_t>& w, size_t n, size_t kk) {
    const size_t bytes = k.packed_size(n, kk);
    if (bytes == 0) {
      data_ = const_cast<int8_t*>(w.data());
      return;
    }
    owned_ = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    k.pack(w.data(), n, kk, owned_);
    data_ = owned_;
  }
  ~Packed() { std::free(owned_); }
  Packed(const Packed&) = delete;
  Packed& operator=(const Packed&) = delete;
  const void* data() const { return data_; }

 private:
  void* owned_ = nullptr;
  void* data_ = nullptr;
};

// Rows of activations ([rows][stride]) in `layout`, whole quads of rows for
// kRowQuads, as a level's quantizer writes them. The rest of the last quad
// is junk, as in a context's buffer: kernels must not let it through.
inline std::vector<int8_t> InLayout(ActivationLayout layout, const std::vector<int8_t>& a, size_t rows, size_t stride) {
  std::vector<int8_t> out(RowsToPlan(rows) * stride, 0x55);
  for (size_t m = 0; m < rows; ++m) WriteRowBytes(layout, out.data(), stride, m, 0, a.data() + m * stride, stride);
  return out;
}

// The inverse: [rows][stride] rows from a buffer in `layout`.
inline std::vector<int8_t> FromLayout(ActivationLayout layout, const std::vector<int8_t>& q, size_t rows,
                                      size_t stride) {
  std::vector<int8_t> out(rows * stride);
  for (size_t m = 0; m < rows; ++m) {
    for (size_t k = 0; k < stride; ++k) out[m * stride + k] = q[ActivationOffset(layout, m, k, stride)];
  }
  return out;
}

// Index of the first float that differs bit for bit, or -1.
inline long FirstBitDifference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return static_cast<long>(i);
  }
  return -1;
}

}  // namespace embert::qgemm

#endif  // EMBERT_TESTS_BACKEND_QGEMM_TEST_UTIL_H_
