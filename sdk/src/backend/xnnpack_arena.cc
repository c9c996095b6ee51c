#include "backend/xnnpack_arena.h"

#if defined(EMBERT_WITH_XNNPACK)

#include <xnnpack.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace embert {
namespace {

constexpr size_t kHeader = 64;                      // keeps the payload 64-byte aligned
constexpr uint64_t kMagic = 0x454d424552545841ull;  // "EMBERTXA"

struct BlockHeader {
  uint64_t magic;
  uint64_t size;
  uint64_t from_heap;
};

thread_local Arena* g_arena = nullptr;

void* Allocate(void*, size_t alignment, size_t size) {
  if (alignment > kHeader || size > SIZE_MAX - kHeader) return nullptr;
  uint8_t* block = nullptr;
  bool heap = true;
  if (g_arena != nullptr) {
    block = static_cast<uint8_t*>(g_arena->Allocate(kHeader + size, kHeader));
    if (!g_arena->measuring()) {
      if (block == nullptr) return nullptr;  // arena too small
      heap = false;
    }
  }
  if (heap) {
    block = static_cast<uint8_t*>(std::aligned_alloc(kHeader, (kHeader + size + kHeader - 1) / kHeader * kHeader));
    if (block == nullptr) return nullptr;
  }
  auto* h = reinterpret_cast<BlockHeader*>(block);
  h->magic = kMagic;
  h->size = size;
  h->from_heap = heap ? 1 : 0;
  return block + kHeader;
}

void Deallocate(void*, void* pointer) {
  if (pointer == nullptr) return;
  uint8_t* block = static_cast<uint8_t*>(pointer) - kHeader;
  auto* h = reinterpret_cast<BlockHeader*>(block);
  if (h->magic != kMagic) return;  // not ours: never free what we did not allocate
  if (h->from_heap) {
    h->magic = 0;
    std::free(block);
  }
  // Arena blocks are released with the whole arena.
}

void* Reallocate(void* context, void* pointer, size_t size) {
  if (pointer == nullptr) return Allocate(context, 16, size);
  const auto* h = reinterpret_cast<const BlockHeader*>(static_cast<uint8_t*>(pointer) - kHeader);
  void* fresh = Allocate(context, 16, size);
  if (fresh == nullptr) return nullptr;
  std::memcpy(fresh, pointer, h->size < size ? h->size : size);
  Deallocate(context, pointer);
  return fresh;
}

void* AllocateDefault(void* context, size_t size) { return Allocate(context, 16, size); }

const xnn_allocator kAllocator = {nullptr, AllocateDefault, Reallocate, Deallocate, Allocate, Deallocate};

}  // namespace

Status InitXnnpack() {
  static xnn_status status = xnn_status_uninitialized;
  static std::once_flag once;
  std::call_once(once, [] { status = xnn_initialize(&kAllocator); });
  if (status != xnn_status_success) {
    return Status::Error(EMBERT_STATUS_BACKEND_ERROR, "XNNPACK failed to initialise (status %d): CPU not supported?",
                         static_cast<int>(status));
  }
  return Status::Ok();
}

ScopedXnnpackArena::ScopedXnnpackArena(Arena* arena) : previous_(g_arena) { g_arena = arena; }
ScopedXnnpackArena::~ScopedXnnpackArena() { g_arena = previous_; }
bool ScopedXnnpackArena::overflowed() const { return g_arena != nullptr && g_arena->overflowed(); }

}  // namespace embert

#endif  // EMBERT_WITH_XNNPACK
