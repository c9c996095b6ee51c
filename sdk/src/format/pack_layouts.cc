#include "format/pack_layouts.h"

#include <cstring>

namespace embert::qgemm {

void PackWeights(const PackLayout& layout, const int8_t* w, size_t n, size_t k, void* packed) {
  const size_t width = layout.Width(), lanes = layout.lanes;
  const size_t steps = (k + 3) / 4;
  if (layout.kind == PackKind::kDotU8) {
    // Within a panel's step the channels' 4-byte groups are consecutive
    // (channel c at (c % width) * 4), so the output is written in order, 4
    // bytes at a time, while the panel's rows are read in step: a BERT-base
    // context packs its 85 MB several times faster than byte by byte with
    // the layout's stride (benchmarks/RESULTS.md).
    auto* out = static_cast<uint8_t*>(packed);
    const size_t full_steps = k / 4;
    for (size_t panel = 0; panel * width < n; ++panel) {
      const size_t c0 = panel * width;
      const size_t channels = n - c0 < width ? n - c0 : width;
      uint8_t* dst = out + panel * steps * width * 4;
      for (size_t s = 0; s < steps; ++s, dst += width * 4) {
        for (size_t cw = 0; cw < channels; ++cw) {
          const int8_t* src = w + (c0 + cw) * k + 4 * s;
          uint8_t group[4] = {128, 128, 128, 128};  // u8 128 = weight 0 (K padding)
          if (s < full_steps) {
            std::memcpy(group, src, 4);
            for (uint8_t& b : group) b ^= 0x80;  // int8 w -> u8 w + 128
          } else {
            for (size_t i = 0; 4 * s + i < k; ++i) group[i] = static_cast<uint8_t>(src[i] + 128);
          }
          std::memcpy(dst + cw * 4, group, 4);
        }
        std::memset(dst + channels * 4, 128, (width - channels) * 4);  // channel padding
      }
    }
    return;
  }
  auto* out = static_cast<int16_t*>(packed);
  std::memset(out, 0, layout.Bytes(n, k));
  for (size_t c = 0; c < n; ++c) {
    const size_t panel = c / width, j = (c % width) / lanes, lane = c % lanes;
    int16_t* dst = out + panel * steps * width * 4 + j * lanes * 4 + lane * 2;
    for (size_t i = 0; i < k; ++i) {
      const size_t second_pair = (i % 4) / 2;
      dst[(i / 4) * width * 4 + second_pair * lanes * 2 + i % 2] = w[c * k + i];
    }
  }
}

const PackLayout* FileLayout(uint8_t schema_layout) {
  switch (schema_layout) {
    case 1: return &kFileDotU8W16;
    case 2: return &kFileDotU8W32;
    default: return nullptr;
  }
}

void UnpackDotU8(const PackLayout& layout, const void* packed, size_t n, size_t k, int8_t* w) {
  const size_t width = layout.Width(), lanes = layout.lanes;
  const size_t steps = (k + 3) / 4;
  const auto* in = static_cast<const uint8_t*>(packed);
  for (size_t c = 0; c < n; ++c) {
    const size_t panel = c / width, j = (c % width) / lanes, lane = c % lanes;
    const uint8_t* src = in + panel * steps * width * 4 + j * lanes * 4 + lane * 4;
    for (size_t i = 0; i < k; ++i) {
      w[c * k + i] = static_cast<int8_t>(static_cast<int>(src[(i / 4) * width * 4 + i % 4]) - 128);
    }
  }
}

}  // namespace embert::qgemm
