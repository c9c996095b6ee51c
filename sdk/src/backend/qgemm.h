// The int8 arithmetic of every engine, and the kernel table an engine fills.
//
// One linear layer y = x W^T + b with int8 W [N][K] (scale w_scale[n] per
// output channel) and x quantized per row (token) at run time:
//
//   absmax_m  = max_k |x[m][k] * mul[k]|        (mul = 1/smoothing, or 1)
//   a_scale_m = absmax_m / 127                   (0 for an all-zero row)
//   q[m][k]   = nearest-even(x[m][k] * mul[k] * (127 / absmax_m)), |q| <= 127
//   acc[m][n] = sum_k q[m][k] * W[n][k]          (exact, int32)
//   y[m][n]   = fma((float)acc[m][n], a_scale_m * w_scale[n], b[n])
//
// Static activations (Linear.input_scale = s > 0, bert-convert --activations
// static) replace the first three lines with one scale for every row:
//
//   a_scale_m = s
//   q[m][k]   = clamp(nearest-even(x[m][k] * mul[k] * (1 / s)), -127, 127)
//
// computed by QuantizeStatic below for every engine (one portable loop, so
// the engines cannot differ).
//
// Every engine that claims this arithmetic computes these values bit-exactly
// (tests/backend compares them); the float operations are written so that no
// compiler contraction changes them (the SDK builds with -ffp-contract=off).
#ifndef EMBERT_SDK_BACKEND_QGEMM_H_
#define EMBERT_SDK_BACKEND_QGEMM_H_

#include <cstddef>
#include <cstdint>

namespace embert::qgemm {

// Rows of quantized activations are padded with zeros to a multiple of this
// many bytes, so kernels may read whole vectors.
constexpr size_t kRowAlign = 64;

inline size_t PaddedK(size_t k) { return (k + kRowAlign - 1) / kRowAlign * kRowAlign; }

// Where quantized activation (m, k) lives in the buffer a level's quantize
// writes and its gemm reads, rows of `stride` = PaddedK(K) bytes:
//   kRows      row after row: m * stride + k
//   kRowQuads  rows in groups of 4, each group's K in steps of 4 bytes with
//              the 4 rows' 4 bytes side by side: one 16-byte vector holds
//              4 rows x 4 values, what a by-element dot product multiplies
//              with 4 values of one weight row (backend/arm/qgemm_neon_dot.cc)
//              (m / 4) * 4 * stride + (k / 4) * 16 + (m % 4) * 4 + k % 4
// A quads buffer holds whole groups: RowsToPlan(rows) rows.
enum class ActivationLayout : uint8_t { kRows, kRowQuads };

inline size_t ActivationOffset(ActivationLayout layout, size_t m, size_t k, size_t stride) {
  if (layout == ActivationLayout::kRows) return m * stride + k;
  return m / 4 * 4 * stride + k / 4 * 16 + m % 4 * 4 + k % 4;
}

// Rows of activation buffer (and scales) to plan for `rows` rows.
inline size_t RowsToPlan(size_t rows) { return (rows + 3) / 4 * 4; }

// Row m's values [k0, k0 + count) from `src` into a buffer in `layout`
// (byte by byte: for tails, padding and the static quantizer's chunks;
// src == nullptr writes zeros).
inline void WriteRowBytes(ActivationLayout layout, int8_t* q, size_t stride, size_t m, size_t k0, const int8_t* src,
                          size_t count) {
  for (size_t i = 0; i < count; ++i) q[ActivationOffset(layout, m, k0 + i, stride)] = src ? src[i] : 0;
}

struct QuantizeArgs {
  const float* x;  // [rows][x_stride]
  size_t x_stride;
  size_t rows;
  size_t cols;       // K
  const float* mul;  // [cols] or nullptr
  int8_t* q;         // rows of q_stride = PaddedK(cols) bytes in `layout`, from row 0 of
                     // q (a thread's slice starts at a multiple of 4 rows for kRowQuads,
                     // or q points at its group and first_row says where in it);
                     // padding written as 0
  size_t q_stride;
  float* scales;  // [rows]
  ActivationLayout layout = ActivationLayout::kRows;
  size_t first_row = 0;  // kRowQuads: the slice's first row's place in its group (0..3)
};

struct GemmArgs {
  const int8_t* a;  // [M][a_stride] in the level's layout (Kernels::a_layout),
                    // a_stride = PaddedK(K), zero padded; values in [-127, 127] as
                    // every quantizer makes them (the NEON level's int16 sums of
                    // two products rely on it; weights may be -128)
  size_t a_stride;
  const float* a_scales;  // [M]
  const void* b;          // packed weights (or the raw [N][K] rows when pack is null)
  const float* b_scales;  // [N]
  const float* bias;      // [N] or nullptr (then 0)
  float* out;             // [M][out_stride]
  size_t out_stride;
  size_t m, n, k;
};

// A set of kernels for one CPU feature level.
struct Kernels {
  const char* name;
  // Bytes of the packed form of an [N][K] weight, 0 if this kernel reads the
  // raw rows (then pack is nullptr).
  size_t (*packed_size)(size_t n, size_t k);
  void (*pack)(const int8_t* w, size_t n, size_t k, void* packed);
  void (*quantize)(const QuantizeArgs& args);
  // Computes rows [m0, m1) and columns [n0, n1) of the output; threads split
  // the work by these ranges. n0 and n1 are multiples of n_block (or n1 = N).
  void (*gemm)(const GemmArgs& args, size_t m0, size_t m1, size_t n0, size_t n1);
  size_t n_block;
  // The schema::Layout of weights a file may store already in this kernel's
  // packed form (bert-convert --pack), read in place; 0 if none.
  uint8_t file_layout;
  // How quantize writes and gemm reads the activations.
  ActivationLayout a_layout = ActivationLayout::kRows;
};

// The static-scale quantization above; args.scales[r] = scale for every row.
// A NaN input becomes 127, never an int cast of NaN.
void QuantizeStatic(const QuantizeArgs& args, float scale);

// Portable C++ kernels: the definition of the arithmetic above.
const Kernels& ReferenceKernels();

// The fastest kernels this CPU runs (cpuinfo must be initialised), falling
// back to ReferenceKernels().
const Kernels& BestKernels();

}  // namespace embert::qgemm

#endif  // EMBERT_SDK_BACKEND_QGEMM_H_
