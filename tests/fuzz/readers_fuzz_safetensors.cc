// libFuzzer target: arbitrary bytes as a safetensors file. Opening and
// reading every tensor must end in tensors or a ConvertError; any other
// exception escapes and is reported, as are crashes, out-of-bounds reads
// (ASan) and allocations past -rss_limit_mb.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "readers/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto reader =
        embert::convert::OpenSafetensorsBytes(std::vector<uint8_t>(data, data + size), "fuzz.safetensors");
    for (const auto& t : reader->tensors()) reader->ReadFloat32(t.name);
  } catch (const embert::convert::ConvertError&) {
  }
  return 0;
}
