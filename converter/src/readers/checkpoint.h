// Checkpoint readers: named tensors out of the files people have.
#ifndef EMBERT_CONVERTER_READERS_CHECKPOINT_H_
#define EMBERT_CONVERTER_READERS_CHECKPOINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "readers/convert_error.h"

namespace embert::convert {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, U16, U32, U64 };
const char* DTypeName(DType dtype);
size_t DTypeSize(DType dtype);

struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
};

class CheckpointReader {
 public:
  virtual ~CheckpointReader() = default;
  virtual const std::vector<TensorInfo>& tensors() const = 0;  // in file order
  // Row-major data converted to float32.
  virtual std::vector<float> ReadFloat32(const std::string& name) const = 0;
  virtual std::string format() const = 0;
  // Files read (for provenance), relative to what the caller opened.
  virtual std::vector<std::string> files() const = 0;
};

std::unique_ptr<CheckpointReader> OpenSafetensors(const std::string& path);
std::unique_ptr<CheckpointReader> OpenShardedSafetensors(const std::string& index_json_path);
// pytorch_model.bin: the zip format (torch >= 1.6) or the legacy one, by content.
std::unique_ptr<CheckpointReader> OpenTorch(const std::string& path);

// Converts `count` little-endian elements of `dtype` at `data` to float32.
void ToFloat32(DType dtype, const uint8_t* data, size_t count, float* out);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_CHECKPOINT_H_
