// QuantizeStatic (qgemm.h, static activations) against the definition worked
// out here in double: q = clamp(round-half-even(x * mul / s), -127, 127).
// The library computes x * mul * (1 / s) in float; the two agree except where
// the float product lands within an ulp of a .5 tie, which the random inputs
// below avoid by construction (checked). Plus: every row's scale is s, the
// padding is zero, NaN gives 127, +-inf saturates, ties round to even, in
// the vector loop and in its scalar tail.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "backend/qgemm.h"

namespace embert::qgemm {
namespace {

int8_t Expected(double v) {
  double r = std::nearbyint(v);  // the test runs in the default rounding mode: half to even
  if (r > 127) r = 127;
  if (r < -127) r = -127;
  return static_cast<int8_t>(r);
}

TEST(QuantizeStatic, MatchesTheDefinitionOnRandomRows) {
  std::mt19937 rng(11);
  std::normal_distribution<float> f(0.0f, 4.0f);
  std::uniform_real_distribution<float> m(0.1f, 3.0f);
  for (size_t cols : {1, 7, 64, 65, 768, 3072}) {
    const size_t rows = 3, x_stride = cols + 2, stride = PaddedK(cols);
    std::vector<float> x(rows * x_stride), mul(cols);
    for (auto& v : x) v = f(rng);
    for (auto& v : mul) v = m(rng);
    const float scale = 0.0731f;
    std::vector<int8_t> q(rows * stride, 0x55);
    std::vector<float> scales(rows, -1.0f);
    QuantizeStatic({x.data(), x_stride, rows, cols, mul.data(), q.data(), stride, scales.data()}, scale);
    size_t clamped = 0;
    for (size_t r = 0; r < rows; ++r) {
      EXPECT_EQ(scales[r], scale);
      for (size_t c = 0; c < stride; ++c) {
        if (c >= cols) {
          ASSERT_EQ(q[r * stride + c], 0) << "padding";
          continue;
        }
        const double v = double{x[r * x_stride + c]} * double{mul[c]} / double{scale};
        if (std::fabs(v - std::floor(v) - 0.5) < 1e-4) continue;  // too close to a tie to judge in double
        clamped += std::fabs(v) > 127;
        ASSERT_EQ(q[r * stride + c], Expected(v)) << "cols " << cols << " row " << r << " col " << c << " v " << v;
      }
    }
    if (cols >= 768) {
      EXPECT_GT(clamped, 0u) << "the clamp was not exercised";
    }
  }
}

TEST(QuantizeStatic, TiesSpecialValuesAndNoMultiplier) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  // Three copies: lanes of the vector loop and the scalar tail both see each case.
  const std::vector<float> one = {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 126.5f, 300.0f, -300.0f, nan, inf, -inf, 0.0f};
  const std::vector<int8_t> one_want = {0, 2, 2, 0, -2, 126, 127, -127, 127, 127, -127, 0};
  std::vector<float> x;
  std::vector<int8_t> want;
  for (int i = 0; i < 3; ++i) {
    x.insert(x.end(), one.begin(), one.end());
    want.insert(want.end(), one_want.begin(), one_want.end());
  }
  std::vector<int8_t> q(PaddedK(x.size()), 0x55);
  float scale_out = 0;
  QuantizeStatic({x.data(), x.size(), 1, x.size(), nullptr, q.data(), q.size(), &scale_out}, 1.0f);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(q[i], want[i]) << "x = " << x[i];
  EXPECT_EQ(scale_out, 1.0f);
}

// Row quads (qgemm.h kRowQuads, the dot-product level's layout) hold the
// same bytes as rows, each at ActivationOffset, padding included, also when
// a slice starts inside a quad (first_row) as threads quantize them.
TEST(QuantizeStatic, RowQuadsHoldTheRowsBytes) {
  std::mt19937 rng(5);
  std::normal_distribution<float> f(0.0f, 4.0f);
  for (size_t cols : {1, 70, 130, 768}) {
    const size_t rows = 7, stride = PaddedK(cols);
    std::vector<float> x(rows * cols);
    for (auto& v : x) v = f(rng);
    std::vector<int8_t> by_rows(rows * stride, 0x55), quads(RowsToPlan(rows) * stride, 0x55);
    std::vector<float> s1(rows), s2(rows);
    QuantizeStatic({x.data(), cols, rows, cols, nullptr, by_rows.data(), stride, s1.data()}, 0.05f);
    QuantizeArgs head{x.data(), cols, 2, cols, nullptr, quads.data(), stride, s2.data(), ActivationLayout::kRowQuads};
    QuantizeStatic(head, 0.05f);
    QuantizeArgs tail = head;
    tail.x += 2 * cols;
    tail.rows = rows - 2;
    tail.scales += 2;
    tail.first_row = 2;
    QuantizeStatic(tail, 0.05f);
    for (size_t m = 0; m < rows; ++m) {
      for (size_t k = 0; k < stride; ++k) {
        ASSERT_EQ(quads[ActivationOffset(ActivationLayout::kRowQuads, m, k, stride)], by_rows[m * stride + k])
            << "cols " << cols << " row " << m << " col " << k;
      }
    }
    EXPECT_EQ(s1, s2);
  }
}

}  // namespace
}  // namespace embert::qgemm
