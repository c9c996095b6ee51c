// A fixed amount of work for one fp32 kernel on BERT-base shapes (hidden
// 768, 12 heads of 64, FFN 3072), for exact instruction counts under
// qemu-user with an instruction-count plugin (no timing loop: each run does
// CALLS calls, so a run with CALLS = 2 minus one with 1 is exactly one call,
// whatever process start, set-up and exit cost).
//
//   float_kernels_driver KERNEL TOKENS CALLS
//     KERNEL: attention | gelu | layernorm: the kernels a run uses
//             (kernels::Attention, GeluErf, AddLayerNorm);
//             attention-lanes | gelu-lanes | layernorm-lanes (aarch64 only):
//             the generic Lanes kernels the NEON ones replaced
//             (kernels/float_neon.h), for before / after figures.
//
// The inputs are the same random data in every run; the output's checksum
// is printed so that a kernel whose result is unused cannot be optimised away
// and so that a kernel and its -lanes twin can be seen to agree.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bert_base_shapes.h"
#include "kernels/attention.h"
#include "kernels/float_neon.h"
#include "kernels/gelu.h"
#include "kernels/layer_norm.h"

namespace {

using embert::bench::kHeadDim;
using embert::bench::kHeads;
using embert::bench::kHidden;
using embert::bench::kInter;
using embert::bench::Random;

uint64_t Checksum(const std::vector<float>& v) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the bits
  for (float x : v) {
    uint32_t b;
    std::memcpy(&b, &x, 4);
    h = (h ^ b) * 1099511628211ull;
  }
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  namespace k = embert::kernels;
  if (argc != 4) {
    std::fprintf(stderr, "usage: float_kernels_driver attention|gelu|layernorm[-lanes] TOKENS CALLS\n");
    return 2;
  }
  const std::string kernel = argv[1];
  const size_t seq = std::strtoul(argv[2], nullptr, 10);
  const int calls = std::atoi(argv[3]);
  const bool lanes = kernel.size() > 6 && kernel.compare(kernel.size() - 6, 6, "-lanes") == 0;
  const std::string base = lanes ? kernel.substr(0, kernel.size() - 6) : kernel;
#if !defined(EMBERT_FLOAT_NEON)
  if (lanes) {
    std::fprintf(stderr, "float_kernels_driver: -lanes kernels exist on aarch64 only\n");
    return 2;
  }
#endif
  std::vector<float> out;
  if (base == "attention") {
    const std::vector<float> qkv = Random(seq * 3 * kHidden, 1.0f, 3);
    out.assign(seq * kHidden, 0.0f);
    std::vector<float> scratch(k::AttentionScratchFloats(seq, kHeadDim));
    const k::AttentionArgs a{qkv.data(),
                             qkv.data() + kHidden,
                             qkv.data() + 2 * kHidden,
                             3 * kHidden,
                             nullptr,
                             out.data(),
                             kHidden,
                             seq,
                             kHeads,
                             kHeadDim,
                             scratch.data()};
    for (int c = 0; c < calls; ++c) {
#if defined(EMBERT_FLOAT_NEON)
      if (lanes) {
        k::AttentionLanes(a, 0, kHeads);
        continue;
      }
#endif
      k::Attention(a, 0, kHeads);
    }
  } else if (base == "gelu") {
    const std::vector<float> x0 = Random(seq * kInter, 2.0f, 6);
    for (int c = 0; c < calls; ++c) {
      out = x0;  // in place: every call on the same input
#if defined(EMBERT_FLOAT_NEON)
      if (lanes) {
        k::GeluErfLanes(out.data(), kInter, seq, kInter);
        continue;
      }
#endif
      k::GeluErf(out.data(), kInter, seq, kInter);
    }
  } else if (base == "layernorm") {
    const std::vector<float> x0 = Random(seq * kHidden, 1.0f, 4), residual = Random(seq * kHidden, 1.0f, 5);
    const std::vector<float> gamma = Random(kHidden, 1.0f, 7), beta = Random(kHidden, 0.1f, 8);
    for (int c = 0; c < calls; ++c) {
      out = x0;
#if defined(EMBERT_FLOAT_NEON)
      if (lanes) {
        k::AddLayerNormLanes(out.data(), kHidden, residual.data(), kHidden, seq, kHidden, gamma.data(), beta.data(),
                             1e-12f);
        continue;
      }
#endif
      k::AddLayerNorm(out.data(), kHidden, residual.data(), kHidden, seq, kHidden, gamma.data(), beta.data(), 1e-12f);
    }
  } else {
    std::fprintf(stderr, "float_kernels_driver: unknown kernel '%s'\n", argv[1]);
    return 2;
  }
  std::printf("%s %zu tokens x %d: checksum %016llx\n", kernel.c_str(), seq, calls,
              static_cast<unsigned long long>(Checksum(out)));
  return 0;
}
