// libFuzzer target: arbitrary bytes as a MindSpore .ckpt. Opening and
// reading every tensor must end in tensors or a ConvertError.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "readers/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto reader = embert::convert::OpenMindSporeBytes(std::vector<uint8_t>(data, data + size), "fuzz.ckpt");
    for (const auto& t : reader->tensors()) reader->ReadFloat32(t.name);
  } catch (const embert::convert::ConvertError&) {
  }
  return 0;
}
