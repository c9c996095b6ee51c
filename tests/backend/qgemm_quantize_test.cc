// Every level's row quantizer against ReferenceKernels().quantize, bit
// for bit: values, scales and the zero padding, incl. ties (nearest-even),
// the +-127 clamp, all-zero rows, one huge value, NaN and infinity, and the
// per-column multiplier.
#include <cmath>
#include <limits>
#include <random>

#include "qgemm_test_util.h"

namespace embert::qgemm {
namespace {

struct Rows {
  size_t rows = 0, cols = 0, x_stride = 0;
  std::vector<float> x;
  std::vector<float> mul;  // empty: none
};

Rows RandomRows(size_t rows, size_t cols, uint32_t seed, bool with_mul) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> f(0.0f, 3.0f);
  Rows r;
  r.rows = rows, r.cols = cols, r.x_stride = cols + seed % 5;
  r.x.resize(rows * r.x_stride);
  for (auto& v : r.x) v = f(rng);
  if (with_mul) {
    std::uniform_real_distribution<float> m(0.05f, 4.0f);
    r.mul.resize(cols);
    for (auto& v : r.mul) v = m(rng);
  }
  return r;
}

void ExpectSameQuantization(const Kernels& k, const Rows& r) {
  const size_t stride = PaddedK(r.cols);
  // Both outputs start as garbage: the padding must be written as zeros.
  std::vector<int8_t> q_want(r.rows * stride, 0x55), q_layout(RowsToPlan(r.rows) * stride, 0x55);
  std::vector<float> s_want(r.rows, -1.0f), s_got(r.rows, -1.0f);
  const float* mul = r.mul.empty() ? nullptr : r.mul.data();
  ReferenceKernels().quantize({r.x.data(), r.x_stride, r.rows, r.cols, mul, q_want.data(), stride, s_want.data()});
  // In the level's own layout (read back row by row), in two slices as
  // threads quantize them: rows [0, 1) and [1, rows), the second starting
  // inside a quad.
  const size_t split = r.rows > 1 ? 1 : r.rows;
  QuantizeArgs first{r.x.data(), r.x_stride, split, r.cols, mul, q_layout.data(), stride, s_got.data(), k.a_layout};
  k.quantize(first);
  QuantizeArgs rest = first;
  rest.x += split * r.x_stride;
  rest.rows = r.rows - split;
  rest.scales += split;
  if (k.a_layout == ActivationLayout::kRows) {
    rest.q += split * stride;
  } else {
    rest.first_row = split;
  }
  if (rest.rows > 0) k.quantize(rest);
  const std::vector<int8_t> q_got = FromLayout(k.a_layout, q_layout, r.rows, stride);
  for (size_t i = 0; i < q_want.size(); ++i) {
    ASSERT_EQ(q_want[i], q_got[i]) << k.name << " cols=" << r.cols << " row " << i / stride << " col " << i % stride
                                   << " x=" << r.x[i / stride * r.x_stride + i % stride];
  }
  for (size_t i = 0; i < r.rows; ++i) {
    ASSERT_EQ(std::memcmp(&s_want[i], &s_got[i], sizeof(float)), 0)
        << k.name << " cols=" << r.cols << " row " << i << ": " << s_want[i] << " vs " << s_got[i];
  }
}

using QgemmQuantize = LevelTest;

TEST_P(QgemmQuantize, RandomRowsEveryTail) {
  uint32_t seed = 1;
  for (size_t cols : {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 256, 768, 1000, 3072}) {
    for (bool with_mul : {false, true}) {
      ExpectSameQuantization(k(), RandomRows(5, cols, seed++, with_mul));
      if (HasFatalFailure()) return;
    }
  }
}

TEST_P(QgemmQuantize, TiesRoundToEven) {
  // absmax 127 makes inv exactly 1, so x.5 values are ties.
  Rows r;
  r.rows = 1, r.cols = 80, r.x_stride = 80;
  r.x.resize(80);
  for (size_t i = 0; i < r.cols; ++i) r.x[i] = static_cast<float>(static_cast<int>(i) - 40) + 0.5f;
  r.x[79] = 127.0f;
  ExpectSameQuantization(k(), r);
}

TEST_P(QgemmQuantize, SpecialRows) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  Rows r = RandomRows(9, 70, 77, false);
  float* row[9];
  for (size_t i = 0; i < r.rows; ++i) row[i] = r.x.data() + i * r.x_stride;
  std::fill(row[0], row[0] + r.cols, 0.0f);  // all zero: scale 0
  for (size_t i = 0; i < r.cols; ++i) row[0][i] = i % 2 ? 0.0f : -0.0f;
  row[1][33] = 1e30f;  // one huge value: the rest round to 0
  row[2][69] = inf;    // non-finite row: zeros, scale inf
  row[3][5] = nan;     // a NaN never wins the max; it quantizes to -127
  row[4][0] = -inf;
  for (size_t i = 0; i < r.cols; ++i) row[5][i] = 1e-40f * static_cast<float>(i % 7);  // subnormal: 127 / absmax = inf
  row[6][64] = -3e38f;                                                                 // the largest finite magnitudes
  row[6][0] = 3e38f;
  row[7][69] = 1e-30f;                        // tail element only
  std::fill(row[8], row[8] + r.cols, -2.5f);  // every value at -127 exactly
  ExpectSameQuantization(k(), r);
}

TEST_P(QgemmQuantize, MultiplierChangesTheMax) {
  Rows r = RandomRows(4, 130, 9, true);
  r.mul[129] = 1e6f;  // the tail column dominates after the multiplier
  r.mul[3] = 0.0f;
  ExpectSameQuantization(k(), r);
}

INSTANTIATE_TEST_SUITE_P(Levels, QgemmQuantize, testing::Range(0, kLevelCount), LevelName);

}  // namespace
}  // namespace embert::qgemm
