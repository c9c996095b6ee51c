// Sharded safetensors: model.safetensors.index.json maps every tensor to
// the shard file holding it; shards sit next to the index.
#include <map>
#include <memory>

#include "json/json.h"
#include "readers/safetensors_reader.h"

namespace embert::convert {
namespace {

std::string ReadIndex(const std::string& path) {
  const MappedFile index(path);
  return std::string(reinterpret_cast<const char*>(index.data()), index.size());
}

class ShardedSafetensorsReader : public CheckpointReader {
 public:
  explicit ShardedSafetensorsReader(const std::string& index_path) : index_path_(index_path) {
    json::Value root;
    try {
      root = json::Parse(ReadIndex(index_path));
    } catch (const json::ParseError& e) {
      throw ConvertError(index_path + ": " + e.what());
    }
    const json::Value* map = root.find("weight_map");
    if (map == nullptr || !map->is_object()) throw ConvertError(index_path + ": no \"weight_map\" object");
    const std::string dir = index_path.substr(0, index_path.find_last_of('/') + 1);
    files_.push_back(index_path);
    for (const auto& [name, file] : map->items()) {
      // Shard names come from the (untrusted) index: plain names only, so
      // the index cannot make us open files elsewhere.
      if (!file.is_string() || file.as_string().empty() || file.as_string().find('/') != std::string::npos ||
          file.as_string() == "." || file.as_string() == "..") {
        throw ConvertError(index_path + ": weight_map entry " + name + " must be a shard file name");
      }
      if (owner_.count(name)) throw ConvertError(index_path + ": weight_map lists " + name + " twice");
      const std::string& shard_name = file.as_string();
      auto& shard = shards_[shard_name];
      if (!shard) {
        shard = std::make_unique<SafetensorsReader>(std::make_unique<MappedFile>(dir + shard_name));
        files_.push_back(dir + shard_name);
      }
      const TensorInfo* t = shard->Find(name);
      if (t == nullptr) throw ConvertError(index_path + ": " + name + " is not in " + shard_name);
      tensors_.push_back(*t);
      owner_[name] = shard.get();
    }
  }

  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  std::vector<float> ReadFloat32(const std::string& name) const override {
    const auto it = owner_.find(name);
    if (it == owner_.end()) throw ConvertError(index_path_ + ": no tensor " + name + " in the weight_map");
    return it->second->ReadFloat32(name);
  }
  std::string format() const override { return "safetensors-sharded"; }
  std::vector<std::string> files() const override { return files_; }

 private:
  std::string index_path_;
  std::map<std::string, std::unique_ptr<SafetensorsReader>> shards_;
  std::map<std::string, const SafetensorsReader*> owner_;
  std::vector<TensorInfo> tensors_;
  std::vector<std::string> files_;
};

}  // namespace

std::unique_ptr<CheckpointReader> OpenShardedSafetensors(const std::string& index_json_path) {
  return std::make_unique<ShardedSafetensorsReader>(index_json_path);
}

}  // namespace embert::convert
