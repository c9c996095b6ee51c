// The AVX-512BW level (AVX-512 without VNNI): vpmaddwd zmm (isa_madd_zmm.h).
#define EMBERT_X86_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,fma")))

#include "backend/x86/gemm_tiles.h"
#include "backend/x86/isa_madd_zmm.h"
#include "backend/x86/kernels_x86.h"
#include "format/pack_layouts.h"

namespace embert::qgemm::x86 {
namespace {

constexpr PackLayout kLayout{PackKind::kMaddI16, MaddZmm::kLanes, MaddZmm::kPanelVecs};

size_t PackedSize(size_t n, size_t k) { return kLayout.Bytes(n, k); }
void Pack(const int8_t* w, size_t n, size_t k, void* packed) { PackWeights(kLayout, w, n, k, packed); }

}  // namespace

const Kernels& Avx512BwKernels() {
  static const Kernels k = {"avx512bw", PackedSize, Pack, QuantizeAvx512, Gemm<MaddZmm>, kLayout.Width(), 0};
  return k;
}

}  // namespace embert::qgemm::x86
