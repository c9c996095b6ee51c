// MindSpore .ckpt: a protobuf Checkpoint {repeated Value value = 1}, Value
// {string tag = 1; TensorProto tensor = 2 | MapTensorProto maptensor = 3},
// TensorProto {repeated int64 dims = 1; string tensor_type = 2; bytes
// tensor_content = 3} (mindspore/ccsrc/utils/checkpoint.proto). MindSpore
// splits tensors over 512 MiB into several records with the same tag and
// writes 0-d scalars as dims [0] with one element. Everything is checked at
// open; tensor bytes stay in the mapped file until read.
#include <map>
#include <set>
#include <utility>

#include "readers/checked_math.h"
#include "readers/checkpoint.h"
#include "readers/mapped_file.h"
#include "readers/protobuf_wire.h"

namespace embert::convert {
namespace {

constexpr size_t kMaxRank = 254;

bool ParseType(const std::string& s, DType* out) {
  static const std::pair<const char*, DType> kTypes[] = {
      {"Float32", DType::F32}, {"Float16", DType::F16}, {"BFloat16", DType::BF16}, {"Float64", DType::F64},
      {"Int8", DType::I8},     {"Int16", DType::I16},   {"Int32", DType::I32},     {"Int64", DType::I64},
      {"UInt8", DType::U8},    {"UInt16", DType::U16},  {"UInt32", DType::U32},    {"UInt64", DType::U64},
      {"Bool", DType::BOOL}};
  for (const auto& [name, d] : kTypes) {
    if (s == name) {
      *out = d;
      return true;
    }
  }
  return false;
}

struct Record {
  std::string tag;
  bool map_tensor = false;
  bool have_tensor = false;
  std::vector<int64_t> dims;
  std::string type;
  bool have_type = false;
  const uint8_t* content = nullptr;
  size_t content_size = 0;
};

struct Piece {
  const uint8_t* data;
  size_t size;
};

class MindSporeReader : public CheckpointReader {
 public:
  explicit MindSporeReader(std::unique_ptr<MappedFile> file) : file_(std::move(file)) {
    const std::string& path = file_->path();
    pb::Message top(file_->data(), file_->size(), path);
    pb::Field f;
    size_t n = 0;
    while (top.Next(&f)) {
      if (f.number != 1) continue;  // unknown top-level fields (newer writers) carry no tensors
      Add(ParseRecord(top.Sub(f, "record " + std::to_string(n))));
      ++n;
    }
    for (size_t i = 0; i < tensors_.size(); ++i) Finish(tensors_[i], pending_.at(tensors_[i].name));
  }

  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  std::string format() const override { return "mindspore"; }
  std::vector<std::string> files() const override { return {file_->path()}; }
  std::vector<std::string> skipped() const override { return skipped_order_; }

  std::vector<float> ReadFloat32(const std::string& name) const override {
    const auto it = pending_.find(name);
    if (it == pending_.end()) throw ConvertError(file_->path() + ": no tensor " + name);
    const Tensor& t = it->second;
    const size_t item = DTypeSize(t.dtype);
    size_t total = 0;
    for (const Piece& p : t.pieces) total += p.size;
    std::vector<float> out(total / item);
    if (t.pieces.size() == 1) {
      ToFloat32(t.dtype, t.pieces[0].data, out.size(), out.data());
      return out;
    }
    // Records split at byte offsets; gathered so an element may straddle two.
    std::vector<uint8_t> bytes;
    bytes.reserve(total);
    for (const Piece& p : t.pieces) bytes.insert(bytes.end(), p.data, p.data + p.size);
    ToFloat32(t.dtype, bytes.data(), out.size(), out.data());
    return out;
  }

 private:
  struct Tensor {
    DType dtype;
    std::vector<int64_t> dims;
    std::vector<Piece> pieces;
  };

  Record ParseRecord(pb::Message m) {
    Record r;
    bool have_tag = false;
    pb::Field f;
    while (m.Next(&f)) {
      if (f.number == 1) {
        pb::ExpectType(f, pb::WireType::kLen, m.where(), "tag");
        r.tag.assign(reinterpret_cast<const char*>(f.data), f.size);
        have_tag = true;
      } else if (f.number == 3) {
        pb::ExpectType(f, pb::WireType::kLen, m.where(), "maptensor");
        r.map_tensor = true;
      } else if (f.number == 2) {
        r.have_tensor = true;
        pb::Message t = m.Sub(f, "tensor");
        pb::Field g;
        while (t.Next(&g)) {
          if (g.number == 1) {
            pb::ForEachVarint(g, t.where(), "dims", [&](uint64_t d) {
              if (static_cast<int64_t>(d) < 0) throw ConvertError(t.where() + ": negative dimension");
              if (r.dims.size() == kMaxRank) throw ConvertError(t.where() + ": more than 254 dimensions");
              r.dims.push_back(static_cast<int64_t>(d));
            });
          } else if (g.number == 2) {
            pb::ExpectType(g, pb::WireType::kLen, t.where(), "tensor_type");
            r.type.assign(reinterpret_cast<const char*>(g.data), g.size);
            r.have_type = true;
          } else if (g.number == 3) {
            pb::ExpectType(g, pb::WireType::kLen, t.where(), "tensor_content");
            r.content = g.data;
            r.content_size = g.size;
          }
        }
      }
    }
    if (!have_tag) throw ConvertError(m.where() + ": no tag (parameter name)");
    if (!r.map_tensor && !r.have_tensor) throw ConvertError(m.where() + " (" + r.tag + "): no tensor");
    if (r.have_tensor && !r.have_type) throw ConvertError(m.where() + " (" + r.tag + "): no tensor_type");
    return r;
  }

  void Add(const Record& r) {
    const std::string where = file_->path() + ": tensor " + r.tag;
    if (r.map_tensor || r.type == "str") {
      if (pending_.count(r.tag)) throw ConvertError(where + ": both a numeric tensor and a string or map tensor");
      if (skipped_.insert(r.tag).second) skipped_order_.push_back(r.tag);
      return;
    }
    if (skipped_.count(r.tag)) throw ConvertError(where + ": both a numeric tensor and a string or map tensor");
    DType d;
    if (!ParseType(r.type, &d)) {
      throw ConvertError(
          where + ": unsupported tensor_type \"" + r.type +
          "\" (supported: Float32 Float16 BFloat16 Float64 Int8..Int64 UInt8..UInt64 Bool; str skipped)");
    }
    auto it = pending_.find(r.tag);
    if (it == pending_.end()) {
      tensors_.push_back(TensorInfo{r.tag, d, r.dims});
      it = pending_.emplace(r.tag, Tensor{d, r.dims, {}}).first;
    } else if (it->second.dtype != d || it->second.dims != r.dims) {
      throw ConvertError(where + ": records with this tag disagree on dims or tensor_type");
    }
    it->second.pieces.push_back(Piece{r.content, r.content_size});
  }

  // Total size against dims, once every record is in; dims [0] holding one
  // element is MindSpore's scalar.
  void Finish(TensorInfo& info, const Tensor& t) {
    const std::string where = file_->path() + ": tensor " + info.name;
    uint64_t total = 0;
    for (const Piece& p : t.pieces) total += p.size;  // each within the file: cannot overflow
    const uint64_t item = DTypeSize(t.dtype);
    if (t.dims.size() == 1 && t.dims[0] == 0 && total == item) {
      info.shape.clear();
      return;
    }
    uint64_t count = 1, bytes = 0;
    for (int64_t dim : t.dims) {
      if (!CheckedMul(count, static_cast<uint64_t>(dim), &count)) throw ConvertError(where + ": dims overflow");
    }
    const bool fits = CheckedMul(count, item, &bytes);
    if (!fits || bytes != total) {
      throw ConvertError(where + ": " + std::to_string(total) + " bytes of content in " +
                         std::to_string(t.pieces.size()) + " record(s), but " + DTypeName(t.dtype) +
                         " of these dims needs " + (fits ? std::to_string(bytes) : std::string("more than 2^64")));
    }
  }

  std::unique_ptr<MappedFile> file_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, Tensor> pending_;
  std::set<std::string> skipped_;
  std::vector<std::string> skipped_order_;  // file order
};

}  // namespace

std::unique_ptr<CheckpointReader> OpenMindSpore(const std::string& path) {
  return std::make_unique<MindSporeReader>(std::make_unique<MappedFile>(path));
}

std::unique_ptr<CheckpointReader> OpenMindSporeBytes(std::vector<uint8_t> bytes, const std::string& name) {
  return std::make_unique<MindSporeReader>(std::make_unique<MappedFile>(std::move(bytes), name));
}

}  // namespace embert::convert
