// Fuzzes the converter's readers (safetensors, torch.save, JSON): arbitrary
// bytes give a ConvertError/ParseError or tensors, never a crash, an
// out-of-bounds read or an unbounded allocation.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "json/json.h"
#include "readers/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
#if defined(EMBERT_FUZZ_JSON)
  try {
    embert::json::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const embert::json::ParseError&) {
  }
#else
  // The readers map files: write the input to a private temporary file.
  char path[] = "/tmp/embert-fuzz-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    unlink(path);
    return 0;
  }
  close(fd);
  try {
#if defined(EMBERT_FUZZ_TORCH)
    auto r = embert::convert::OpenTorch(path);
#else
    auto r = embert::convert::OpenSafetensors(path);
#endif
    for (const auto& t : r->tensors()) r->ReadFloat32(t.name);
  } catch (const std::exception&) {
  }
  unlink(path);
#endif
  return 0;
}
