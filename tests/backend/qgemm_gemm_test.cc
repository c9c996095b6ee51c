// Every GEMM level of this architecture against ReferenceKernels().gemm, bit for bit: shapes
// that hit every tail (K not a multiple of 4/16/64, N not a multiple of the
// panel, M not a multiple of the tile), BERT shapes, extreme values, and
// sub-block calls as threads make them.
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <utility>

#include "qgemm_test_util.h"

namespace embert::qgemm {
namespace {

// Bits no kernel computes: shows any output a call should not have written.
float Sentinel() {
  const uint32_t bits = 0x7FC0BEEF;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

struct Problem {
  size_t m = 0, n = 0, k = 0, out_stride = 0;
  std::vector<int8_t> a;  // [m][PaddedK(k)], zero padded
  std::vector<int8_t> w;  // [n][k]
  std::vector<float> a_scales, b_scales, bias;
  bool has_bias = true;

  // The activations in `layout` (the level's: Kernels::a_layout), as its
  // quantizer would have written them.
  GemmArgs Args(const void* b, float* out, ActivationLayout layout = ActivationLayout::kRows) const {
    const int8_t* act = a.data();
    if (layout != ActivationLayout::kRows) {
      a_in_layout = InLayout(layout, a, m, PaddedK(k));
      act = a_in_layout.data();
    }
    return {act, PaddedK(k), a_scales.data(), b, b_scales.data(), has_bias ? bias.data() : nullptr, out, out_stride, m,
            n,   k};
  }
  mutable std::vector<int8_t> a_in_layout;
};

// Weights over the whole int8 range, activations over the quantizers' range
// [-127, 127] (qgemm.h), scales of BERT's order.
Problem RandomProblem(size_t m, size_t n, size_t k, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> q(-128, 127), qa(-127, 127);
  std::normal_distribution<float> f(0.0f, 1.0f);
  Problem p;
  p.m = m, p.n = n, p.k = k;
  p.out_stride = n + (seed % 3 == 0 ? 5 : 0);
  p.has_bias = seed % 4 != 1;
  const size_t stride = PaddedK(k);
  p.a.assign(m * stride, 0);
  for (size_t r = 0; r < m; ++r) {
    for (size_t i = 0; i < k; ++i) p.a[r * stride + i] = static_cast<int8_t>(qa(rng));
  }
  p.w.resize(n * k);
  for (auto& v : p.w) v = static_cast<int8_t>(q(rng));
  p.a_scales.resize(m);
  for (auto& v : p.a_scales) v = std::fabs(f(rng)) * 0.02f + 1e-4f;
  p.b_scales.resize(n);
  for (auto& v : p.b_scales) v = std::fabs(f(rng)) * 0.001f + 1e-5f;
  p.bias.resize(n);
  for (auto& v : p.bias) v = f(rng);
  return p;
}

std::vector<float> RunReference(const Problem& p) {
  std::vector<float> out(p.m * p.out_stride, Sentinel());
  ReferenceKernels().gemm(p.Args(p.w.data(), out.data()), 0, p.m, 0, p.n);
  return out;
}

std::vector<float> RunLevel(const Kernels& k, const Problem& p) {
  Packed packed(k, p.w, p.n, p.k);
  std::vector<float> out(p.m * p.out_stride, Sentinel());
  k.gemm(p.Args(packed.data(), out.data(), k.a_layout), 0, p.m, 0, p.n);
  return out;
}

void ExpectSame(const Kernels& k, const Problem& p) {
  const std::vector<float> want = RunReference(p), got = RunLevel(k, p);
  const long at = FirstBitDifference(want, got);
  ASSERT_EQ(at, -1) << k.name << " M=" << p.m << " N=" << p.n << " K=" << p.k << " out_stride=" << p.out_stride
                    << " bias=" << p.has_bias << ": first difference at row " << at / static_cast<long>(p.out_stride)
                    << " col " << at % static_cast<long>(p.out_stride) << ": " << want[at] << " vs " << got[at];
}

using QgemmGemm = LevelTest;

TEST_P(QgemmGemm, SmallShapesEveryTail) {
  uint32_t seed = 1;
  for (size_t m : {1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16, 17, 24, 25, 33}) {
    for (size_t n : {1, 2, 7, 15, 16, 17, 31, 32, 33, 48, 65, 100}) {
      for (size_t kk : {1, 3, 4, 5, 16, 17, 63, 64, 65, 130}) {
        ExpectSame(k(), RandomProblem(m, n, kk, seed++));
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST_P(QgemmGemm, BertShapes) {
  const size_t shapes[][3] = {
      {1, 768, 768},    {8, 2304, 768},  {16, 768, 3072}, {32, 3072, 768}, {128, 768, 768},
      {128, 2304, 768}, {300, 768, 128}, {257, 7, 3072},  {129, 770, 17},  {64, 256, 1024},
      {130, 1024, 256}, {193, 96, 768},  {385, 33, 64},
  };
  uint32_t seed = 1000;
  for (const auto& s : shapes) {
    ExpectSame(k(), RandomProblem(s[0], s[1], s[2], seed++));
    if (HasFatalFailure()) return;
  }
}

TEST_P(QgemmGemm, LargestSums) {
  // |sum| = K * 127 * 127 and K * 127 * 128, of both signs.
  for (int8_t av : {int8_t{127}, int8_t{-127}}) {
    for (int8_t wv : {int8_t{127}, int8_t{-127}, int8_t{-128}}) {
      Problem p = RandomProblem(13, 40, 3072, 7);
      for (size_t r = 0; r < p.m; ++r) {
        for (size_t i = 0; i < p.k; ++i) p.a[r * PaddedK(p.k) + i] = av;
      }
      for (auto& v : p.w) v = wv;
      ExpectSame(k(), p);
      if (HasFatalFailure()) return;
    }
  }
  // Alternating +-127 activations against -127 weights: partial sums that
  // swing by 127 * 127 at every step of K.
  Problem p = RandomProblem(9, 48, 3072, 99);
  for (size_t r = 0; r < p.m; ++r) {
    for (size_t i = 0; i < p.k; ++i) p.a[r * PaddedK(p.k) + i] = static_cast<int8_t>(i % 2 ? 127 : -127);
  }
  for (auto& v : p.w) v = -127;
  ExpectSame(k(), p);
}

TEST_P(QgemmGemm, ZeroRowsAndAlternatingSigns) {
  Problem p = RandomProblem(29, 50, 771, 11);
  const size_t stride = PaddedK(p.k);
  for (size_t r : {0, 5, 12, 28}) {  // all-zero rows quantize to scale 0
    std::fill(p.a.begin() + static_cast<long>(r * stride), p.a.begin() + static_cast<long>((r + 1) * stride), 0);
    p.a_scales[r] = 0.0f;
  }
  for (size_t i = 0; i < p.k; ++i) p.a[3 * stride + i] = static_cast<int8_t>(i % 2 ? 127 : -127);
  for (size_t i = 0; i < p.k; ++i) p.w[7 * p.k + i] = static_cast<int8_t>(i % 3 ? -127 : 127);
  ExpectSame(k(), p);
  p.has_bias = false;
  ExpectSame(k(), p);
}

TEST_P(QgemmGemm, NonFiniteRowScaleGivesNonFiniteOutputs) {
  // A row quantize found non-finite: zeros with an infinite scale. The output
  // must stay non-finite (0 * inf = NaN) so the error shows.
  Problem p = RandomProblem(5, 33, 100, 13);
  std::fill(p.a.begin() + static_cast<long>(2 * PaddedK(p.k)), p.a.begin() + static_cast<long>(3 * PaddedK(p.k)), 0);
  p.a_scales[2] = std::numeric_limits<float>::infinity();
  const std::vector<float> want = RunReference(p), got = RunLevel(k(), p);
  for (size_t r = 0; r < p.m; ++r) {
    for (size_t c = 0; c < p.n; ++c) {
      const float x = want[r * p.out_stride + c], y = got[r * p.out_stride + c];
      if (r == 2) {
        ASSERT_TRUE(std::isnan(x) && std::isnan(y)) << c;
      } else {
        ASSERT_EQ(std::memcmp(&x, &y, sizeof(x)), 0) << r << "," << c;
      }
    }
  }
}

// Threads call gemm on row and column ranges (columns on multiples of
// n_block). Any such tiling, in any order, gives the one-call result and
// writes nothing outside its block.
TEST_P(QgemmGemm, SubBlocksEqualOneCall) {
  std::mt19937 rng(5);
  for (uint32_t trial = 0; trial < 12; ++trial) {
    const size_t n_block = k().n_block;
    const size_t m = 1 + rng() % 70, n = 1 + rng() % (6 * n_block + 5), kk = 1 + rng() % 300;
    const Problem p = RandomProblem(m, n, kk, 100 + trial);
    const std::vector<float> want = RunReference(p);
    Packed packed(k(), p.w, p.n, p.k);
    std::vector<float> got(p.m * p.out_stride, Sentinel());
    std::vector<size_t> m_cuts{0, m}, n_cuts{0, n};
    for (int i = 0; i < 3; ++i) {
      m_cuts.push_back(rng() % (m + 1));
      n_cuts.push_back(std::min(n, rng() % (n / n_block + 1) * n_block));
    }
    std::sort(m_cuts.begin(), m_cuts.end());
    std::sort(n_cuts.begin(), n_cuts.end());
    std::vector<std::pair<size_t, size_t>> blocks;
    for (size_t i = 0; i + 1 < m_cuts.size(); ++i) {
      for (size_t j = 0; j + 1 < n_cuts.size(); ++j) blocks.emplace_back(i, j);
    }
    std::shuffle(blocks.begin(), blocks.end(), rng);
    for (const auto& [i, j] : blocks) {
      k().gemm(p.Args(packed.data(), got.data(), k().a_layout), m_cuts[i], m_cuts[i + 1], n_cuts[j], n_cuts[j + 1]);
    }
    ASSERT_EQ(FirstBitDifference(want, got), -1) << "M=" << m << " N=" << n << " K=" << kk;
  }
}

TEST_P(QgemmGemm, OneBlockWritesOnlyItself) {
  const Problem p = RandomProblem(40, 5 * k().n_block + 3, 70, 21);
  Packed packed(k(), p.w, p.n, p.k);
  std::vector<float> got(p.m * p.out_stride, Sentinel());
  const size_t m0 = 7, m1 = 31, n0 = k().n_block, n1 = 4 * k().n_block;
  k().gemm(p.Args(packed.data(), got.data(), k().a_layout), m0, m1, n0, n1);
  std::vector<float> want(p.m * p.out_stride, Sentinel());
  ReferenceKernels().gemm(p.Args(p.w.data(), want.data()), m0, m1, n0, n1);
  EXPECT_EQ(FirstBitDifference(want, got), -1);
  k().gemm(p.Args(packed.data(), got.data(), k().a_layout), 3, 3, 0, p.n);  // empty ranges write nothing
  k().gemm(p.Args(packed.data(), got.data(), k().a_layout), 0, p.m, n1, n1);
  EXPECT_EQ(FirstBitDifference(want, got), -1);
}

INSTANTIATE_TEST_SUITE_P(Levels, QgemmGemm, testing::Range(0, kLevelCount), LevelName);

}  // namespace
}  // namespace embert::qgemm
