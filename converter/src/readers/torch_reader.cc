// pytorch_model.bin as torch.save writes it, read without Python:
//   zip format (torch >= 1.6): <archive>/data.pkl, <archive>/data/<key> per
//     storage, <archive>/byteorder (torch >= 2.1), <archive>/version
//   legacy format: pickles of the magic number, the protocol version and
//     sys_info, the object pickle, the list of storage keys, then for each
//     key an 8-byte element count and the storage's bytes
// Every tensor's view (offset, sizes, strides) is checked against the bytes
// its storage really has when the file is opened.
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "readers/checked_math.h"
#include "readers/checkpoint.h"
#include "readers/mapped_file.h"
#include "readers/safe_unpickler.h"
#include "readers/zip_archive.h"

namespace embert::convert {
namespace {

// "\x80\x02\x8a\x0a" + 0x1950a86a20f9469cfc6c little-endian: the legacy
// format's first pickle (protocol 2, LONG1 of 10 bytes).
constexpr uint8_t kLegacyMagic[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr uint8_t kZipMagic[] = {'P', 'K', 0x03, 0x04};

// Views that repeat storage elements (stride 0, from expand()) are
// materialized up to this many elements; otherwise a tensor cannot have more
// elements than its storage, which bounds every allocation by the file size.
constexpr uint64_t kMaxRepeatedElements = uint64_t{1} << 24;
constexpr int kMaxNesting = 32;
constexpr uint64_t kMaxDictEntries = uint64_t{1} << 22;

bool StartsWith(const MappedFile& f, const uint8_t* magic, size_t n) {
  return f.size() >= n && std::memcmp(f.data(), magic, n) == 0;
}

class TorchReader : public CheckpointReader {
 public:
  explicit TorchReader(std::unique_ptr<MappedFile> file) : file_(std::move(file)) {
    if (StartsWith(*file_, kZipMagic, sizeof kZipMagic)) {
      zip_ = true;
      OpenZip();
    } else if (StartsWith(*file_, kLegacyMagic, sizeof kLegacyMagic)) {
      OpenLegacy();
    } else {
      throw ConvertError(file_->path() + ": not a torch.save file (neither a zip archive nor the legacy format)");
    }
  }

  const std::vector<TensorInfo>& tensors() const override { return infos_; }
  std::string format() const override { return zip_ ? "torch-zip" : "torch-legacy"; }
  std::vector<std::string> files() const override { return {file_->path()}; }
  std::vector<float> ReadFloat32(const std::string& name) const override;

 private:
  struct StorageBytes {
    uint64_t offset;  // in the file
    uint64_t bytes;
  };
  struct Tensor {
    TensorRef ref;
    uint64_t first = 0;  // element index of [0, 0, ...] in the storage
    uint64_t count = 0;
  };

  void OpenZip();
  void OpenLegacy();
  void Collect(const PickleObject& root);
  void Walk(const PickleObject& dict, const std::string& prefix, int depth, uint64_t* budget);
  void Add(const std::string& name, const TensorRef& t);

  std::unique_ptr<MappedFile> file_;
  bool zip_ = false;
  std::map<std::string, StorageBytes> storages_;
  std::map<std::string, Tensor> tensors_;
  std::vector<TensorInfo> infos_;
};

void TorchReader::OpenZip() {
  const std::string& path = file_->path();
  const auto entries = ReadZipDirectory(*file_);
  // The archive folder is named after the file torch.save wrote ("archive"
  // in transformers' files, the stem elsewhere): find it through data.pkl.
  std::string prefix;
  int pickles = 0;
  for (const auto& [name, e] : entries) {
    const size_t slash = name.find('/');
    if (slash != std::string::npos && name.compare(slash + 1, std::string::npos, "data.pkl") == 0) {
      prefix = name.substr(0, slash + 1);
      ++pickles;
    }
  }
  if (pickles == 0) throw ConvertError(path + ": zip without <archive>/data.pkl: not a torch.save file");
  if (pickles > 1) throw ConvertError(path + ": zip with several data.pkl: not a torch.save file");
  if (const auto bo = entries.find(prefix + "byteorder"); bo != entries.end()) {
    const std::string order(reinterpret_cast<const char*>(file_->data() + bo->second.offset), bo->second.size);
    if (order != "little") throw ConvertError(path + ": byteorder \"" + order + "\": only little-endian is supported");
  }
  for (const auto& [name, e] : entries) {
    if (name.compare(0, prefix.size() + 5, prefix + "data/") == 0) {
      storages_[name.substr(prefix.size() + 5)] = StorageBytes{e.offset, e.size};
    }
  }
  const ZipEntry& pkl = entries.at(prefix + "data.pkl");
  SafeUnpickler pickle(file_->data() + pkl.offset, pkl.size, path + " " + prefix + "data.pkl");
  Collect(*pickle.Load());
}

void TorchReader::OpenLegacy() {
  const std::string& path = file_->path();
  const uint8_t* d = file_->data();
  const uint64_t n = file_->size();
  uint64_t pos = 0;
  // The header pickles hold only numbers, strings and dicts.
  for (const char* what : {"magic number", "protocol version", "sys_info"}) {
    SafeUnpickler header(d + pos, n - pos, path + " (" + what + ")");
    const PickleObject* v = header.Load();
    pos += header.consumed();
    if (std::strcmp(what, "sys_info") == 0 && v->kind == PickleObject::kDict) {
      for (const auto& [k, value] : v->dict) {
        if (k->kind == PickleObject::kStr && k->s == "little_endian" && value->kind == PickleObject::kBool &&
            value->i == 0) {
          throw ConvertError(path + ": written on a big-endian machine, which is not supported");
        }
      }
    }
  }
  SafeUnpickler object(d + pos, n - pos, path + " (object)");
  const PickleObject* root = object.Load();
  pos += object.consumed();
  SafeUnpickler key_pickle(d + pos, n - pos, path + " (storage keys)");
  const PickleObject* keys = key_pickle.Load();
  pos += key_pickle.consumed();
  if (keys->kind != PickleObject::kList) throw ConvertError(path + ": the storage key list is not a list");
  const auto& types = object.storage_types();
  for (const PickleObject* k : keys->items) {
    if (k->kind != PickleObject::kStr) throw ConvertError(path + ": a storage key is not a string");
    const auto type = types.find(k->s);
    // Without the dtype the storage's length in bytes is unknown, and so
    // is where the next one starts.
    if (type == types.end()) throw ConvertError(path + ": storage " + k->s + " is not used by the pickle");
    if (n - pos < 8) throw ConvertError(path + ": truncated before storage " + k->s);
    const uint64_t numel = LoadLe(d + pos, 8);
    pos += 8;
    uint64_t bytes = 0;
    if (!CheckedMul(numel, DTypeSize(type->second), &bytes) || bytes > n - pos) {
      throw ConvertError(path + ": storage " + k->s + " (" + std::to_string(numel) +
                         " elements) runs past the end of the file");
    }
    if (!storages_.emplace(k->s, StorageBytes{pos, bytes}).second) {
      throw ConvertError(path + ": storage " + k->s + " is listed twice");
    }
    pos += bytes;
  }
  Collect(*root);
}

// Tensors of the (possibly nested) dicts, named by their dotted path:
// {"state_dict": {"bert.x": t}} gives "state_dict.bert.x", so a checkpoint
// that wraps its state dict says where each tensor came from. Plain numbers,
// strings and lists (optimizer hyper-parameters) are skipped.
void TorchReader::Collect(const PickleObject& root) {
  if (root.kind != PickleObject::kDict) {
    throw ConvertError(file_->path() +
                       ": the pickle holds no dict of tensors (torch.save(model.state_dict()) expected)");
  }
  uint64_t budget = kMaxDictEntries;
  Walk(root, "", 0, &budget);
}

void TorchReader::Walk(const PickleObject& dict, const std::string& prefix, int depth, uint64_t* budget) {
  // Dicts can be shared or cyclic in a pickle: depth and a total budget
  // bound the walk.
  if (depth > kMaxNesting)
    throw ConvertError(file_->path() + ": dicts nested deeper than " + std::to_string(kMaxNesting));
  for (const auto& [k, v] : dict.dict) {
    if ((*budget)-- == 0) throw ConvertError(file_->path() + ": too many dict entries");
    std::string key;
    if (k->kind == PickleObject::kStr) {
      key = k->s;
    } else if (k->kind == PickleObject::kInt) {
      key = std::to_string(k->i);  // optimizer state is keyed by parameter index
    } else {
      continue;
    }
    if (v->kind == PickleObject::kTensor) {
      Add(prefix + key, *v->tensor);
    } else if (v->kind == PickleObject::kDict) {
      Walk(*v, prefix + key + ".", depth + 1, budget);
    }
  }
}

void TorchReader::Add(const std::string& name, const TensorRef& t) {
  const std::string where = file_->path() + ": tensor " + name;
  if (tensors_.count(name)) throw ConvertError(where + ": the name occurs twice");
  const auto s = storages_.find(t.storage.key);
  if (s == storages_.end()) throw ConvertError(where + ": its storage " + t.storage.key + " is missing from the file");
  const uint64_t available = s->second.bytes / DTypeSize(t.storage.dtype);
  if (t.storage.view_offset < 0 || t.offset < 0) throw ConvertError(where + ": negative storage offset");
  Tensor out{t, 0, 1};
  uint64_t last = 0;  // element index of the view's last element
  bool ok = CheckedAdd(static_cast<uint64_t>(t.storage.view_offset), static_cast<uint64_t>(t.offset), &out.first);
  bool repeats = false;
  for (size_t k = 0; k < t.size.size() && ok; ++k) {
    if (t.size[k] < 0 || t.stride[k] < 0) throw ConvertError(where + ": negative size or stride");
    ok = CheckedMul(out.count, static_cast<uint64_t>(t.size[k]), &out.count);
    if (t.stride[k] == 0 && t.size[k] > 1) repeats = true;
  }
  if (!ok) throw ConvertError(where + ": declared size overflows");
  if (out.count > 0) {
    last = out.first;
    for (size_t k = 0; k < t.size.size() && ok; ++k) {
      uint64_t span = 0;
      ok = CheckedMul(static_cast<uint64_t>(t.size[k] - 1), static_cast<uint64_t>(t.stride[k]), &span) &&
           CheckedAdd(last, span, &last);
    }
    if (!ok || last >= available) {
      throw ConvertError(where + ": its view reads past the end of its storage (" + std::to_string(available) +
                         " elements of " + DTypeName(t.storage.dtype) + ")");
    }
    if (out.count > available && !(repeats && out.count <= kMaxRepeatedElements)) {
      throw ConvertError(where + ": declares " + std::to_string(out.count) + " elements, its storage holds " +
                         std::to_string(available));
    }
  }
  tensors_.emplace(name, std::move(out));
  infos_.push_back(TensorInfo{name, t.storage.dtype, t.size});
}

std::vector<float> TorchReader::ReadFloat32(const std::string& name) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) throw ConvertError(file_->path() + ": no tensor " + name);
  const Tensor& t = it->second;
  const size_t item = DTypeSize(t.ref.storage.dtype);
  const uint8_t* base = file_->data() + storages_.at(t.ref.storage.key).offset;
  std::vector<float> out(t.count);
  if (t.count == 0) return out;
  // Row-major contiguous (size-1 dims have any stride): one conversion.
  bool contiguous = true;
  int64_t expect = 1;
  for (size_t k = t.ref.size.size(); k-- > 0;) {
    if (t.ref.size[k] != 1 && t.ref.stride[k] != expect) contiguous = false;
    expect *= t.ref.size[k];
  }
  if (contiguous) {
    ToFloat32(t.ref.storage.dtype, base + t.first * item, out.size(), out.data());
    return out;
  }
  // A strided view, materialized row by row along the last dimension. Add()
  // checked that every index stays inside the storage.
  const size_t rank = t.ref.size.size();
  const uint64_t inner = static_cast<uint64_t>(t.ref.size[rank - 1]);
  const uint64_t inner_stride = static_cast<uint64_t>(t.ref.stride[rank - 1]);
  std::vector<int64_t> idx(rank, 0);
  for (uint64_t done = 0; done < t.count; done += inner) {
    uint64_t e = t.first;
    for (size_t k = 0; k + 1 < rank; ++k) e += static_cast<uint64_t>(idx[k]) * static_cast<uint64_t>(t.ref.stride[k]);
    for (uint64_t j = 0; j < inner; ++j)
      ToFloat32(t.ref.storage.dtype, base + (e + j * inner_stride) * item, 1, &out[done + j]);
    for (size_t k = rank - 1; k-- > 0;) {
      if (++idx[k] < t.ref.size[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<CheckpointReader> OpenTorch(const std::string& path) {
  return std::make_unique<TorchReader>(std::make_unique<MappedFile>(path));
}

std::unique_ptr<CheckpointReader> OpenTorchBytes(std::vector<uint8_t> bytes, const std::string& name) {
  return std::make_unique<TorchReader>(std::make_unique<MappedFile>(std::move(bytes), name));
}

}  // namespace embert::convert
