#include "readers/zip_archive.h"

#include "readers/checked_math.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr uint32_t kDirectoryEntry = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint64_t kEndSize = 22, kZip64LocatorSize = 20, kZip64EndSize = 56;
constexpr uint64_t kEntrySize = 46, kLocalSize = 30;

// [offset, offset + length) lies inside [0, limit), without overflow.
bool Inside(uint64_t offset, uint64_t length, uint64_t limit) { return offset <= limit && length <= limit - offset; }

}  // namespace

std::map<std::string, ZipEntry> ReadZipDirectory(const MappedFile& f) {
  const uint8_t* d = f.data();
  const uint64_t n = f.size();
  auto fail = [&](const std::string& why) -> void { throw ConvertError(f.path() + ": damaged zip: " + why); };
  if (n < kEndSize) fail("too short");

  // The end record sits in the last 22 + 65535 (comment) bytes.
  uint64_t eocd = n - kEndSize;
  const uint64_t stop = n > kEndSize + 65535 ? n - kEndSize - 65535 : 0;
  while (LoadLe(d + eocd, 4) != kEndOfDirectory) {
    if (eocd == stop) fail("no end of central directory record (truncated?)");
    --eocd;
  }
  uint64_t entries = LoadLe(d + eocd + 10, 2);
  uint64_t dir_size = LoadLe(d + eocd + 12, 4);
  uint64_t dir_offset = LoadLe(d + eocd + 16, 4);
  if (eocd >= kZip64LocatorSize && LoadLe(d + eocd - kZip64LocatorSize, 4) == kZip64Locator) {
    const uint64_t z64 = LoadLe(d + eocd - kZip64LocatorSize + 8, 8);
    if (!Inside(z64, kZip64EndSize, n) || LoadLe(d + z64, 4) != kZip64EndOfDirectory) fail("bad zip64 end record");
    entries = LoadLe(d + z64 + 32, 8);
    dir_size = LoadLe(d + z64 + 40, 8);
    dir_offset = LoadLe(d + z64 + 48, 8);
  }
  if (!Inside(dir_offset, dir_size, n)) fail("central directory outside the file");
  const uint64_t dir_end = dir_offset + dir_size;

  std::map<std::string, ZipEntry> out;
  uint64_t p = dir_offset;
  // Each entry takes >= 46 bytes of the directory, which bounds the loop.
  for (uint64_t e = 0; e < entries; ++e) {
    if (!Inside(p, kEntrySize, dir_end) || LoadLe(d + p, 4) != kDirectoryEntry) fail("bad central directory entry");
    const uint64_t flags = LoadLe(d + p + 8, 2);
    const uint64_t method = LoadLe(d + p + 10, 2);
    uint64_t csize = LoadLe(d + p + 20, 4), usize = LoadLe(d + p + 24, 4);
    const uint64_t name_len = LoadLe(d + p + 28, 2), extra_len = LoadLe(d + p + 30, 2);
    const uint64_t comment_len = LoadLe(d + p + 32, 2);
    uint64_t local = LoadLe(d + p + 42, 4);
    const uint64_t record = kEntrySize + name_len + extra_len + comment_len;
    if (!Inside(p, record, dir_end)) fail("central directory entry runs past the directory");
    const std::string name(reinterpret_cast<const char*>(d + p + kEntrySize), name_len);
    // zip64 extra field: 8-byte values for the fields saturated at 0xFFFFFFFF, in this order.
    const uint64_t extra_end = p + kEntrySize + name_len + extra_len;
    for (uint64_t x = p + kEntrySize + name_len; x + 4 <= extra_end;) {
      const uint64_t id = LoadLe(d + x, 2), len = LoadLe(d + x + 2, 2);
      if (!Inside(x + 4, len, extra_end)) fail("bad extra field in " + name);
      if (id == 1) {
        uint64_t q = x + 4;
        const uint64_t q_end = x + 4 + len;
        if (usize == 0xFFFFFFFF && q + 8 <= q_end) usize = LoadLe(d + q, 8), q += 8;
        if (csize == 0xFFFFFFFF && q + 8 <= q_end) csize = LoadLe(d + q, 8), q += 8;
        if (local == 0xFFFFFFFF && q + 8 <= q_end) local = LoadLe(d + q, 8);
      }
      x += 4 + len;
    }
    if (method != 0) {
      throw ConvertError(f.path() + ": zip entry " + name + " is compressed (method " + std::to_string(method) +
                         "); torch.save stores entries uncompressed, re-save the checkpoint with torch.save");
    }
    if (flags & 1) throw ConvertError(f.path() + ": zip entry " + name + " is encrypted");
    if (!Inside(local, kLocalSize, n) || LoadLe(d + local, 4) != kLocalHeader) fail("bad local header for " + name);
    const uint64_t data = local + kLocalSize + LoadLe(d + local + 26, 2) + LoadLe(d + local + 28, 2);
    if (csize != usize) fail("stored entry " + name + " has different packed and unpacked sizes");
    if (!Inside(data, csize, n)) fail("data of " + name + " runs past the end of the file (truncated?)");
    if (!out.emplace(name, ZipEntry{data, csize}).second) fail("entry " + name + " appears twice");
    p += record;
  }
  return out;
}

}  // namespace embert::convert
