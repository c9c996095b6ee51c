// The SDK's fp32 kernels against straightforward double-precision formulas
// written here from their definitions.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/activations.h"
#include "kernels/attention.h"
#include "kernels/gelu.h"
#include "kernels/layer_norm.h"

namespace embert::kernels {
namespace {

std::vector<float> Random(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

TEST(LayerNorm, MatchesDefinitionWithResidualAndOutlierDims) {
  const size_t rows = 5, cols = 97;
  auto x = Random(rows * cols, 1);
  auto res = Random(rows * cols, 2);
  auto gamma = Random(cols, 3);
  auto beta = Random(cols, 4);
  // Two dimensions 40x larger, like BERT-base's outlier dims 308 and 381.
  for (size_t r = 0; r < rows; ++r) {
    x[r * cols + 7] *= 40.0f;
    x[r * cols + 50] *= -40.0f;
  }
  std::vector<double> expected(rows * cols);
  for (size_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (size_t c = 0; c < cols; ++c) mean += double(x[r * cols + c]) + res[r * cols + c];
    mean /= cols;
    for (size_t c = 0; c < cols; ++c) {
      const double d = double(x[r * cols + c]) + res[r * cols + c] - mean;
      var += d * d;
    }
    var /= cols;
    for (size_t c = 0; c < cols; ++c) {
      const double v = double(x[r * cols + c]) + res[r * cols + c];
      expected[r * cols + c] = (v - mean) / std::sqrt(var + 1e-12) * gamma[c] + beta[c];
    }
  }
  AddLayerNorm(x.data(), cols, res.data(), cols, rows, cols, gamma.data(), beta.data(), 1e-12f);
  for (size_t i = 0; i < rows * cols; ++i) EXPECT_NEAR(x[i], expected[i], 2e-5) << i;
}

TEST(Activations, GeluErfTanhAndRelu) {
  std::vector<float> v = {-6.0f, -1.5f, -0.1f, 0.0f, 0.3f, 2.0f, 8.0f};
  for (auto act : {Activation::kGeluErf, Activation::kGeluTanh, Activation::kRelu}) {
    std::vector<float> y = v;
    Activate(act, y.data(), y.size(), 1, y.size());
    for (size_t i = 0; i < v.size(); ++i) {
      const double x = v[i];
      double e = 0;
      if (act == Activation::kGeluErf) e = 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
      if (act == Activation::kGeluTanh) {
        e = 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
      }
      if (act == Activation::kRelu) e = x > 0 ? x : 0;
      EXPECT_NEAR(y[i], e, 1e-6) << static_cast<int>(act) << " at " << x;
    }
  }
}

// GeluErf (gelu.cc, contracted where the CPU has FMA) on rows long enough
// for its vector body and with a scalar tail: within the fit's error of the
// definition, fused or not; every value computed the same way in the body as
// in the tail (the cross-target tests rely on position not mattering); NaN
// kept; the stride's gap left alone.
TEST(Activations, GeluErfKernelMatchesDefinitionInBodyAndTail) {
  constexpr size_t kCols = 3 * 16 + 5, kStride = kCols + 3, kRows = 2;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-12.0f, 12.0f);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<float> x(kRows * kStride);
    for (float& v : x) v = dist(rng) * (trial % 2 ? 0.3f : 1.0f);
    x[7] = std::numeric_limits<float>::quiet_NaN();
    x[kCols - 1] = x[3];  // the same input in the tail as in the body
    const std::vector<float> in = x;
    GeluErf(x.data(), kStride, kRows, kCols);
    for (size_t r = 0; r < kRows; ++r) {
      for (size_t c = 0; c < kStride; ++c) {
        const size_t i = r * kStride + c;
        if (c >= kCols) {
          EXPECT_EQ(x[i], in[i]) << "gap at " << i;
          continue;
        }
        if (std::isnan(in[i])) {
          EXPECT_TRUE(std::isnan(x[i]));
          continue;
        }
        const double e = 0.5 * in[i] * (1.0 + std::erf(double(in[i]) / std::sqrt(2.0)));
        EXPECT_NEAR(x[i], e, 2e-6) << "gelu(" << in[i] << ")";
      }
    }
    EXPECT_EQ(std::memcmp(&x[3], &x[kCols - 1], 4), 0) << "body " << x[3] << " vs tail " << x[kCols - 1];
  }
}

TEST(Activations, SoftmaxSumsToOneAndSurvivesHugeLogits) {
  std::vector<float> logits = {1000.0f, 999.0f, -1000.0f, 0.0f};
  std::vector<float> p(4);
  Softmax(logits.data(), 4, p.data());
  EXPECT_NEAR(p[0] + p[1] + p[2] + p[3], 1.0, 1e-6);
  EXPECT_NEAR(p[0] / p[1], std::exp(1.0), 1e-4);
  EXPECT_EQ(p[2], 0.0f);
}

// Multi-head attention in double, written from softmax(QK^T/sqrt(d) + mask) V.
std::vector<double> NaiveAttention(const std::vector<float>& qkv, size_t seq, size_t heads, size_t dh,
                                   const std::vector<int32_t>& mask) {
  const size_t H = heads * dh;
  std::vector<double> out(seq * H, 0.0);
  for (size_t h = 0; h < heads; ++h) {
    for (size_t i = 0; i < seq; ++i) {
      std::vector<double> s(seq);
      double max = -1e300;
      for (size_t j = 0; j < seq; ++j) {
        double dot = 0;
        for (size_t d = 0; d < dh; ++d) dot += double(qkv[i * 3 * H + h * dh + d]) * qkv[j * 3 * H + H + h * dh + d];
        s[j] = dot / std::sqrt(double(dh)) + (mask[j] ? 0.0 : -1e30);
        max = std::max(max, s[j]);
      }
      double sum = 0;
      for (auto& v : s) sum += (v = std::exp(v - max));
      for (size_t j = 0; j < seq; ++j) {
        for (size_t d = 0; d < dh; ++d) out[i * H + h * dh + d] += s[j] / sum * qkv[j * 3 * H + 2 * H + h * dh + d];
      }
    }
  }
  return out;
}

TEST(Attention, MatchesNaiveWithPaddingMaskAndHeadRanges) {
  const size_t seq = 9, heads = 3, dh = 8, H = heads * dh;
  auto qkv = Random(seq * 3 * H, 7, 2.0f);
  std::vector<int32_t> mask = {1, 1, 1, 1, 1, 1, 0, 0, 0};
  const auto expected = NaiveAttention(qkv, seq, heads, dh, mask);
  std::vector<float> out(seq * H, -1.0f), scores(AttentionScratchFloats(seq, dh));
  AttentionArgs a{qkv.data(), qkv.data() + H, qkv.data() + 2 * H, 3 * H, mask.data(), out.data(), H, seq, heads,
                  dh,         scores.data()};
  // Two calls over disjoint head ranges, as threads make them.
  Attention(a, 0, 1);
  Attention(a, 1, heads);
  for (size_t i = 0; i < seq * H; ++i) EXPECT_NEAR(out[i], expected[i], 1e-5) << i;
}

// Blocks of 8 (AVX-512) and 4 query rows and 16 keys: lengths that leave
// row and key tails; head sizes that use the 4-, 2- and 1-register blocks of
// dimensions and a tail past them.
TEST(Attention, MatchesNaiveWithRowKeyAndDimensionTails) {
  for (size_t dh : {20u, 84u})
    for (size_t seq : {1u, 4u, 13u, 17u, 37u}) {
      const size_t heads = 2, H = heads * dh;
      auto qkv = Random(seq * 3 * H, 11 + static_cast<uint32_t>(seq), 2.0f);
      std::vector<int32_t> mask(seq, 1);
      if (seq > 3) mask[seq - 1] = mask[seq / 2] = 0;
      const auto expected = NaiveAttention(qkv, seq, heads, dh, mask);
      std::vector<float> out(seq * H, -1.0f), scores(AttentionScratchFloats(seq, dh));
      AttentionArgs a{qkv.data(), qkv.data() + H, qkv.data() + 2 * H, 3 * H, mask.data(), out.data(), H, seq, heads,
                      dh,         scores.data()};
      Attention(a, 0, heads);
      for (size_t i = 0; i < seq * H; ++i) EXPECT_NEAR(out[i], expected[i], 1e-5) << "seq " << seq << " at " << i;
    }
}

TEST(Attention, EveryKeyMaskedGivesAZeroContext) {
  const size_t seq = 6, heads = 1, dh = 16, H = dh;
  auto qkv = Random(seq * 3 * H, 3, 2.0f);
  std::vector<int32_t> mask(seq, 0);
  std::vector<float> out(seq * H, -1.0f), scores(AttentionScratchFloats(seq, dh));
  AttentionArgs a{qkv.data(), qkv.data() + H, qkv.data() + 2 * H, 3 * H, mask.data(), out.data(), H, seq, heads,
                  dh,         scores.data()};
  Attention(a, 0, heads);
  for (float v : out) EXPECT_EQ(v, 0.0f);
}

}  // namespace
}  // namespace embert::kernels

#include "kernels/fast_math.h"

namespace embert::kernels {
namespace {

TEST(FastMath, ExpMatchesLibmAcrossTheFloatRange) {
  double worst = 0;
  for (float x = -87.0f; x <= 88.5f; x += 0.0137f) {
    const double e = std::exp(double(x));
    worst = std::max(worst, std::fabs(FastExp(x) - e) / e);
  }
  EXPECT_LT(worst, 1e-6);
  EXPECT_EQ(FastExp(-INFINITY), 0.0f);
  EXPECT_EQ(FastExp(-1000.0f), 0.0f);
  EXPECT_TRUE(std::isfinite(FastExp(88.7f)));
}

TEST(FastMath, GeluErfMatchesDefinition) {
  double worst = 0;
  for (float x = -12.0f; x <= 12.0f; x += 0.001f) {
    const double e = 0.5 * x * (1.0 + std::erf(double(x) / std::sqrt(2.0)));
    worst = std::max(worst, std::fabs(FastGeluErf(x) - e));
  }
  EXPECT_LT(worst, 2e-6);
}

}  // namespace
}  // namespace embert::kernels

namespace embert::kernels {
namespace {
TEST(FastMath, NanPropagatesWithoutUndefinedBehaviour) {
  EXPECT_TRUE(std::isnan(FastExp(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(FastGeluErf(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_EQ(FastExp(INFINITY), FastExp(88.72283f));
}
}  // namespace
}  // namespace embert::kernels

// The 16-lane versions are the scalar functions operation for operation:
// the same bits for every input, special values included.
namespace embert::kernels {
namespace {
TEST(FastMath, LanesGiveTheScalarBits) {
  std::vector<float> xs = {0.0f,
                           -0.0f,
                           1e-30f,
                           -1e-30f,
                           87.0f,
                           -87.0f,
                           88.72283f,
                           89.0f,
                           -87.33654f,
                           -88.0f,
                           -1000.0f,
                           1000.0f,
                           INFINITY,
                           -INFINITY,
                           std::numeric_limits<float>::quiet_NaN(),
                           std::numeric_limits<float>::denorm_min()};
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> wide(-100.0f, 100.0f);
  while (xs.size() % kLanes != 0 || xs.size() < 20000) xs.push_back(wide(rng) * (xs.size() % 3 == 0 ? 0.05f : 1.0f));
  for (size_t i = 0; i < xs.size(); i += kLanes) {
    const Lanes v = LoadLanes(xs.data() + i);
    const Lanes e = FastExp(v), g = FastGeluErf(v);
    for (size_t l = 0; l < kLanes; ++l) {
      const float x = xs[i + l];
      const float se = FastExp(x), sg = FastGeluErf(x);
      EXPECT_EQ(std::memcmp(&se, &e[l], 4), 0) << "exp(" << x << "): " << se << " vs " << e[l];
      EXPECT_EQ(std::memcmp(&sg, &g[l], 4), 0) << "gelu(" << x << "): " << sg << " vs " << g[l];
    }
  }
}
}  // namespace
}  // namespace embert::kernels

#include "kernels/float_neon.h"

#if defined(EMBERT_FLOAT_NEON)
// aarch64's NEON kernels (float_neon.cc) against the generic Lanes kernels
// they replace, bit for bit: the int8 path re-quantizes these outputs, and
// the cross-target test expects ARM and x86 to agree.
namespace embert::kernels {
namespace {

bool SameBits(const std::vector<float>& a, const std::vector<float>& b, size_t* first) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) {
      *first = i;
      return false;
    }
  }
  return true;
}

// Lengths around the 4-row and 16-key blocks (1, 3, 16, 17, 100, 128), head
// sizes that use 16-dimension blocks only (64, 32), a 4-dimension block (20)
// and a scalar tail (18, 6); no mask, padding masks, a mask with holes, and
// every key masked (every row's context zero); large scores too, for
// FastExp's clamps.
TEST(FloatNeon, AttentionGivesTheGenericBits) {
  int cases = 0;
  for (size_t dh : {64u, 32u, 20u, 18u, 6u})
    for (size_t seq : {1u, 3u, 16u, 17u, 100u, 128u})
      for (int masking = 0; masking < 4; ++masking) {
        const size_t heads = 3, H = heads * dh;
        const float scale = masking == 2 ? 40.0f : 2.0f;
        auto qkv = Random(seq * 3 * H, 100 + static_cast<uint32_t>(seq * 7 + dh + masking), scale);
        std::vector<int32_t> mask(seq, 1);
        if (masking == 1 || masking == 2) {
          for (size_t j = seq - seq / 3; j < seq; ++j) mask[j] = 0;  // padding
          if (seq > 4) mask[1] = mask[seq / 2] = 0;                  // and holes
        }
        if (masking == 3) mask.assign(seq, 0);
        std::vector<float> neon(seq * H, -1.0f), lanes(seq * H, -1.0f), scratch(AttentionScratchFloats(seq, dh));
        AttentionArgs a{qkv.data(),
                        qkv.data() + H,
                        qkv.data() + 2 * H,
                        3 * H,
                        masking == 0 ? nullptr : mask.data(),
                        neon.data(),
                        H,
                        seq,
                        heads,
                        dh,
                        scratch.data()};
        AttentionNeon(a, 0, 1);
        AttentionNeon(a, 1, heads);
        a.out = lanes.data();
        AttentionLanes(a, 0, heads);
        size_t i = 0;
        EXPECT_TRUE(SameBits(neon, lanes, &i)) << "seq " << seq << " head_dim " << dh << " masking " << masking
                                               << " at " << i << ": " << neon[i] << " vs " << lanes[i];
        if (masking == 3) {
          for (float v : neon) ASSERT_EQ(v, 0.0f);
        }
        ++cases;
      }
  EXPECT_EQ(cases, 5 * 6 * 4);
}

TEST(FloatNeon, GeluErfGivesTheGenericBits) {
  std::vector<float> special = {0.0f,
                                -0.0f,
                                1e-30f,
                                -1e-30f,
                                5.5437f,
                                -5.5437f,
                                5.5438f,
                                -5.5438f,
                                12.0f,
                                -12.0f,
                                1e30f,
                                -1e30f,
                                INFINITY,
                                -INFINITY,
                                std::numeric_limits<float>::quiet_NaN(),
                                std::numeric_limits<float>::denorm_min()};
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> dist(-8.0f, 8.0f);
  for (size_t cols : {1u, 3u, 4u, 7u, 8u, 13u, 16u, 53u, 768u, 3072u}) {
    const size_t rows = 3, stride = cols + 5;
    std::vector<float> x(rows * stride);
    for (size_t i = 0; i < x.size(); ++i) x[i] = i % 5 == 0 ? special[(i / 5) % special.size()] : dist(rng);
    std::vector<float> neon = x, lanes = x;
    GeluErfNeon(neon.data(), stride, rows, cols);
    GeluErfLanes(lanes.data(), stride, rows, cols);
    size_t i = 0;
    EXPECT_TRUE(SameBits(neon, lanes, &i))
        << "cols " << cols << " at " << i << ": gelu(" << x[i] << ") = " << neon[i] << " vs " << lanes[i];
  }
}

TEST(FloatNeon, AddLayerNormGivesTheGenericBits) {
  for (size_t cols : {1u, 5u, 8u, 13u, 97u, 768u})
    for (bool with_residual : {false, true}) {
      const size_t rows = 4, stride = cols + 3;
      auto x = Random(rows * stride, 31 + static_cast<uint32_t>(cols), 3.0f);
      auto res = Random(rows * stride, 32 + static_cast<uint32_t>(cols));
      auto gamma = Random(cols, 33);
      auto beta = Random(cols, 34);
      for (size_t r = 0; r < rows && cols > 50; ++r) x[r * stride + 7] *= 40.0f;  // an outlier dimension
      std::vector<float> neon = x, lanes = x;
      const float* residual = with_residual ? res.data() : nullptr;
      AddLayerNormNeon(neon.data(), stride, residual, stride, rows, cols, gamma.data(), beta.data(), 1e-12f);
      AddLayerNormLanes(lanes.data(), stride, residual, stride, rows, cols, gamma.data(), beta.data(), 1e-12f);
      size_t i = 0;
      EXPECT_TRUE(SameBits(neon, lanes, &i))
          << "cols " << cols << " residual " << with_residual << " at " << i << ": " << neon[i] << " vs " << lanes[i];
    }
}

}  // namespace
}  // namespace embert::kernels
#endif  // EMBERT_FLOAT_NEON
