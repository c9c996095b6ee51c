// A fixed amount of int8 GEMM work for the ARM instruments (benchmarks/arm):
// quantizes an M x K float activation and multiplies it by an N x K int8
// weight with the qgemm kernels BestKernels() picks (or the reference ones),
// CALLS times, on one thread. No timing, no iteration heuristics: the
// instruction-count plugin sees exactly CALLS calls (model.sh runs it with
// CALLS = 1 and 2 and keeps the difference, so setup is not counted).
//
//   kernel_driver M K N CALLS [best|reference|xnnpack]
//
// xnnpack: the peer on the same shapes, XNNPACK's int8 path as the project
// uses it (benchmarks/gemm/gemm_bench_xnnpack.cc): per call a float -> int8
// convert (one static scale: XNNPACK has no per-row dynamic quantization)
// and the qc8 (per-channel weight scales) 1x1 convolution, which is its
// fully-connected qc8 operator (this XNNPACK, Debian 12's, has
// fully_connected only as qs8 with one weight scale). Output int8,
// requantized; weights packed at operator creation (not counted).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "backend/qgemm.h"

#if defined(EMBERT_WITH_XNNPACK)
#include <xnnpack.h>
#endif

namespace {

bool ParseSize(const char* s, size_t* out) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (end == s || *end != '\0' || v == 0) return false;
  *out = static_cast<size_t>(v);
  return true;
}

#if defined(EMBERT_WITH_XNNPACK)
int RunXnnpack(size_t m, size_t k, size_t n, size_t calls) {
  if (xnn_initialize(nullptr) != xnn_status_success) {
    std::fprintf(stderr, "kernel_driver: xnn_initialize failed\n");
    return 1;
  }
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> x_dist(-3.0f, 3.0f);
  std::uniform_real_distribution<float> scale_dist(0.5f, 1.5f);
  std::uniform_int_distribution<int> w_dist(-127, 127);
  std::vector<float> x(m * k + XNN_EXTRA_BYTES / sizeof(float));
  for (size_t i = 0; i < m * k; ++i) x[i] = x_dist(rng);
  std::vector<int8_t> w(n * k);
  for (auto& v : w) v = static_cast<int8_t>(w_dist(rng));
  std::vector<float> w_scales(n);
  for (auto& v : w_scales) v = 0.001f * scale_dist(rng);
  std::vector<int32_t> bias(n, 0);
  std::vector<int8_t> q(m * k + XNN_EXTRA_BYTES);
  std::vector<int8_t> out(m * n);
  const float x_scale = 3.0f / 127.0f;
  xnn_operator_t convert = nullptr;
  xnn_operator_t conv = nullptr;
  // Requantization multiplier x_scale * 0.001 / 0.05 per channel, inside XNNPACK's limit.
  const bool ok =
      xnn_create_convert_nc_f32_qs8(k, k, k, x_scale, 0, -127, 127, 0, &convert) == xnn_status_success &&
      xnn_setup_convert_nc_f32_qs8(convert, m, x.data(), q.data(), nullptr) == xnn_status_success &&
      xnn_create_convolution2d_nhwc_qc8(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, k, n, k, n, 0, x_scale, w_scales.data(),
                                        w.data(), bias.data(), 0, 0.05f, -127, 127, 0, &conv) == xnn_status_success &&
      xnn_setup_convolution2d_nhwc_qc8(conv, 1, m, 1, q.data(), out.data(), nullptr) == xnn_status_success;
  if (!ok) {
    std::fprintf(stderr, "kernel_driver: XNNPACK refused the f32->qs8 convert or the qc8 1x1 convolution\n");
    return 1;
  }
  for (size_t c = 0; c < calls; ++c) {
    if (xnn_run_operator(convert, nullptr) != xnn_status_success ||
        xnn_run_operator(conv, nullptr) != xnn_status_success) {
      std::fprintf(stderr, "kernel_driver: xnn_run_operator failed\n");
      return 1;
    }
  }
  long long checksum = 0;
  for (int8_t v : out) checksum += v;
  std::printf("kernel_driver: xnnpack qc8, M %zu K %zu N %zu, %zu calls, checksum %lld\n", m, k, n, calls, checksum);
  xnn_delete_operator(conv);
  xnn_delete_operator(convert);
  return 0;
}
#else
int RunXnnpack(size_t, size_t, size_t, size_t) {
  std::fprintf(stderr, "kernel_driver: built without XNNPACK (EMBERT_WITH_XNNPACK=OFF)\n");
  return 1;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  using namespace embert::qgemm;
  size_t m = 0, k = 0, n = 0, calls = 0;
  if ((argc != 5 && argc != 6) || !ParseSize(argv[1], &m) || !ParseSize(argv[2], &k) || !ParseSize(argv[3], &n) ||
      !ParseSize(argv[4], &calls) ||
      (argc == 6 && std::strcmp(argv[5], "best") != 0 && std::strcmp(argv[5], "reference") != 0 &&
       std::strcmp(argv[5], "xnnpack") != 0)) {
    std::fprintf(stderr, "usage: kernel_driver M K N CALLS [best|reference|xnnpack]\n");
    return 2;
  }
  if (argc == 6 && std::strcmp(argv[5], "xnnpack") == 0) return RunXnnpack(m, k, n, calls);
  const bool reference = argc == 6 && std::strcmp(argv[5], "reference") == 0;
  const Kernels& kernels = reference ? ReferenceKernels() : BestKernels();

  std::mt19937 rng(42);
  std::uniform_real_distribution<float> x_dist(-3.0f, 3.0f);
  std::uniform_real_distribution<float> scale_dist(0.5f, 1.5f);
  std::uniform_int_distribution<int> w_dist(-127, 127);
  const size_t q_stride = PaddedK(k);
  std::vector<float> x(m * k);
  for (auto& v : x) v = x_dist(rng);
  std::vector<int8_t> w(n * k);
  for (auto& v : w) v = static_cast<int8_t>(w_dist(rng));
  std::vector<float> w_scales(n), bias(n), a_scales(m), out(m * n);
  for (auto& v : w_scales) v = 0.001f * scale_dist(rng);
  for (auto& v : bias) v = scale_dist(rng);
  std::vector<int8_t> q(RowsToPlan(m) * q_stride);  // whole row quads for levels that read them
  std::vector<unsigned char> packed;
  const void* b = w.data();
  if (const size_t bytes = kernels.packed_size(n, k); bytes > 0) {
    packed.resize(bytes + 64);
    void* p = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
    kernels.pack(w.data(), n, k, p);
    b = p;
  }

  const QuantizeArgs qa = {x.data(), k, m, k, nullptr, q.data(), q_stride, a_scales.data(), kernels.a_layout};
  const GemmArgs ga = {q.data(), q_stride, a_scales.data(), b, w_scales.data(), bias.data(), out.data(), n, m, n, k};
  for (size_t c = 0; c < calls; ++c) {
    kernels.quantize(qa);
    kernels.gemm(ga, 0, m, 0, n);
  }
  double checksum = 0;
  for (float v : out) checksum += v;
  std::printf("kernel_driver: %s, M %zu K %zu N %zu, %zu calls, checksum %.6g\n", kernels.name, m, k, n, calls,
              checksum);
  return 0;
}
