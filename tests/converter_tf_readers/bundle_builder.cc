#include "bundle_builder.h"

#include <snappy.h>

#include <cstring>

namespace embert::test {

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

std::string VarintField(uint32_t number, uint64_t v) { return Varint(uint64_t{number} << 3) + Varint(v); }

std::string LenField(uint32_t number, const std::string& payload) {
  return Varint(uint64_t{number} << 3 | 2) + Varint(payload.size()) + payload;
}

std::string Fixed32(uint32_t v) {
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

std::string Fixed32Field(uint32_t number, uint32_t v) { return Varint(uint64_t{number} << 3 | 5) + Fixed32(v); }

std::string BundleHeader(uint64_t num_shards, uint64_t endianness) {
  std::string h = VarintField(1, num_shards);
  if (endianness != 0) h += VarintField(2, endianness);
  return h + LenField(3, VarintField(1, 1));
}

std::string BundleEntry(uint64_t dtype, const std::vector<int64_t>& shape, uint64_t shard, uint64_t offset,
                        uint64_t size, uint32_t masked_crc, const std::string& extra) {
  std::string dims;
  for (int64_t d : shape) dims += LenField(2, VarintField(1, static_cast<uint64_t>(d)));
  std::string e = VarintField(1, dtype) + LenField(2, dims);
  if (shard != 0) e += VarintField(3, shard);
  if (offset != 0) e += VarintField(4, offset);
  e += VarintField(5, size) + Fixed32Field(6, masked_crc) + extra;
  return e;
}

uint32_t BitwiseMaskedCrc32c(const std::string& bytes) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
  }
  c = ~c;
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

std::string BlockTrailer(const std::string& contents, uint8_t type) {
  std::string with_type = contents;
  with_type.push_back(static_cast<char>(type));
  return std::string(1, static_cast<char>(type)) + Fixed32(BitwiseMaskedCrc32c(with_type));
}

namespace {

std::string Block(const std::vector<std::pair<std::string, std::string>>& entries, int interval) {
  std::string out, prev;
  std::vector<uint32_t> restarts;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& key = entries[i].first;
    size_t shared = 0;
    if (i % static_cast<size_t>(interval) == 0) {
      restarts.push_back(static_cast<uint32_t>(out.size()));
    } else {
      while (shared < prev.size() && shared < key.size() && prev[shared] == key[shared]) ++shared;
    }
    out += Varint(shared) + Varint(key.size() - shared) + Varint(entries[i].second.size());
    out += key.substr(shared) + entries[i].second;
    prev = key;
  }
  if (restarts.empty()) restarts.push_back(0);
  for (uint32_t r : restarts) out += Fixed32(r);
  return out + Fixed32(static_cast<uint32_t>(restarts.size()));
}

}  // namespace

std::vector<uint8_t> SsTableFromBlock(const std::string& data, uint8_t type, const std::string& separator) {
  std::string file;
  const std::string data_handle = Varint(0) + Varint(data.size());
  file += data + BlockTrailer(data, type);
  const std::string meta = Block({}, 1);
  const std::string meta_handle = Varint(file.size()) + Varint(meta.size());
  file += meta + BlockTrailer(meta, 0);
  const std::string index = Block({{separator, data_handle}}, 1);
  const std::string index_handle = Varint(file.size()) + Varint(index.size());
  file += index + BlockTrailer(index, 0);
  std::string footer = meta_handle + index_handle;
  footer.resize(40, '\0');
  for (int i = 0; i < 8; ++i) footer.push_back(static_cast<char>(0xdb4775248b80fb57ull >> (8 * i)));
  file += footer;
  return std::vector<uint8_t>(file.begin(), file.end());
}

std::vector<uint8_t> SsTable(const std::vector<std::pair<std::string, std::string>>& entries, bool snappy,
                             int restart_interval) {
  std::string data = Block(entries, restart_interval);
  if (snappy) {
    std::string compressed;
    snappy::Compress(data.data(), data.size(), &compressed);
    data = compressed;
  }
  // The last key itself is a valid index separator.
  return SsTableFromBlock(data, snappy ? 1 : 0, entries.empty() ? std::string() : entries.back().first);
}

std::string FloatContent(const std::vector<float>& values) {
  std::string out(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    for (int k = 0; k < 4; ++k) out[4 * i + k] = static_cast<char>(bits >> (8 * k));
  }
  return out;
}

void FloatBundle(const std::vector<FloatTensor>& tensors, std::vector<uint8_t>* index, std::vector<uint8_t>* shard,
                 bool snappy) {
  std::vector<std::pair<std::string, std::string>> entries{{"", BundleHeader(1)}};
  std::string data;
  for (const auto& t : tensors) {
    const std::string bytes = FloatContent(t.values);
    entries.emplace_back(t.name, BundleEntry(1, t.shape, 0, data.size(), bytes.size(), BitwiseMaskedCrc32c(bytes)));
    data += bytes;
  }
  *index = SsTable(entries, snappy);
  shard->assign(data.begin(), data.end());
}

std::string MsRecord(const std::string& tag, const std::vector<int64_t>& dims, const std::string& type,
                     const std::string& content, bool packed_dims) {
  std::string tensor;
  if (packed_dims) {
    std::string packed;
    for (int64_t d : dims) packed += Varint(static_cast<uint64_t>(d));
    tensor += LenField(1, packed);
  } else {
    for (int64_t d : dims) tensor += VarintField(1, static_cast<uint64_t>(d));
  }
  tensor += LenField(2, type) + LenField(3, content);
  return LenField(1, LenField(1, tag) + LenField(2, tensor));
}

}  // namespace embert::test
