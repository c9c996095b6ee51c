// The central directory of a zip archive as torch.save writes it (entries
// stored uncompressed, zip64 when large). Only locates entries: the data
// stays in the mapped file.
#ifndef EMBERT_CONVERTER_READERS_ZIP_ARCHIVE_H_
#define EMBERT_CONVERTER_READERS_ZIP_ARCHIVE_H_

#include <cstdint>
#include <map>
#include <string>

#include "readers/mapped_file.h"

namespace embert::convert {

struct ZipEntry {
  uint64_t offset;  // of the entry's data in the file
  uint64_t size;
};

// Name -> entry; every entry lies inside the file. Throws ConvertError for
// a damaged archive or a compressed entry.
std::map<std::string, ZipEntry> ReadZipDirectory(const MappedFile& file);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_ZIP_ARCHIVE_H_
