#include "backend/pack_layouts.h"

#include <cstring>

namespace embert::qgemm {

void PackWeights(const PackLayout& layout, const int8_t* w, size_t n, size_t k, void* packed) {
  const size_t width = layout.Width(), lanes = layout.lanes;
  const size_t steps = (k + 3) / 4;
  if (layout.kind == PackKind::kDotU8) {
    auto* out = static_cast<uint8_t*>(packed);
    std::memset(out, 128, layout.Bytes(n, k));  // u8 128 = weight 0
    for (size_t c = 0; c < n; ++c) {
      const size_t panel = c / width, j = (c % width) / lanes, lane = c % lanes;
      uint8_t* dst = out + panel * steps * width * 4 + j * lanes * 4 + lane * 4;
      for (size_t i = 0; i < k; ++i) {
        dst[(i / 4) * width * 4 + i % 4] = static_cast<uint8_t>(w[c * k + i] + 128);
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
