// The x86 kernels against the reference kernels that define the int8
// arithmetic: equal to the bit, over shapes that exercise every tail.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "backend/qgemm.h"

namespace embert::qgemm {
const Kernels* BestX86Kernels();

namespace {

void Check(const Kernels& k, size_t M, size_t N, size_t K, uint32_t seed, bool bias, bool extreme) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> q(-127, 127);
  std::normal_distribution<float> f(0.0f, 1.0f);
  const size_t stride = PaddedK(K);
  std::vector<int8_t> a(M * stride, 0), w(N * K);
  for (size_t m = 0; m < M; ++m) {
    for (size_t i = 0; i < K; ++i) a[m * stride + i] = static_cast<int8_t>(extreme ? (i % 2 ? 127 : -127) : q(rng));
  }
  for (auto& v : w) v = static_cast<int8_t>(extreme ? -127 : q(rng));
  std::vector<float> as(M), ws(N), b(N);
  for (auto& v : as) v = std::fabs(f(rng)) * 0.01f;
  for (auto& v : ws) v = std::fabs(f(rng)) * 0.01f;
  for (auto& v : b) v = f(rng);
  std::vector<float> expected(M * N), got(M * N, -7.0f);
  GemmArgs g{a.data(), stride, as.data(), w.data(), ws.data(), bias ? b.data() : nullptr, expected.data(), N, M, N, K};
  ReferenceKernels().gemm(g, 0, M, 0, N);
  void* packed = std::aligned_alloc(64, (k.packed_size(N, K) + 63) / 64 * 64);
  k.pack(w.data(), N, K, packed);
  g.b = packed;
  g.out = got.data();
  // In column blocks, as threads call it.
  const size_t split = N / 2 / k.n_block * k.n_block;
  k.gemm(g, 0, M, 0, split);
  k.gemm(g, 0, M, split, N);
  std::free(packed);
  ASSERT_EQ(std::memcmp(expected.data(), got.data(), expected.size() * sizeof(float)), 0)
      << k.name << " M=" << M << " N=" << N << " K=" << K;
}

TEST(QgemmX86, BitExactWithReference) {
  const Kernels* k = BestX86Kernels();
  if (k == nullptr) GTEST_SKIP() << "this CPU has no x86 fast path";
  uint32_t seed = 1;
  for (size_t M : {1, 2, 5, 6, 7, 13, 64}) {
    for (size_t N : {1, 7, 16, 17, 32, 33, 100}) {
      for (size_t K : {1, 3, 4, 17, 64, 130, 768}) {
        Check(*k, M, N, K, seed, seed % 2 == 0, false);
        ++seed;
      }
    }
  }
  Check(*k, 9, 48, 3072, 99, true, true);  // largest sums: 3072 * 127 * 127
}

TEST(QgemmX86, QuantizeMatchesReference) {
  const Kernels* k = BestX86Kernels();
  if (k == nullptr) GTEST_SKIP();
  std::vector<float> x(3 * 50);
  std::mt19937 rng(3);
  std::normal_distribution<float> f(0.0f, 2.0f);
  for (auto& v : x) v = f(rng);
  for (size_t i = 50; i < 100; ++i) x[i] = 0.0f;  // an all-zero row
  std::vector<int8_t> q1(3 * 64), q2(3 * 64);
  std::vector<float> s1(3), s2(3);
  ReferenceKernels().quantize({x.data(), 50, 3, 50, nullptr, q1.data(), 64, s1.data()});
  k->quantize({x.data(), 50, 3, 50, nullptr, q2.data(), 64, s2.data()});
  EXPECT_EQ(q1, q2);
  EXPECT_EQ(s1, s2);
}

}  // namespace
}  // namespace embert::qgemm
