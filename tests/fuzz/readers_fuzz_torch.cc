// libFuzzer target: arbitrary bytes as a torch.save file (zip or legacy
// pickle). Opening and reading every tensor must end in tensors or a
// ConvertError; the pickle interpreter must never run or allocate what the
// input asks for beyond its limits.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "readers/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto reader = embert::convert::OpenTorchBytes(std::vector<uint8_t>(data, data + size), "fuzz.pt");
    for (const auto& t : reader->tensors()) reader->ReadFloat32(t.name);
  } catch (const embert::convert::ConvertError&) {
  }
  return 0;
}
