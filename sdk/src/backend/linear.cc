#include "backend/linear.h"

#include <cmath>
#include <limits>

#include "backend/split_rows.h"
#include "format/pack_layouts.h"

#if defined(EMBERT_WITH_XNNPACK)
#include <xnnpack.h>

#include "backend/xnnpack_arena.h"
#endif

namespace embert {
namespace {

Status ArenaTooSmall() { return Status::Error(EMBERT_STATUS_ARENA_TOO_SMALL, "arena too small"); }

void RunF32Reference(const LinearView& w, const float* x, size_t rows, float* y, size_t y_stride) {
  const float* weight = static_cast<const float*>(w.weight.data);
  for (size_t m = 0; m < rows; ++m) {
    const float* xr = x + m * w.in;
    float* yr = y + m * y_stride;
    for (size_t n = 0; n < w.out; ++n) {
      const float* wr = weight + n * w.in;
      float acc = 0.0f;
      for (size_t k = 0; k < w.in; ++k) acc += xr[k] * wr[k];
      yr[n] = acc + w.bias[n];
    }
  }
}

struct GemmTask {
  const qgemm::Kernels* kernels;
  qgemm::GemmArgs args;
};

void GemmTile(void* context, size_t n0, size_t count) {
  const auto* task = static_cast<const GemmTask*>(context);
  task->kernels->gemm(task->args, 0, task->args.m, n0, n0 + count);
}

struct QuantizeTask {
  const qgemm::Kernels* kernels;
  qgemm::QuantizeArgs args;
  float input_scale;  // > 0: static quantization
};

// Rows are quantized independently (a scale per row, or the one static
// scale), so splitting them (SplitRows) changes nothing in the result.
void QuantizeRows(void* context, size_t r0, size_t count) {
  const auto* task = static_cast<const QuantizeTask*>(context);
  qgemm::QuantizeArgs a = task->args;
  a.x += r0 * a.x_stride;
  a.scales += r0;
  a.rows = count;
  if (a.layout == qgemm::ActivationLayout::kRows) {
    a.q += r0 * a.q_stride;
  } else {  // from r0's group (threads write disjoint bytes of a shared group)
    a.q += qgemm::ActivationOffset(a.layout, r0 / 4 * 4, 0, a.q_stride);
    a.first_row = r0 % 4;
  }
  if (task->input_scale > 0.0f) {
    qgemm::QuantizeStatic(a, task->input_scale);
  } else {
    task->kernels->quantize(a);
  }
}

}  // namespace

bool PlanLinearScratch(LinearEngine* engine, size_t max_rows, size_t max_in, Arena& arena) {
  // Whole groups of rows for kernels that read activations in row quads.
  const size_t rows = qgemm::RowsToPlan(max_rows);
  engine->q = arena.AllocateArray<int8_t>(rows * qgemm::PaddedK(max_in));
  engine->q_scales = arena.AllocateArray<float>(rows);
  return !arena.overflowed();
}

LinearOp::~LinearOp() { Release(); }

void LinearOp::Release() {
#if defined(EMBERT_WITH_XNNPACK)
  if (xnn_op_ != nullptr) xnn_delete_operator(xnn_op_);
#endif
  xnn_op_ = nullptr;
  kind_ = Kind::kNone;
}

Status LinearOp::Prepare(const LinearView& w, const LinearEngine& engine, size_t out_stride, Arena& arena) {
  Release();
  w_ = w;
  out_stride_ = out_stride;
  if (w.weight.int8) {
    kind_ = Kind::kInt8;
    const qgemm::Kernels& k = *engine.kernels;
    if (w.weight.layout != 0 && w.weight.layout == k.file_layout) {
      packed_ = w.weight.data;  // packed by the converter for this kernel: in place
    } else {
      const auto* rows = static_cast<const int8_t*>(w.weight.data);
      if (w.weight.layout != 0) {
        // Packed for another CPU's kernel: this engine needs the rows back
        // (bert-convert without --pack writes files every engine reads in place).
        int8_t* unpacked = arena.AllocateArray<int8_t>(size_t{w.out} * w.in);
        if (arena.overflowed()) return ArenaTooSmall();
        if (unpacked != nullptr) {
          qgemm::UnpackDotU8(*qgemm::FileLayout(w.weight.layout), w.weight.data, w.out, w.in, unpacked);
        }
        rows = unpacked;
      }
      const size_t packed_size = k.packed_size(w.out, w.in);
      if (packed_size == 0) {
        packed_ = rows;  // read in place
      } else {
        void* packed = arena.Allocate(packed_size);
        if (arena.overflowed()) return ArenaTooSmall();
        if (packed != nullptr && rows != nullptr) k.pack(rows, w.out, w.in, packed);
        packed_ = packed;
      }
    }
    if (w.smoothing != nullptr) {
      smoothing_mul_ = arena.AllocateArray<float>(w.in);
      if (arena.overflowed()) return ArenaTooSmall();
      if (smoothing_mul_ != nullptr) {
        for (size_t i = 0; i < w.in; ++i) smoothing_mul_[i] = 1.0f / w.smoothing[i];
      }
    }
    return Status::Ok();
  }
#if defined(EMBERT_WITH_XNNPACK)
  if (engine.use_xnnpack) {
    kind_ = Kind::kF32Xnnpack;
    ScopedXnnpackArena scope(&arena);
    const xnn_status s = xnn_create_fully_connected_nc_f32(
        w.in, w.out, w.in, out_stride, static_cast<const float*>(w.weight.data), w.bias,
        -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity(), 0, &xnn_op_);
    if (s == xnn_status_out_of_memory && arena.overflowed()) return ArenaTooSmall();
    if (s != xnn_status_success) {
      xnn_op_ = nullptr;
      return Status::Error(EMBERT_STATUS_BACKEND_ERROR, "XNNPACK refused a %ux%u fully connected layer (status %d)",
                           w.out, w.in, static_cast<int>(s));
    }
    return Status::Ok();
  }
#endif
  kind_ = Kind::kF32Reference;
  return Status::Ok();
}

void LinearOp::Run(const LinearEngine& engine, const float* x, size_t rows, float* y) const {
  switch (kind_) {
    case Kind::kNone: return;
    case Kind::kF32Reference: RunF32Reference(w_, x, rows, y, out_stride_); return;
    case Kind::kF32Xnnpack:
#if defined(EMBERT_WITH_XNNPACK)
      // Setup only re-points the operator (no allocation, no re-packing).
      xnn_setup_fully_connected_nc_f32(xnn_op_, rows, x, y, engine.pool);
      xnn_run_operator(xnn_op_, engine.pool);
#endif
      return;
    case Kind::kInt8:
      Quantize(engine, x, rows);
      RunQuantized(engine, rows, y);
      return;
  }
}

bool LinearOp::SharesQuantizedInputWith(const LinearOp& other) const {
  return kind_ == Kind::kInt8 && other.kind_ == Kind::kInt8 && w_.in == other.w_.in &&
         w_.smoothing == other.w_.smoothing && w_.input_scale == other.w_.input_scale;
}

void LinearOp::Quantize(const LinearEngine& engine, const float* x, size_t rows) const {
  const size_t stride = qgemm::PaddedK(w_.in);
  const qgemm::ActivationLayout layout = engine.kernels->a_layout;
  QuantizeTask task{engine.kernels,
                    {x, w_.in, rows, w_.in, smoothing_mul_, engine.q, stride, engine.q_scales, layout},
                    w_.input_scale};
  // Below this many elements a parallel region costs more than it saves
  // (BERT-base: 16 tokens x 768 run alone, 128 x 768 split).
  constexpr size_t kMinSplit = 32768;
  SplitRows(rows * w_.in < kMinSplit ? nullptr : engine.pool, QuantizeRows, &task, rows);
}

void LinearOp::RunQuantized(const LinearEngine& engine, size_t rows, float* y) const {
  const qgemm::Kernels& k = *engine.kernels;
  GemmTask task{&k,
                {engine.q, qgemm::PaddedK(w_.in), engine.q_scales, packed_, w_.weight.scales, w_.bias, y, out_stride_,
                 rows, w_.out, w_.in}};
  const size_t threads = engine.pool ? pthreadpool_get_threads_count(engine.pool) : 1;
  if (threads <= 1) {
    k.gemm(task.args, 0, rows, 0, w_.out);
    return;
  }
  // Split the output channels: with batch-1 BERT the rows (tokens) are
  // few, the channels many.
  size_t tile = (w_.out + threads - 1) / threads;
  tile = (tile + k.n_block - 1) / k.n_block * k.n_block;
  pthreadpool_parallelize_1d_tile_1d(engine.pool, GemmTile, &task, w_.out, tile, 0);
}

}  // namespace embert
