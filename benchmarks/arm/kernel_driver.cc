// A fixed amount of int8 GEMM work for the ARM instruments (benchmarks/arm):
// quantizes an M x K float activation and multiplies it by an N x K int8
// weight with the qgemm kernels BestKernels() picks (or the reference ones),
// CALLS times, on one thread. No timing, no iteration heuristics: the
// instruction-count plugin sees exactly CALLS calls (model.sh runs it with
// CALLS = 1 and 2 and keeps the difference, so setup is not counted).
//
//   kernel_driver M K N CALLS [best|reference]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "backend/qgemm.h"

namespace {

bool ParseSize(const char* s, size_t* out) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (end == s || *end != '\0' || v == 0) return false;
  *out = static_cast<size_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace embert::qgemm;
  size_t m = 0, k = 0, n = 0, calls = 0;
  if ((argc != 5 && argc != 6) || !ParseSize(argv[1], &m) || !ParseSize(argv[2], &k) || !ParseSize(argv[3], &n) ||
      !ParseSize(argv[4], &calls) || (argc == 6 && std::strcmp(argv[5], "best") != 0 &&
                                      std::strcmp(argv[5], "reference") != 0)) {
    std::fprintf(stderr, "usage: kernel_driver M K N CALLS [best|reference]\n");
    return 2;
  }
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
  std::vector<int8_t> q(m * q_stride);
  std::vector<unsigned char> packed;
  const void* b = w.data();
  if (const size_t bytes = kernels.packed_size(n, k); bytes > 0) {
    packed.resize(bytes + 64);
    void* p = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
    kernels.pack(w.data(), n, k, p);
    b = p;
  }

  const QuantizeArgs qa = {x.data(), k, m, k, nullptr, q.data(), q_stride, a_scales.data()};
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
