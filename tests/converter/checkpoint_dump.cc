// Test tool: lists what a checkpoint reader sees, as JSON lines
// {"name", "dtype", "shape", "values"} (values as float32), so that tests can
// compare the readers with the expected values other tools recorded.
//   checkpoint_dump safetensors|torch FILE
#include <cstdio>
#include <string>

#include "readers/checkpoint.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: checkpoint_dump safetensors|torch FILE\n");
    return 2;
  }
  try {
    const std::string kind = argv[1];
    auto reader = kind == "torch" ? embert::convert::OpenTorch(argv[2]) : embert::convert::OpenSafetensors(argv[2]);
    for (const auto& t : reader->tensors()) {
      std::printf("{\"name\":\"%s\",\"dtype\":\"%s\",\"shape\":[", t.name.c_str(), embert::convert::DTypeName(t.dtype));
      for (size_t i = 0; i < t.shape.size(); ++i)
        std::printf("%s%lld", i ? "," : "", static_cast<long long>(t.shape[i]));
      std::printf("],\"values\":[");
      const auto v = reader->ReadFloat32(t.name);
      for (size_t i = 0; i < v.size(); ++i) std::printf("%s%.9g", i ? "," : "", v[i]);
      std::printf("]}\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "checkpoint_dump: %s\n", e.what());
    return 1;
  }
  return 0;
}
