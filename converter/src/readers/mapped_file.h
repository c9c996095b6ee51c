// A read-only memory map of a whole file (checkpoints can be gigabytes:
// nothing is read until a tensor is asked for).
#ifndef EMBERT_CONVERTER_READERS_MAPPED_FILE_H_
#define EMBERT_CONVERTER_READERS_MAPPED_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace embert::convert {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws ConvertError
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_MAPPED_FILE_H_
