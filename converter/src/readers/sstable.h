// An SSTable in the LevelDB table format, as TensorFlow writes the .index of
// a tensor bundle: data blocks of prefix-compressed keys with restart
// points, an index block of handles to them, a metaindex block and a
// 48-byte footer. The whole table is read and checked at once (an index is
// small: one entry per tensor).
#ifndef EMBERT_CONVERTER_READERS_SSTABLE_H_
#define EMBERT_CONVERTER_READERS_SSTABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace embert::convert {

// Every key and value in key order. Checks the footer magic, every block
// handle against the file, every block's masked crc32c and compression
// type (none or Snappy), the restart array, the key prefix lengths, and that
// keys strictly increase; a ConvertError naming `path` otherwise.
// `verify_crc` false is for the fuzzer only: it lets mutated bytes reach the
// block parser instead of stopping at the checksum.
std::vector<std::pair<std::string, std::string>> ReadSsTable(const uint8_t* data, size_t size, const std::string& path,
                                                             bool verify_crc = true);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_SSTABLE_H_
