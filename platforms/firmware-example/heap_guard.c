/*
 * Test build of the firmware (firmware_example_heapcheck): malloc and its
 * relatives are interposed and every call between firmware_startup_done()
 * and firmware_run_done() is counted. glibc only (__libc_malloc & co.).
 */
#include <errno.h>
#include <stddef.h>

#include "firmware_hooks.h"

void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* p);

static volatile int watching = 0;
static volatile long calls = 0;

static void count(void) {
  if (watching) ++calls;
}

void* malloc(size_t size) {
  count();
  return __libc_malloc(size);
}

void* calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t size) {
  count();
  return __libc_realloc(p, size);
}

void free(void* p) {
  if (p != NULL) count();
  __libc_free(p);
}

void* memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  void* p;
  count();
  p = __libc_memalign(alignment, size);
  if (p == NULL) return ENOMEM;
  *out = p;
  return 0;
}

void firmware_startup_done(void) {
  calls = 0;
  watching = 1;
}

long firmware_run_done(void) {
  watching = 0;
  return calls;
}
