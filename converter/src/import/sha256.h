// SHA-256 (FIPS 180-4) of source files, for the model's provenance.
#ifndef EMBERT_CONVERTER_IMPORT_SHA256_H_
#define EMBERT_CONVERTER_IMPORT_SHA256_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace embert::convert {

class Sha256 {
 public:
  Sha256();
  void Update(const void* data, size_t size);
  std::string HexDigest();  // finishes the hash

 private:
  void Block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_ = 0;
};

// Lower-case hex SHA-256 of a whole file (mapped, not read into memory).
std::string Sha256File(const std::string& path, uint64_t* size);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_SHA256_H_
