// The bytes of one checkpoint file: memory-mapped read-only (a 440 MB
// BERT-base checkpoint is not read until a tensor is asked for, and only
// the pages of that tensor), or, for tests and fuzzers, bytes handed over.
#ifndef EMBERT_CONVERTER_READERS_MAPPED_FILE_H_
#define EMBERT_CONVERTER_READERS_MAPPED_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace embert::convert {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws ConvertError
  MappedFile(std::vector<uint8_t> bytes, std::string name);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<uint8_t> owned_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
};

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_MAPPED_FILE_H_
