// safetensors: u64 little-endian header length N, N bytes of JSON
// {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}},
// then the data section, offsets relative to its start. Every offset and
// size is checked against the file when it is opened.
#include "readers/safetensors_reader.h"

#include <algorithm>
#include <utility>

#include "json/json.h"
#include "readers/checked_math.h"

namespace embert::convert {
namespace {

// The limit of the reference implementation (huggingface/safetensors).
constexpr uint64_t kMaxHeader = 100'000'000;

DType ParseDType(const std::string& s, const std::string& where) {
  static const std::pair<const char*, DType> kNames[] = {
      {"F64", DType::F64}, {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16}, {"I64", DType::I64},
      {"I32", DType::I32}, {"I16", DType::I16}, {"I8", DType::I8},   {"U8", DType::U8},     {"BOOL", DType::BOOL},
      {"U16", DType::U16}, {"U32", DType::U32}, {"U64", DType::U64}};
  for (const auto& [name, d] : kNames) {
    if (s == name) return d;
  }
  throw ConvertError(where + ": unsupported dtype \"" + s +
                     "\" (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL U16 U32 U64)");
}

// A non-negative JSON integer, or a ConvertError naming the field.
uint64_t Count(const json::Value& v, const std::string& where, const char* field) {
  if (!v.is_int() || v.as_int() < 0) throw ConvertError(where + ": " + field + " must be non-negative integers");
  return static_cast<uint64_t>(v.as_int());
}

}  // namespace

SafetensorsReader::SafetensorsReader(std::unique_ptr<MappedFile> file) : file_(std::move(file)) {
  const std::string& path = file_->path();
  if (file_->size() < 8)
    throw ConvertError(path + ": too short for a safetensors file (" + std::to_string(file_->size()) + " bytes)");
  const uint64_t header = LoadLe(file_->data(), 8);
  if (header > file_->size() - 8) {
    throw ConvertError(path + ": header length " + std::to_string(header) + " runs past the end of the file (" +
                       std::to_string(file_->size()) + " bytes)");
  }
  if (header > kMaxHeader) throw ConvertError(path + ": header length " + std::to_string(header) + " exceeds 100 MB");
  json::Value root;
  try {
    root = json::Parse(std::string_view(reinterpret_cast<const char*>(file_->data() + 8), header));
  } catch (const json::ParseError& e) {
    throw ConvertError(path + ": bad header: " + e.what());
  }
  if (!root.is_object()) throw ConvertError(path + ": header is not a JSON object");
  data_ = file_->data() + 8 + header;
  const uint64_t data_size = file_->size() - 8 - header;

  for (const auto& [name, v] : root.items()) {
    if (name == "__metadata__") {
      if (!v.is_object()) throw ConvertError(path + ": __metadata__ is not an object");
      continue;
    }
    const std::string where = path + ": tensor " + name;
    if (extents_.count(name)) throw ConvertError(where + ": listed twice in the header");
    const json::Value* dtype = v.find("dtype");
    const json::Value* shape = v.find("shape");
    const json::Value* offsets = v.find("data_offsets");
    if (!dtype || !dtype->is_string()) throw ConvertError(where + ": missing or non-string dtype");
    if (!shape || !shape->is_array()) throw ConvertError(where + ": missing or non-array shape");
    if (!offsets || !offsets->is_array() || offsets->size() != 2) {
      throw ConvertError(where + ": data_offsets must be [begin, end]");
    }
    TensorInfo info{name, ParseDType(dtype->as_string(), where), {}};
    uint64_t count = 1;
    for (const auto& d : shape->as_array()) {
      const uint64_t n = Count(d, where, "shape dimensions");
      if (!CheckedMul(count, n, &count)) throw ConvertError(where + ": shape overflows");
      info.shape.push_back(static_cast<int64_t>(n));
    }
    const uint64_t begin = Count(offsets->as_array()[0], where, "data_offsets");
    const uint64_t end = Count(offsets->as_array()[1], where, "data_offsets");
    if (begin > end || end > data_size) {
      throw ConvertError(where + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                         "] outside the data (" + std::to_string(data_size) + " bytes)");
    }
    uint64_t bytes = 0;
    const bool fits = CheckedMul(count, DTypeSize(info.dtype), &bytes);
    if (!fits || end - begin != bytes) {
      throw ConvertError(where + ": data_offsets span " + std::to_string(end - begin) + " bytes, but " +
                         DTypeName(info.dtype) + " of this shape needs " +
                         (fits ? std::to_string(bytes) : std::string("more than 2^64")));
    }
    extents_[name] = Extent{tensors_.size(), begin, count};
    tensors_.push_back(std::move(info));
  }

  // Tensors may not share bytes (the format forbids aliasing); empty
  // tensors occupy nothing and may sit anywhere.
  std::vector<std::pair<uint64_t, const std::string*>> starts;
  for (const auto& [name, e] : extents_) {
    if (e.count > 0) starts.emplace_back(e.begin, &name);
  }
  std::sort(starts.begin(), starts.end());
  for (size_t i = 1; i < starts.size(); ++i) {
    const Extent& prev = extents_.at(*starts[i - 1].second);
    const uint64_t prev_end = prev.begin + prev.count * DTypeSize(tensors_[prev.index].dtype);
    if (starts[i].first < prev_end) {
      throw ConvertError(path + ": tensors " + *starts[i - 1].second + " and " + *starts[i].second + " overlap");
    }
  }
}

const TensorInfo* SafetensorsReader::Find(const std::string& name) const {
  const auto it = extents_.find(name);
  return it == extents_.end() ? nullptr : &tensors_[it->second.index];
}

std::vector<float> SafetensorsReader::ReadFloat32(const std::string& name) const {
  const auto it = extents_.find(name);
  if (it == extents_.end()) throw ConvertError(file_->path() + ": no tensor " + name);
  const Extent& e = it->second;
  std::vector<float> out(e.count);
  ToFloat32(tensors_[e.index].dtype, data_ + e.begin, out.size(), out.data());
  return out;
}

std::unique_ptr<CheckpointReader> OpenSafetensors(const std::string& path) {
  return std::make_unique<SafetensorsReader>(std::make_unique<MappedFile>(path));
}

std::unique_ptr<CheckpointReader> OpenSafetensorsBytes(std::vector<uint8_t> bytes, const std::string& name) {
  return std::make_unique<SafetensorsReader>(std::make_unique<MappedFile>(std::move(bytes), name));
}

}  // namespace embert::convert
