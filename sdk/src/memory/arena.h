// A bump allocator over the caller's arena, with a measuring mode.
//
// Context creation runs twice over the same code: once measuring (no memory,
// only the running total) to answer embert_context_arena_size(), and once
// for real. Both walk the same sequence of Allocate() calls, so the measured
// size is exact, not an estimate.
#ifndef EMBERT_SDK_MEMORY_ARENA_H_
#define EMBERT_SDK_MEMORY_ARENA_H_

#include <cstddef>
#include <cstdint>

namespace embert {

class Arena {
 public:
  // Measuring arena: Allocate() returns nullptr and only counts.
  Arena() = default;
  Arena(void* base, size_t capacity) : base_(static_cast<uint8_t*>(base)), capacity_(capacity) {}

  bool measuring() const { return base_ == nullptr; }
  size_t used() const { return used_; }
  // True once a request did not fit; used() still grows so that the caller
  // learns the size that would have been needed.
  bool overflowed() const { return overflowed_; }

  // `align` is a power of two <= 64 (the arena's own alignment).
  void* Allocate(size_t bytes, size_t align = 64) {
    const size_t start = (used_ + align - 1) & ~(align - 1);
    if (bytes > SIZE_MAX - start) {
      overflowed_ = true;
      used_ = SIZE_MAX;
      return nullptr;
    }
    used_ = start + bytes;
    if (measuring()) return nullptr;
    if (used_ > capacity_) {
      overflowed_ = true;
      return nullptr;
    }
    return base_ + start;
  }

  template <typename T>
  T* AllocateArray(size_t count, size_t align = 64) {
    if (count > SIZE_MAX / sizeof(T)) {
      overflowed_ = true;
      return nullptr;
    }
    return static_cast<T*>(Allocate(count * sizeof(T), align));
  }

 private:
  uint8_t* base_ = nullptr;
  size_t capacity_ = 0;
  size_t used_ = 0;
  bool overflowed_ = false;
};

}  // namespace embert

#endif  // EMBERT_SDK_MEMORY_ARENA_H_
