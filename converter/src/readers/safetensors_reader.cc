// safetensors: u64 header length, a JSON header {name: {dtype, shape,
// data_offsets}}, then the data. Every offset and size is checked against
// the file before any tensor is read.
#include <algorithm>
#include <map>
#include <memory>

#include "json/json.h"
#include "readers/checkpoint.h"
#include "readers/mapped_file.h"

namespace embert::convert {
namespace {

constexpr uint64_t kMaxHeader = 100u << 20;  // the format's own limit

DType ParseDType(const std::string& s, const std::string& where) {
  static const std::pair<const char*, DType> kNames[] = {
      {"F64", DType::F64}, {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16},
      {"I64", DType::I64}, {"I32", DType::I32}, {"I16", DType::I16}, {"I8", DType::I8},
      {"U8", DType::U8},   {"BOOL", DType::BOOL}, {"U16", DType::U16}, {"U32", DType::U32},
      {"U64", DType::U64}};
  for (const auto& [name, d] : kNames) {
    if (s == name) return d;
  }
  throw ConvertError(where + ": unsupported dtype " + s);
}

class SafetensorsReader : public CheckpointReader {
 public:
  explicit SafetensorsReader(const std::string& path) : file_(path) {
    const std::string& p = file_.path();
    if (file_.size() < 8) throw ConvertError(p + ": too short for a safetensors file");
    uint64_t header = 0;
    for (int i = 7; i >= 0; --i) header = (header << 8) | file_.data()[i];
    if (header > kMaxHeader || header > file_.size() - 8) {
      throw ConvertError(p + ": header length " + std::to_string(header) + " exceeds the file");
    }
    json::Value root;
    try {
      root = json::Parse(std::string_view(reinterpret_cast<const char*>(file_.data() + 8), header));
    } catch (const json::ParseError& e) {
      throw ConvertError(p + ": bad header: " + e.what());
    }
    if (!root.is_object()) throw ConvertError(p + ": header is not a JSON object");
    data_ = file_.data() + 8 + header;
    const uint64_t data_size = file_.size() - 8 - header;
    std::vector<std::pair<uint64_t, uint64_t>> extents;
    for (const auto& [name, v] : root.items()) {
      if (name == "__metadata__") continue;
      const std::string where = p + ": tensor " + name;
      const json::Value* dt = v.find("dtype");
      const json::Value* shape = v.find("shape");
      const json::Value* offsets = v.find("data_offsets");
      if (!dt || !dt->is_string() || !shape || !shape->is_array() || !offsets ||
          !offsets->is_array() || offsets->as_array().size() != 2) {
        throw ConvertError(where + ": needs dtype, shape and data_offsets");
      }
      TensorInfo info{name, ParseDType(dt->as_string(), where), {}};
      uint64_t count = 1;
      for (const auto& d : shape->as_array()) {
        if (!d.is_number() || d.as_number() < 0 || d.as_number() > 1e12) {
          throw ConvertError(where + ": bad shape");
        }
        const auto n = static_cast<uint64_t>(d.as_int());
        if (n != 0 && count > UINT64_MAX / n) throw ConvertError(where + ": shape overflows");
        count *= n;
        info.shape.push_back(static_cast<int64_t>(n));
      }
      const auto& o = offsets->as_array();
      if (!o[0].is_number() || !o[1].is_number() || o[0].as_number() < 0 || o[1].as_number() < 0) {
        throw ConvertError(where + ": bad data_offsets");
      }
      const auto begin = static_cast<uint64_t>(o[0].as_int());
      const auto end = static_cast<uint64_t>(o[1].as_int());
      if (begin > end || end > data_size) throw ConvertError(where + ": data_offsets outside the file");
      if (count > UINT64_MAX / DTypeSize(info.dtype) || end - begin != count * DTypeSize(info.dtype)) {
        throw ConvertError(where + ": data size does not match dtype and shape");
      }
      extents.emplace_back(begin, end);
      offsets_[name] = begin;
      counts_[name] = count;
      tensors_.push_back(std::move(info));
    }
    std::sort(extents.begin(), extents.end());
    for (size_t i = 1; i < extents.size(); ++i) {
      if (extents[i].first < extents[i - 1].second) throw ConvertError(p + ": tensors overlap");
    }
  }

  const std::vector<TensorInfo>& tensors() const override { return tensors_; }

  std::vector<float> ReadFloat32(const std::string& name) const override {
    const auto it = offsets_.find(name);
    if (it == offsets_.end()) throw ConvertError(file_.path() + ": no tensor " + name);
    const TensorInfo& info = *std::find_if(tensors_.begin(), tensors_.end(),
                                           [&](const TensorInfo& t) { return t.name == name; });
    std::vector<float> out(counts_.at(name));
    ToFloat32(info.dtype, data_ + it->second, out.size(), out.data());
    return out;
  }

  std::string format() const override { return "safetensors"; }
  std::vector<std::string> files() const override { return {file_.path()}; }

 private:
  MappedFile file_;
  const uint8_t* data_ = nullptr;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, uint64_t> offsets_;
  std::map<std::string, uint64_t> counts_;
};

class ShardedReader : public CheckpointReader {
 public:
  explicit ShardedReader(const std::string& index_path) {
    const MappedFile index(index_path);
    json::Value root;
    try {
      root = json::Parse(std::string_view(reinterpret_cast<const char*>(index.data()), index.size()));
    } catch (const json::ParseError& e) {
      throw ConvertError(index_path + ": " + e.what());
    }
    const json::Value* map = root.find("weight_map");
    if (map == nullptr || !map->is_object()) throw ConvertError(index_path + ": no weight_map");
    const std::string dir = index_path.substr(0, index_path.find_last_of('/') + 1);
    files_.push_back(index_path);
    for (const auto& item : map->items()) {
      const std::string& name = item.first;
      const json::Value& file = item.second;
      if (!file.is_string() || file.as_string().find('/') != std::string::npos) {
        throw ConvertError(index_path + ": bad shard name for " + name);
      }
      auto& shard = shards_[file.as_string()];
      if (!shard) {
        shard = std::make_unique<SafetensorsReader>(dir + file.as_string());
        files_.push_back(dir + file.as_string());
      }
      const auto& ts = shard->tensors();
      const auto t = std::find_if(ts.begin(), ts.end(), [&](const TensorInfo& i) { return i.name == name; });
      if (t == ts.end()) throw ConvertError(index_path + ": " + name + " is not in " + file.as_string());
      tensors_.push_back(*t);
      owner_[name] = shard.get();
    }
  }
  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  std::vector<float> ReadFloat32(const std::string& name) const override {
    const auto it = owner_.find(name);
    if (it == owner_.end()) throw ConvertError("no tensor " + name + " in the shards");
    return it->second->ReadFloat32(name);
  }
  std::string format() const override { return "safetensors-sharded"; }
  std::vector<std::string> files() const override { return files_; }

 private:
  std::map<std::string, std::unique_ptr<SafetensorsReader>> shards_;
  std::map<std::string, const SafetensorsReader*> owner_;
  std::vector<TensorInfo> tensors_;
  std::vector<std::string> files_;
};

}  // namespace

std::unique_ptr<CheckpointReader> OpenSafetensors(const std::string& path) {
  return std::make_unique<SafetensorsReader>(path);
}

std::unique_ptr<CheckpointReader> OpenShardedSafetensors(const std::string& index_json_path) {
  return std::make_unique<ShardedReader>(index_json_path);
}

}  // namespace embert::convert
