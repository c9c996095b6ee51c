// One safetensors file (internal: the sharded reader is made of these).
#ifndef EMBERT_CONVERTER_READERS_SAFETENSORS_READER_H_
#define EMBERT_CONVERTER_READERS_SAFETENSORS_READER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "readers/checkpoint.h"
#include "readers/mapped_file.h"

namespace embert::convert {

class SafetensorsReader : public CheckpointReader {
 public:
  explicit SafetensorsReader(std::unique_ptr<MappedFile> file);  // validates everything; throws ConvertError

  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  std::vector<float> ReadFloat32(const std::string& name) const override;
  std::string format() const override { return "safetensors"; }
  std::vector<std::string> files() const override { return {file_->path()}; }

  const TensorInfo* Find(const std::string& name) const;

 private:
  struct Extent {
    size_t index;    // into tensors_
    uint64_t begin;  // byte offset in the data section
    uint64_t count;  // elements
  };

  std::unique_ptr<MappedFile> file_;
  const uint8_t* data_ = nullptr;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, Extent> extents_;
};

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_SAFETENSORS_READER_H_
