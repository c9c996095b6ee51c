// Routes XNNPACK's allocations into the arena of the context being created.
//
// XNNPACK takes one allocator for the whole process (the first
// xnn_initialize wins), so the allocator installed here asks a thread-local
// "current arena", set only while a context builds its operators. Outside
// that window (XNNPACK's own start-up) it falls back to the heap. Every block
// carries a small header saying where it came from, so freeing never hands an
// arena pointer to free().
#ifndef EMBERT_SDK_BACKEND_XNNPACK_ARENA_H_
#define EMBERT_SDK_BACKEND_XNNPACK_ARENA_H_

#include "core/status.h"
#include "memory/arena.h"

namespace embert {

#if defined(EMBERT_WITH_XNNPACK)

// Initialises XNNPACK once per process with the routing allocator.
Status InitXnnpack();

// While alive, XNNPACK allocations on this thread come from `arena` (from the
// heap, counted, when the arena is measuring).
class ScopedXnnpackArena {
 public:
  explicit ScopedXnnpackArena(Arena* arena);
  ~ScopedXnnpackArena();
  ScopedXnnpackArena(const ScopedXnnpackArena&) = delete;
  ScopedXnnpackArena& operator=(const ScopedXnnpackArena&) = delete;
  // True if some allocation did not fit (XNNPACK then reports out_of_memory).
  bool overflowed() const;

 private:
  Arena* previous_;
};

#endif

}  // namespace embert

#endif  // EMBERT_SDK_BACKEND_XNNPACK_ARENA_H_
