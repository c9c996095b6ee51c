// libFuzzer target: arbitrary bytes as a TensorFlow bundle. Layout of the
// input: one byte n (shards = n % 4 + 1; bit 2 set: crc32c not checked, so
// mutations get past the checksums), a u32 little-endian index length,
// the index, then the rest split evenly into the shards. Opening and reading
// every tensor must end in tensors or a ConvertError; anything else is a
// finding (crash, ASan/UBSan report, other exception, RSS past the limit).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "readers/checkpoint.h"
#include "readers/tf_bundle_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const size_t shards = data[0] % 4 + 1;
  const bool unchecked = (data[0] & 4) != 0;
  size_t index_len = static_cast<size_t>(data[1]) | static_cast<size_t>(data[2]) << 8 |
                     static_cast<size_t>(data[3]) << 16 | static_cast<size_t>(data[4]) << 24;
  data += 5;
  size -= 5;
  if (index_len > size) index_len = size;
  std::vector<uint8_t> index(data, data + index_len);
  std::vector<std::vector<uint8_t>> parts;
  const size_t rest = size - index_len;
  for (size_t i = 0; i < shards; ++i) {
    const uint8_t* begin = data + index_len + rest * i / shards;
    const uint8_t* end = data + index_len + rest * (i + 1) / shards;
    parts.emplace_back(begin, end);
  }
  try {
    const auto reader =
        unchecked ? embert::convert::OpenTfBundleBytesUncheckedForFuzzing(std::move(index), std::move(parts), "fuzz")
                  : embert::convert::OpenTfBundleBytes(std::move(index), std::move(parts), "fuzz");
    for (const auto& t : reader->tensors()) reader->ReadFloat32(t.name);
  } catch (const embert::convert::ConvertError&) {
  }
  return 0;
}
