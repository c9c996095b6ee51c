// LevelDB table format (leveldb/doc/table_format.md). Block trailer: one
// compression-type byte and the masked crc32c of the block and that byte.
// Block: entries {varint shared, varint non_shared, varint value_length,
// key suffix, value}, then fixed32 restart offsets and their fixed32 count.
#include "readers/sstable.h"

#include <snappy.h>

#include <set>
#include <string_view>

#include "readers/checked_math.h"
#include "readers/convert_error.h"
#include "readers/crc32c.h"
#include "readers/protobuf_wire.h"

namespace embert::convert {
namespace {

constexpr size_t kFooter = 48;
constexpr uint64_t kMagic = 0xdb4775248b80fb57ull;
constexpr size_t kTrailer = 5;
// Snappy's densest element is a 3-byte copy of 64 bytes; a declared length
// beyond this ratio cannot be honest and is refused before allocating.
constexpr uint64_t kSnappyMaxRatio = 22;
constexpr uint64_t kMaxBlock = uint64_t{1} << 30;

struct Handle {
  uint64_t offset = 0;
  uint64_t size = 0;
};

Handle DecodeHandle(const uint8_t** p, const uint8_t* end, const std::string& where) {
  Handle h;
  if (!pb::ReadVarint(p, end, &h.offset) || !pb::ReadVarint(p, end, &h.size)) {
    throw ConvertError(where + ": truncated block handle");
  }
  return h;
}

// The block's contents, decompressed if needed, after checking its place
// in the file and its checksum.
std::string ReadBlock(const uint8_t* file, uint64_t limit, const Handle& h, const std::string& where, bool verify_crc) {
  uint64_t end = 0;
  if (!CheckedAdd(h.offset, h.size, &end) || !CheckedAdd(end, kTrailer, &end) || end > limit) {
    throw ConvertError(where + ": block at offset " + std::to_string(h.offset) + " of " + std::to_string(h.size) +
                       " bytes runs past the table (" + std::to_string(limit) + " bytes before the footer)");
  }
  const uint8_t* p = file + h.offset;
  const size_t n = static_cast<size_t>(h.size);
  const uint8_t type = p[n];
  const uint32_t stored = static_cast<uint32_t>(LoadLe(p + n + 1, 4));
  const uint32_t actual = MaskCrc32c(Crc32c(p, n + 1));
  if (verify_crc && stored != actual) {
    throw ConvertError(where + ": block at offset " + std::to_string(h.offset) + ": crc32c mismatch (stored " +
                       std::to_string(stored) + ", computed " + std::to_string(actual) + ")");
  }
  if (type == 0) return std::string(reinterpret_cast<const char*>(p), n);
  if (type != 1)
    throw ConvertError(where + ": block at offset " + std::to_string(h.offset) + ": unknown compression type " +
                       std::to_string(type) + " (0 none, 1 Snappy)");
  size_t length = 0;
  if (!snappy::GetUncompressedLength(reinterpret_cast<const char*>(p), n, &length)) {
    throw ConvertError(where + ": block at offset " + std::to_string(h.offset) + ": bad Snappy header");
  }
  if (length > kMaxBlock || length > kSnappyMaxRatio * n + 16) {
    throw ConvertError(where + ": block at offset " + std::to_string(h.offset) + ": Snappy length " +
                       std::to_string(length) + " impossible for " + std::to_string(n) + " compressed bytes");
  }
  std::string out(length, '\0');
  if (!snappy::RawUncompress(reinterpret_cast<const char*>(p), n, out.data())) {
    throw ConvertError(where + ": block at offset " + std::to_string(h.offset) + ": corrupt Snappy data");
  }
  return out;
}

// Appends the block's entries; `last_key` carries the previous key across
// blocks so order is checked over the whole table.
void ParseBlock(const std::string& block, const std::string& where,
                std::vector<std::pair<std::string, std::string>>* out) {
  const auto* data = reinterpret_cast<const uint8_t*>(block.data());
  const size_t size = block.size();
  if (size < 4) throw ConvertError(where + ": block of " + std::to_string(size) + " bytes has no restart count");
  const uint64_t restarts = LoadLe(data + size - 4, 4);
  if (restarts == 0 || restarts > (size - 4) / 4) {
    throw ConvertError(where + ": restart count " + std::to_string(restarts) + " impossible in a block of " +
                       std::to_string(size) + " bytes");
  }
  const size_t entries_end = size - 4 - static_cast<size_t>(restarts) * 4;
  std::set<uint64_t> restart_offsets;
  for (uint64_t i = 0; i < restarts; ++i) {
    const uint64_t off = LoadLe(data + entries_end + 4 * i, 4);
    if (off > entries_end || (off == entries_end && entries_end != 0)) {
      throw ConvertError(where + ": restart point " + std::to_string(off) + " outside the entries (" +
                         std::to_string(entries_end) + " bytes)");
    }
    restart_offsets.insert(off);
  }
  const uint8_t* p = data;
  const uint8_t* end = data + entries_end;
  std::string key;
  size_t seen_restarts = 0;
  while (p < end) {
    const uint64_t offset = static_cast<uint64_t>(p - data);
    uint64_t shared = 0, unshared = 0, value_len = 0;
    if (!pb::ReadVarint(&p, end, &shared) || !pb::ReadVarint(&p, end, &unshared) ||
        !pb::ReadVarint(&p, end, &value_len)) {
      throw ConvertError(where + ": entry at " + std::to_string(offset) + ": truncated header");
    }
    const bool restart = restart_offsets.count(offset) != 0;
    seen_restarts += restart;
    if ((restart || offset == 0) && shared != 0) {
      throw ConvertError(where + ": entry at " + std::to_string(offset) + " is a restart point but shares a prefix");
    }
    if (shared > key.size()) {
      throw ConvertError(where + ": entry at " + std::to_string(offset) + " shares " + std::to_string(shared) +
                         " bytes of a " + std::to_string(key.size()) + "-byte key");
    }
    const uint64_t left = static_cast<uint64_t>(end - p);
    if (unshared > left || value_len > left - unshared) {
      throw ConvertError(where + ": entry at " + std::to_string(offset) + " runs past the block");
    }
    key.resize(static_cast<size_t>(shared));
    key.append(reinterpret_cast<const char*>(p), static_cast<size_t>(unshared));
    p += unshared;
    std::string value(reinterpret_cast<const char*>(p), static_cast<size_t>(value_len));
    p += value_len;
    if (!out->empty() && std::string_view(key) <= std::string_view(out->back().first)) {
      throw ConvertError(where + ": key \"" + key + "\" not after \"" + out->back().first + "\" (keys must be sorted)");
    }
    out->emplace_back(key, std::move(value));
  }
  if (seen_restarts != restart_offsets.size() && entries_end != 0) {
    throw ConvertError(where + ": a restart point does not start an entry");
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ReadSsTable(const uint8_t* data, size_t size, const std::string& path,
                                                             bool verify_crc) {
  if (size < kFooter) {
    throw ConvertError(path + ": " + std::to_string(size) + " bytes, too short for a table (48-byte footer)");
  }
  const uint8_t* footer = data + size - kFooter;
  if (LoadLe(footer + 40, 8) != kMagic) throw ConvertError(path + ": not an SSTable (bad footer magic)");
  const uint8_t* p = footer;
  const Handle metaindex = DecodeHandle(&p, footer + 40, path + ": footer");
  const Handle index = DecodeHandle(&p, footer + 40, path + ": footer");
  const uint64_t limit = size - kFooter;

  std::vector<std::pair<std::string, std::string>> meta;
  ParseBlock(ReadBlock(data, limit, metaindex, path + ": metaindex block", verify_crc), path + ": metaindex block",
             &meta);
  std::vector<std::pair<std::string, std::string>> handles;
  ParseBlock(ReadBlock(data, limit, index, path + ": index block", verify_crc), path + ": index block", &handles);

  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& [separator, value] : handles) {
    const std::string where = path + ": data block before \"" + separator + "\"";
    const auto* v = reinterpret_cast<const uint8_t*>(value.data());
    const Handle h = DecodeHandle(&v, v + value.size(), where);
    if (v != reinterpret_cast<const uint8_t*>(value.data()) + value.size()) {
      throw ConvertError(where + ": index value longer than a block handle");
    }
    const size_t before = entries.size();
    ParseBlock(ReadBlock(data, limit, h, where, verify_crc), where, &entries);
    if (entries.size() > before && std::string_view(entries.back().first) > std::string_view(separator)) {
      throw ConvertError(where + ": key \"" + entries.back().first + "\" beyond its index separator");
    }
  }
  return entries;
}

}  // namespace embert::convert
