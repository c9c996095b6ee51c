// TensorFlow tensor bundle (checkpoint V2): prefix.index, an SSTable whose
// key "" holds a BundleHeaderProto and every other key a tensor's
// BundleEntryProto (tensorflow/core/protobuf/tensor_bundle.proto), and the
// shards prefix.data-00000-of-0000N holding raw little-endian tensor bytes.
// Everything is checked at open; each tensor's masked crc32c is verified
// when it is read, so tensors never read (optimizer slots) cost nothing.
#include <cstdio>
#include <functional>
#include <map>
#include <utility>

#include "readers/checked_math.h"
#include "readers/checkpoint.h"
#include "readers/crc32c.h"
#include "readers/mapped_file.h"
#include "readers/protobuf_wire.h"
#include "readers/sstable.h"
#include "readers/tf_bundle_reader.h"

namespace embert::convert {
namespace {

// tensorflow/core/framework/types.proto DataType values.
enum : uint64_t {
  DT_FLOAT = 1,
  DT_DOUBLE = 2,
  DT_INT32 = 3,
  DT_UINT8 = 4,
  DT_INT16 = 5,
  DT_INT8 = 6,
  DT_STRING = 7,
  DT_COMPLEX64 = 8,
  DT_INT64 = 9,
  DT_BOOL = 10,
  DT_QINT8 = 11,
  DT_QUINT8 = 12,
  DT_QINT32 = 13,
  DT_BFLOAT16 = 14,
  DT_QINT16 = 15,
  DT_QUINT16 = 16,
  DT_UINT16 = 17,
  DT_COMPLEX128 = 18,
  DT_HALF = 19,
  DT_RESOURCE = 20,
  DT_VARIANT = 21,
  DT_UINT32 = 22,
  DT_UINT64 = 23
};

bool NumericDType(uint64_t tf, DType* out) {
  switch (tf) {
    case DT_FLOAT: *out = DType::F32; return true;
    case DT_DOUBLE: *out = DType::F64; return true;
    case DT_INT32: *out = DType::I32; return true;
    case DT_UINT8: *out = DType::U8; return true;
    case DT_INT16: *out = DType::I16; return true;
    case DT_INT8: *out = DType::I8; return true;
    case DT_INT64: *out = DType::I64; return true;
    case DT_BOOL: *out = DType::BOOL; return true;
    case DT_BFLOAT16: *out = DType::BF16; return true;
    case DT_UINT16: *out = DType::U16; return true;
    case DT_HALF: *out = DType::F16; return true;
    case DT_UINT32: *out = DType::U32; return true;
    case DT_UINT64: *out = DType::U64; return true;
    default: return false;
  }
}

// Known TF types that are not numeric tensors we convert: listed in
// skipped() rather than refused, as an optimizer may keep such state.
bool SkippableDType(uint64_t tf) {
  return tf == DT_STRING || tf == DT_COMPLEX64 || tf == DT_COMPLEX128 || tf == DT_QINT8 || tf == DT_QUINT8 ||
         tf == DT_QINT32 || tf == DT_QINT16 || tf == DT_QUINT16 || tf == DT_RESOURCE || tf == DT_VARIANT;
}

constexpr uint64_t kMaxShards = 99999;  // the %05d of the shard file names
constexpr size_t kMaxRank = 254;        // TensorShape's limit

struct Entry {
  size_t index;  // into tensors_
  uint32_t shard;
  uint64_t offset;
  uint64_t size;
  uint64_t count;
  uint32_t crc32c;  // masked
};

struct Header {
  uint64_t num_shards = 0;
};

Header ParseHeader(const std::string& value, const std::string& where) {
  Header h;  // proto3: an absent num_shards is 0, refused below
  pb::Message m(reinterpret_cast<const uint8_t*>(value.data()), value.size(), where);
  pb::Field f;
  while (m.Next(&f)) {
    if (f.number == 1) {
      pb::ExpectType(f, pb::WireType::kVarint, where, "num_shards");
      h.num_shards = f.value;
    } else if (f.number == 2) {
      pb::ExpectType(f, pb::WireType::kVarint, where, "endianness");
      if (f.value == 1) throw ConvertError(where + ": big-endian bundle (only little-endian is supported)");
      if (f.value != 0) throw ConvertError(where + ": unknown endianness " + std::to_string(f.value));
    } else if (f.number == 3) {
      pb::Message version = m.Sub(f, "version");
      pb::Field v;
      while (version.Next(&v)) {
        // VersionDef.min_consumer: this reader understands bundle version 1.
        if (v.number == 2 && v.type == pb::WireType::kVarint && v.value > 1) {
          throw ConvertError(where + ": bundle needs a reader of version " + std::to_string(v.value) +
                             " (this one reads version 1)");
        }
      }
    }
  }
  if (h.num_shards < 1 || h.num_shards > kMaxShards) {
    throw ConvertError(where + ": num_shards " + std::to_string(h.num_shards) + " outside 1.." +
                       std::to_string(kMaxShards));
  }
  return h;
}

std::string ShardName(const std::string& prefix, uint64_t i, uint64_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, ".data-%05llu-of-%05llu", static_cast<unsigned long long>(i),
                static_cast<unsigned long long>(n));
  return prefix + buf;
}

class TfBundleReader : public CheckpointReader {
 public:
  using ShardLoader = std::function<std::vector<std::unique_ptr<MappedFile>>(uint64_t num_shards)>;

  TfBundleReader(std::unique_ptr<MappedFile> index, const ShardLoader& load, bool verify_crc = true)
      : index_(std::move(index)), verify_crc_(verify_crc) {
    const std::string& path = index_->path();
    const auto table = ReadSsTable(index_->data(), index_->size(), path, verify_crc_);
    if (table.empty() || !table.front().first.empty()) {
      throw ConvertError(path + ": no bundle header (the entry with the empty key)");
    }
    const Header header = ParseHeader(table.front().second, path + ": bundle header");
    shards_ = load(header.num_shards);
    for (size_t i = 1; i < table.size(); ++i) AddEntry(table[i].first, table[i].second);
  }

  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  std::string format() const override { return "tf-bundle"; }
  std::vector<std::string> skipped() const override { return skipped_; }
  std::vector<std::string> files() const override {
    std::vector<std::string> out{index_->path()};
    for (const auto& s : shards_) out.push_back(s->path());
    return out;
  }

  std::vector<float> ReadFloat32(const std::string& name) const override {
    const auto it = entries_.find(name);
    if (it == entries_.end()) throw ConvertError(index_->path() + ": no tensor " + name);
    const Entry& e = it->second;
    const MappedFile& shard = *shards_[e.shard];
    const uint8_t* p = shard.data() + e.offset;
    const uint32_t actual = MaskCrc32c(Crc32c(p, static_cast<size_t>(e.size)));
    if (verify_crc_ && actual != e.crc32c) {
      char msg[96];
      std::snprintf(msg, sizeof msg, ": crc32c mismatch (index says 0x%08x, data gives 0x%08x)", e.crc32c, actual);
      throw ConvertError(shard.path() + ": tensor " + name + msg);
    }
    std::vector<float> out(static_cast<size_t>(e.count));
    ToFloat32(tensors_[e.index].dtype, p, out.size(), out.data());
    return out;
  }

 private:
  void AddEntry(const std::string& name, const std::string& value) {
    const std::string where = index_->path() + ": tensor " + name;
    pb::Message m(reinterpret_cast<const uint8_t*>(value.data()), value.size(), where);
    uint64_t dtype = 0, shard = 0, offset = 0, size = 0;
    uint32_t crc = 0;
    std::vector<int64_t> shape;
    pb::Field f;
    while (m.Next(&f)) {
      switch (f.number) {
        case 1:
          pb::ExpectType(f, pb::WireType::kVarint, where, "dtype");
          dtype = f.value;
          break;
        case 2: shape = ParseShape(m.Sub(f, "shape")); break;
        case 3:
          pb::ExpectType(f, pb::WireType::kVarint, where, "shard_id");
          shard = f.value;
          break;
        case 4:
          pb::ExpectType(f, pb::WireType::kVarint, where, "offset");
          offset = f.value;
          break;
        case 5:
          pb::ExpectType(f, pb::WireType::kVarint, where, "size");
          size = f.value;
          break;
        case 6:
          pb::ExpectType(f, pb::WireType::kFixed32, where, "crc32c");
          crc = static_cast<uint32_t>(f.value);
          break;
        case 7:
          throw ConvertError(where +
                             ": a sliced (partitioned) variable; only whole tensors are supported "
                             "(re-save the checkpoint without partitioning)");
        default: break;  // unknown fields of newer writers
      }
    }
    if (shard >= shards_.size()) {
      throw ConvertError(where + ": shard_id " + std::to_string(shard) + " but the bundle has " +
                         std::to_string(shards_.size()) + " shard(s)");
    }
    const MappedFile& file = *shards_[shard];
    uint64_t end = 0;
    if (!CheckedAdd(offset, size, &end) || end > file.size()) {
      throw ConvertError(where + ": bytes [" + std::to_string(offset) + ", +" + std::to_string(size) + ") outside " +
                         file.path() + " (" + std::to_string(file.size()) + " bytes)");
    }
    DType d;
    if (!NumericDType(dtype, &d)) {
      if (SkippableDType(dtype)) {
        skipped_.push_back(name);
        return;
      }
      throw ConvertError(where + ": unknown TensorFlow dtype " + std::to_string(dtype));
    }
    uint64_t count = 1, bytes = 0;
    for (int64_t dim : shape) {
      if (!CheckedMul(count, static_cast<uint64_t>(dim), &count)) throw ConvertError(where + ": shape overflows");
    }
    const bool fits = CheckedMul(count, DTypeSize(d), &bytes);
    if (!fits || bytes != size) {
      throw ConvertError(where + ": size " + std::to_string(size) + " bytes, but " + DTypeName(d) +
                         " of this shape needs " + (fits ? std::to_string(bytes) : std::string("more than 2^64")));
    }
    entries_[name] = Entry{tensors_.size(), static_cast<uint32_t>(shard), offset, size, count, crc};
    tensors_.push_back(TensorInfo{name, d, std::move(shape)});
  }

  static std::vector<int64_t> ParseShape(pb::Message m) {
    std::vector<int64_t> shape;
    pb::Field f;
    while (m.Next(&f)) {
      if (f.number == 3 && f.type == pb::WireType::kVarint && f.value != 0) {
        throw ConvertError(m.where() + ": unknown rank");
      }
      if (f.number != 2) continue;
      pb::Message dim = m.Sub(f, "dim");
      int64_t size = 0;
      pb::Field d;
      while (dim.Next(&d)) {
        if (d.number == 1) {
          pb::ExpectType(d, pb::WireType::kVarint, dim.where(), "size");
          size = static_cast<int64_t>(d.value);
        }
      }
      if (size < 0) throw ConvertError(m.where() + ": dimension " + std::to_string(size) + " (unknown or negative)");
      if (shape.size() == kMaxRank) throw ConvertError(m.where() + ": more than 254 dimensions");
      shape.push_back(size);
    }
    return shape;
  }

  std::unique_ptr<MappedFile> index_;
  bool verify_crc_;
  std::vector<std::unique_ptr<MappedFile>> shards_;
  std::vector<TensorInfo> tensors_;
  std::vector<std::string> skipped_;
  std::map<std::string, Entry> entries_;
};

std::string StripIndexSuffix(const std::string& prefix) {
  const std::string suffix = ".index";
  if (prefix.size() > suffix.size() && prefix.compare(prefix.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return prefix.substr(0, prefix.size() - suffix.size());
  }
  return prefix;
}

}  // namespace

std::unique_ptr<CheckpointReader> OpenTfBundle(const std::string& given) {
  const std::string prefix = StripIndexSuffix(given);
  auto index = std::make_unique<MappedFile>(prefix + ".index");
  return std::make_unique<TfBundleReader>(std::move(index), [&](uint64_t n) {
    std::vector<std::unique_ptr<MappedFile>> shards;
    for (uint64_t i = 0; i < n; ++i) shards.push_back(std::make_unique<MappedFile>(ShardName(prefix, i, n)));
    return shards;
  });
}

namespace {

std::unique_ptr<CheckpointReader> FromBytes(std::vector<uint8_t> index, std::vector<std::vector<uint8_t>> shards,
                                            const std::string& name, bool verify_crc) {
  auto file = std::make_unique<MappedFile>(std::move(index), name + ".index");
  return std::make_unique<TfBundleReader>(
      std::move(file),
      [&](uint64_t n) {
        if (n != shards.size()) {
          throw ConvertError(name + ".index: header says " + std::to_string(n) + " shard(s), " +
                             std::to_string(shards.size()) + " given");
        }
        std::vector<std::unique_ptr<MappedFile>> out;
        for (uint64_t i = 0; i < n; ++i) {
          out.push_back(std::make_unique<MappedFile>(std::move(shards[i]), ShardName(name, i, n)));
        }
        return out;
      },
      verify_crc);
}

}  // namespace

std::unique_ptr<CheckpointReader> OpenTfBundleBytes(std::vector<uint8_t> index,
                                                    std::vector<std::vector<uint8_t>> shards, const std::string& name) {
  return FromBytes(std::move(index), std::move(shards), name, true);
}

std::unique_ptr<CheckpointReader> OpenTfBundleBytesUncheckedForFuzzing(std::vector<uint8_t> index,
                                                                       std::vector<std::vector<uint8_t>> shards,
                                                                       const std::string& name) {
  return FromBytes(std::move(index), std::move(shards), name, false);
}

}  // namespace embert::convert
