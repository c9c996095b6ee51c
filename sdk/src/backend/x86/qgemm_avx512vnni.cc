// The AVX-512 VNNI level: vpdpbusd on 512-bit vectors (isa_dot_zmm.h).
#define EMBERT_X86_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,fma")))

#include "backend/x86/gemm_tiles.h"
#include "backend/x86/isa_dot_zmm.h"
#include "backend/x86/kernels_x86.h"
#include "format/pack_layouts.h"

namespace embert::qgemm::x86 {
namespace {

constexpr PackLayout kLayout{PackKind::kDotU8, DotZmm::kLanes, DotZmm::kPanelVecs};
// Files packed with bert-convert --pack hold this layout (schema Layout).
static_assert(kLayout.kind == kFileDotU8W32.kind && kLayout.lanes == kFileDotU8W32.lanes &&
              kLayout.panel_vecs == kFileDotU8W32.panel_vecs);

size_t PackedSize(size_t n, size_t k) { return kLayout.Bytes(n, k); }
void Pack(const int8_t* w, size_t n, size_t k, void* packed) { PackWeights(kLayout, w, n, k, packed); }

}  // namespace

const Kernels& Avx512VnniKernels() {
  static const Kernels k = {"avx512-vnni", PackedSize, Pack, QuantizeAvx512, Gemm<DotZmm>, kLayout.Width(), 2};
  return k;
}

}  // namespace embert::qgemm::x86
