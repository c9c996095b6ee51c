// The AVX-VNNI kernels' source with the EVEX (AVX-512 VL) encoding of
// vpdpbusd ymm, so machines with AVX-512 VNNI but no AVX-VNNI (like the
// development machine) run and test that code (isa_dot_ymm.h).
#define EMBERT_X86_TARGET __attribute__((target("avx2,fma,avx512f,avx512vl,avx512vnni")))
#define EMBERT_X86_DPBUSD_YMM _mm256_dpbusd_epi32
#include "backend/x86/gemm_tiles.h"
#include "backend/x86/isa_dot_ymm.h"
#include "backend/x86/kernels_x86.h"
#include "format/pack_layouts.h"

namespace embert::qgemm::x86 {
namespace {

constexpr PackLayout kLayout{PackKind::kDotU8, DotYmm::kLanes, DotYmm::kPanelVecs};
// Files packed with bert-convert --pack hold this layout (schema Layout).
static_assert(kLayout.kind == kFileDotU8W16.kind && kLayout.lanes == kFileDotU8W16.lanes &&
              kLayout.panel_vecs == kFileDotU8W16.panel_vecs);

size_t PackedSize(size_t n, size_t k) { return kLayout.Bytes(n, k); }
void Pack(const int8_t* w, size_t n, size_t k, void* packed) { PackWeights(kLayout, w, n, k, packed); }

}  // namespace

const Kernels& AvxVnniEvexKernels() {
  static const Kernels k = {"avx-vnni-evex", PackedSize, Pack, QuantizeAvx2, Gemm<DotYmm>, kLayout.Width(), 1};
  return k;
}

}  // namespace embert::qgemm::x86
