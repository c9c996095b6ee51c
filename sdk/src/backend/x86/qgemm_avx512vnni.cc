// int8 GEMM for AVX-512 VNNI (vpdpbusd: 64 u8 x s8 products per instruction),
// with the arithmetic of qgemm.h to the bit.
//
// vpdpbusd wants unsigned activations: the kernel adds 128 to each (an XOR of
// the sign bit) and subtracts 128 * sum_k W[n][k], precomputed when packing.
// Packed weights: blocks of 16 output channels, K in steps of 4:
//   [N/16][K4/4][16][4] int8, then int32 column sums [N16]
// so one 64-byte load feeds one vpdpbusd for 16 channels.
#include <immintrin.h>

// GCC 12 warns about the intrinsics headers' own _mm512_undefined_* values
// (a known false positive when they are inlined); nothing here is uninitialised.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <cstring>

#include "backend/qgemm.h"

namespace embert::qgemm {
namespace {

constexpr size_t kNr = 32;  // channels per micro-tile (two zmm)
constexpr size_t kMr = 6;   // rows per micro-tile

size_t K4(size_t k) { return (k + 3) / 4 * 4; }
size_t N16(size_t n) { return (n + 15) / 16 * 16; }

size_t PackedSize(size_t n, size_t k) { return N16(n) * K4(k) + N16(n) * sizeof(int32_t); }

void Pack(const int8_t* w, size_t n, size_t k, void* packed) {
  auto* out = static_cast<int8_t*>(packed);
  const size_t k4 = K4(k), n16 = N16(n);
  std::memset(out, 0, n16 * k4);
  auto* sums = reinterpret_cast<int32_t*>(out + n16 * k4);
  for (size_t c = 0; c < n16; ++c) {
    int32_t s = 0;
    for (size_t i = 0; i < k && c < n; ++i) {
      const int8_t v = w[c * k + i];
      s += v;
      out[(c / 16) * (k4 * 16) + (i / 4) * 64 + (c % 16) * 4 + (i % 4)] = v;
    }
    sums[c] = -128 * s;
  }
}

__attribute__((target("avx512f,avx512bw,avx512vnni,fma")))
inline void Store(const GemmArgs& g, size_t m, size_t n, size_t nvalid, __m512i acc, const int32_t* corr) {
  acc = _mm512_add_epi32(acc, _mm512_loadu_si512(corr + n));
  const __mmask16 mask = nvalid >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nvalid) - 1);
  const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(g.a_scales[m]), _mm512_maskz_loadu_ps(mask, g.b_scales + n));
  const __m512 bias = g.bias ? _mm512_maskz_loadu_ps(mask, g.bias + n) : _mm512_setzero_ps();
  const __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), scale, bias);
  _mm512_mask_storeu_ps(g.out + m * g.out_stride + n, mask, y);
}

// Rows [m, m + rows) x channels [n, n + 32) of the output.
template <size_t kRows>
__attribute__((target("avx512f,avx512bw,avx512vnni,fma")))
void MicroTile(const GemmArgs& g, const int8_t* packed, const int32_t* corr, size_t m, size_t n, size_t n_end) {
  const size_t k4 = K4(g.k);
  const int8_t* b0 = packed + (n / 16) * (k4 * 16);
  const bool two = n + 16 < n_end;
  const int8_t* b1 = two ? b0 + k4 * 16 : b0;
  __m512i acc0[kRows], acc1[kRows];
  for (size_t r = 0; r < kRows; ++r) acc0[r] = acc1[r] = _mm512_setzero_si512();
  const __m512i flip = _mm512_set1_epi32(static_cast<int>(0x80808080u));
  const int8_t* a[kRows];
  for (size_t r = 0; r < kRows; ++r) a[r] = g.a + (m + r) * g.a_stride;
  for (size_t k = 0; k < k4; k += 4) {
    const __m512i w0 = _mm512_load_si512(b0 + k * 16);
    const __m512i w1 = _mm512_load_si512(b1 + k * 16);
    for (size_t r = 0; r < kRows; ++r) {
      int32_t four;
      std::memcpy(&four, a[r] + k, 4);
      const __m512i x = _mm512_xor_si512(_mm512_set1_epi32(four), flip);
      acc0[r] = _mm512_dpbusd_epi32(acc0[r], x, w0);
      acc1[r] = _mm512_dpbusd_epi32(acc1[r], x, w1);
    }
  }
  for (size_t r = 0; r < kRows; ++r) {
    Store(g, m + r, n, n_end - n, acc0[r], corr);
    if (two) Store(g, m + r, n + 16, n_end - n - 16, acc1[r], corr);
  }
}

void Gemm(const GemmArgs& g, size_t m0, size_t m1, size_t n0, size_t n1) {
  const auto* packed = static_cast<const int8_t*>(g.b);
  const int32_t* corr = reinterpret_cast<const int32_t*>(packed + N16(g.n) * K4(g.k));
  for (size_t n = n0; n < n1; n += kNr) {
    const size_t n_end = n + kNr < n1 ? n + kNr : n1;
    size_t m = m0;
    for (; m + kMr <= m1; m += kMr) MicroTile<kMr>(g, packed, corr, m, n, n_end);
    switch (m1 - m) {
      case 5: MicroTile<5>(g, packed, corr, m, n, n_end); break;
      case 4: MicroTile<4>(g, packed, corr, m, n, n_end); break;
      case 3: MicroTile<3>(g, packed, corr, m, n, n_end); break;
      case 2: MicroTile<2>(g, packed, corr, m, n, n_end); break;
      case 1: MicroTile<1>(g, packed, corr, m, n, n_end); break;
      default: break;
    }
  }
}

}  // namespace

const Kernels& Avx512VnniKernels() {
  static const Kernels k = {"avx512-vnni", PackedSize, Pack, ReferenceKernels().quantize, Gemm, kNr};
  return k;
}

}  // namespace embert::qgemm
