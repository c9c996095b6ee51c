// The AVX2 level: vpmaddwd ymm (isa_madd_ymm.h).
#define EMBERT_X86_TARGET __attribute__((target("avx2,fma")))

#include "backend/x86/gemm_tiles.h"
#include "backend/x86/isa_madd_ymm.h"
#include "backend/x86/kernels_x86.h"
#include "format/pack_layouts.h"

namespace embert::qgemm::x86 {
namespace {

constexpr PackLayout kLayout{PackKind::kMaddI16, MaddYmm::kLanes, MaddYmm::kPanelVecs};

size_t PackedSize(size_t n, size_t k) { return kLayout.Bytes(n, k); }
void Pack(const int8_t* w, size_t n, size_t k, void* packed) { PackWeights(kLayout, w, n, k, packed); }

}  // namespace

const Kernels& Avx2Kernels() {
  static const Kernels k = {"avx2", PackedSize, Pack, QuantizeAvx2, Gemm<MaddYmm>, kLayout.Width(), 0};
  return k;
}

}  // namespace embert::qgemm::x86
