// The NEON kernels (with and without dot product) against the reference
// kernels that define the int8 arithmetic: equal to the bit.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "backend/cpu_features.h"
#include "backend/qgemm.h"

#include <cpuinfo.h>

namespace embert::qgemm {
const Kernels* ArmKernels(bool has_dot);

namespace {

void Check(const Kernels& k, size_t M, size_t N, size_t K, uint32_t seed, bool bias) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> q(-127, 127);
  std::normal_distribution<float> f(0.0f, 1.0f);
  const size_t stride = PaddedK(K);
  std::vector<int8_t> a(M * stride, 0), w(N * K);
  for (size_t m = 0; m < M; ++m) {
    for (size_t i = 0; i < K; ++i) a[m * stride + i] = static_cast<int8_t>(q(rng));
  }
  for (auto& v : w) v = static_cast<int8_t>(q(rng));
  std::vector<float> as(M), ws(N), b(N);
  for (auto& v : as) v = std::fabs(f(rng)) * 0.01f;
  for (auto& v : ws) v = std::fabs(f(rng)) * 0.01f;
  for (auto& v : b) v = f(rng);
  std::vector<float> expected(M * N), got(M * N, -7.0f);
  GemmArgs g{a.data(), stride, as.data(), w.data(), ws.data(), bias ? b.data() : nullptr,
             expected.data(), N, M, N, K};
  ReferenceKernels().gemm(g, 0, M, 0, N);
  g.out = got.data();
  // In two column blocks, as threads call it.
  const size_t split = N / 2 / k.n_block * k.n_block;
  k.gemm(g, 0, M, 0, split);
  k.gemm(g, 0, M, split, N);
  ASSERT_EQ(std::memcmp(expected.data(), got.data(), expected.size() * sizeof(float)), 0)
      << k.name << " M=" << M << " N=" << N << " K=" << K;
}

TEST(QgemmArm, BitExactWithReference) {
  ASSERT_TRUE(InitCpuInfo());
  for (bool dot : {false, true}) {
    // The dot-product kernels run only where the CPU has them (qemu -cpu
    // cortex-a76 does, cortex-a72 does not).
    if (dot && !cpuinfo_has_arm_neon_dot()) continue;
    const Kernels& k = *ArmKernels(dot);
    RecordProperty(dot ? "neon_dot" : "neon", "tested");
    uint32_t seed = 1;
    for (size_t M : {1, 3, 4, 5, 17}) {
      for (size_t N : {1, 4, 7, 33}) {
        for (size_t K : {1, 15, 16, 17, 64, 100, 768}) {
          Check(k, M, N, K, seed, seed % 2 == 0);
          ++seed;
        }
      }
    }
  }
}

}  // namespace
}  // namespace embert::qgemm
