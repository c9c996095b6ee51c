// Packed weight layouts of the x86 kernels (portable code: contexts pack
// weights with it once per layer, bert-convert --pack writes files with it on
// any host, and any CPU can unpack such a file).
//
// Output channels are grouped in panels of `lanes * panel_vecs` channels (one
// micro-tile's width; the last panel is padded), K in steps of 4. Per panel,
// per step s (k = 4s .. 4s+3), per vector j of the panel, per lane c (channel
// panel * width + j * lanes + c):
//
//   kDotU8:    4 bytes  W[n][4s+i] + 128 as uint8, i = 0..3
//              (vpdpbusd multiplies u8 x s8: the weights take the unsigned
//              side so the activations are used as they are; the kernel
//              subtracts 128 * sum_k a[m][k], one number per row)
//   kMaddI16:  a vector of int16 pairs (W[n][4s], W[n][4s+1]), then one of
//              (W[n][4s+2], W[n][4s+3])
//              (vpmaddwd on int16 is exact for any int8 product pair, where
//              vpmaddubsw would saturate)
//
// so a micro-tile reads one contiguous stream: per step, panel_vecs units of
// `lanes` x 4 products each. Padding (K beyond k, channels beyond n) is the
// value of a zero weight; the activations' own padding is zero too.
#ifndef EMBERT_SDK_FORMAT_PACK_LAYOUTS_H_
#define EMBERT_SDK_FORMAT_PACK_LAYOUTS_H_

#include <cstddef>
#include <cstdint>

namespace embert::qgemm {

enum class PackKind { kDotU8, kMaddI16 };

struct PackLayout {
  PackKind kind;
  size_t lanes;       // int32 lanes of one vector = channels per vector
  size_t panel_vecs;  // vectors per micro-tile row
  constexpr size_t Width() const { return lanes * panel_vecs; }
  constexpr size_t ElementBytes() const { return kind == PackKind::kDotU8 ? 1 : 2; }
  // Bytes of one K step (4 values) of one panel.
  constexpr size_t StepBytes() const { return Width() * 4 * ElementBytes(); }
  constexpr size_t PanelBytes(size_t k) const { return (k + 3) / 4 * StepBytes(); }
  constexpr size_t Bytes(size_t n, size_t k) const { return (n + Width() - 1) / Width() * PanelBytes(k); }
};

void PackWeights(const PackLayout& layout, const int8_t* w, size_t n, size_t k, void* packed);

// The packed layouts a .embert file may hold (schema Layout, 1 byte per
// weight): the kDotU8 layouts of the AVX-VNNI (ymm) and AVX-512 VNNI (zmm)
// kernels, whose contexts then read the weights in place.
inline constexpr PackLayout kFileDotU8W16{PackKind::kDotU8, 8, 2};   // schema DOT_U8_W16
inline constexpr PackLayout kFileDotU8W32{PackKind::kDotU8, 16, 2};  // schema DOT_U8_W32
// schema::Layout value -> its layout; nullptr for ROW_MAJOR and unknown values.
const PackLayout* FileLayout(uint8_t schema_layout);

// The inverse of PackWeights for kDotU8 layouts: [n][k] int8 rows (padding
// ignored).
void UnpackDotU8(const PackLayout& layout, const void* packed, size_t n, size_t k, int8_t* w);

}  // namespace embert::qgemm

#endif  // EMBERT_SDK_FORMAT_PACK_LAYOUTS_H_
