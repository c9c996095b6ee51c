// Row-wise work split across a pool: one contiguous block of rows per
// thread, or all of it inline without a pool. Every row is computed by one
// thread with the same code, so results do not depend on the thread count.
#ifndef EMBERT_SDK_BACKEND_SPLIT_ROWS_H_
#define EMBERT_SDK_BACKEND_SPLIT_ROWS_H_

#include <pthreadpool.h>

#include <cstddef>

namespace embert {

inline void SplitRows(pthreadpool_t pool, pthreadpool_task_1d_tile_1d_t fn, void* task, size_t rows) {
  const size_t threads = pool != nullptr ? pthreadpool_get_threads_count(pool) : 1;
  if (threads <= 1) {
    fn(task, 0, rows);
    return;
  }
  pthreadpool_parallelize_1d_tile_1d(pool, fn, task, rows, (rows + threads - 1) / threads, 0);
}

}  // namespace embert

#endif  // EMBERT_SDK_BACKEND_SPLIT_ROWS_H_
