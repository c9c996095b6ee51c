// One dense layer of a context, prepared once inside the arena and run many
// times without allocating: y = x W^T + b on fp32 rows.
//
// Engines: int8 weights run the qgemm kernels (the project's own, exact
// integer arithmetic of qgemm.h); fp32 weights run XNNPACK's fully connected
// operator or the portable reference loop.
#ifndef EMBERT_SDK_BACKEND_LINEAR_H_
#define EMBERT_SDK_BACKEND_LINEAR_H_

#include <pthreadpool.h>

#include <cstddef>
#include <cstdint>

#include "backend/qgemm.h"
#include "core/status.h"
#include "format/weights.h"
#include "memory/arena.h"

struct xnn_operator;

namespace embert {

// What every linear layer of one context shares.
struct LinearEngine {
  bool use_xnnpack = false;                 // fp32 layers on XNNPACK
  const qgemm::Kernels* kernels = nullptr;  // int8 layers
  pthreadpool_t pool = nullptr;
  // int8 activations of the current layer: [max_rows][PaddedK(max_in)].
  int8_t* q = nullptr;
  float* q_scales = nullptr;
};

// Plans the shared int8 activation buffer for layers of up to `max_in`
// inputs and `max_rows` rows.
bool PlanLinearScratch(LinearEngine* engine, size_t max_rows, size_t max_in, Arena& arena);

class LinearOp {
 public:
  LinearOp() = default;
  ~LinearOp();
  LinearOp(const LinearOp&) = delete;
  LinearOp& operator=(const LinearOp&) = delete;

  // `out_stride` (floats) lets three projections write column slices of one
  // buffer; rows of x are contiguous (stride = in).
  Status Prepare(const LinearView& w, const LinearEngine& engine, size_t out_stride, Arena& arena);

  // x: [rows][in], y: [rows][out_stride]. rows <= the context's max.
  void Run(const LinearEngine& engine, const float* x, size_t rows, float* y) const;

  // Layers that read the same input (Q, K and V) quantize it once: true if
  // this layer's int8 input equals `other`'s for the same x.
  bool SharesQuantizedInputWith(const LinearOp& other) const;
  // Quantizes x into the engine's shared buffer, then runs on it.
  void Quantize(const LinearEngine& engine, const float* x, size_t rows) const;
  void RunQuantized(const LinearEngine& engine, size_t rows, float* y) const;

  void Release();

  const LinearView& view() const { return w_; }

 private:
  enum class Kind { kNone, kF32Reference, kF32Xnnpack, kInt8 } kind_ = Kind::kNone;
  LinearView w_;
  const void* packed_ = nullptr;    // qgemm packed weights, or the raw rows
  float* smoothing_mul_ = nullptr;  // 1 / input_smoothing
  size_t out_stride_ = 0;
  xnn_operator* xnn_op_ = nullptr;
};

}  // namespace embert

#endif  // EMBERT_SDK_BACKEND_LINEAR_H_
