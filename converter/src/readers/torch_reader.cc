// pytorch_model.bin as torch.save writes it, without Python:
//   zip format (torch >= 1.6): <archive>/data.pkl + <archive>/data/<key> entries
//   legacy format: magic, protocol, sys_info and object pickles, storage keys,
//                  then each storage's bytes
// The pickle is run by a small interpreter that knows only the opcodes and
// globals torch uses for state dicts; anything else is refused, never run.
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "readers/checkpoint.h"
#include "readers/mapped_file.h"

namespace embert::convert {
namespace {

constexpr size_t kMaxStack = 1 << 20;
constexpr size_t kMaxMemo = 1 << 22;

// ---------------------------------------------------------------- pickle values
struct Obj;
using Ref = std::shared_ptr<Obj>;

struct StorageRef {
  DType dtype;
  std::string key;
  uint64_t numel = 0;
  // Legacy views: the root storage and the element offset inside it.
  uint64_t view_offset = 0;
};

struct TensorRef {
  StorageRef storage;
  uint64_t offset = 0;
  std::vector<int64_t> size, stride;
};

struct Obj {
  enum Kind { kNone, kBool, kInt, kFloat, kStr, kTuple, kList, kDict, kGlobal, kStorage, kTensor, kMark } kind = kNone;
  int64_t i = 0;
  double f = 0;
  std::string s;  // str/bytes, or "module.name" of a global
  std::vector<Ref> items;  // tuple/list
  std::vector<std::pair<Ref, Ref>> dict;
  StorageRef storage;
  TensorRef tensor;
};

Ref Make(Obj::Kind k) {
  auto r = std::make_shared<Obj>();
  r->kind = k;
  return r;
}

const std::set<std::string>& AllowedGlobals() {
  static const std::set<std::string> g = {
      "collections.OrderedDict",        "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
      "torch.FloatStorage",  "torch.HalfStorage",  "torch.BFloat16Storage", "torch.DoubleStorage",
      "torch.LongStorage",   "torch.IntStorage",   "torch.ShortStorage",    "torch.CharStorage",
      "torch.ByteStorage",   "torch.BoolStorage",  "torch.device",          "builtins.set"};
  return g;
}

DType StorageDType(const std::string& global, const std::string& where) {
  static const std::map<std::string, DType> m = {
      {"torch.FloatStorage", DType::F32},  {"torch.HalfStorage", DType::F16},
      {"torch.BFloat16Storage", DType::BF16}, {"torch.DoubleStorage", DType::F64},
      {"torch.LongStorage", DType::I64},   {"torch.IntStorage", DType::I32},
      {"torch.ShortStorage", DType::I16},  {"torch.CharStorage", DType::I8},
      {"torch.ByteStorage", DType::U8},    {"torch.BoolStorage", DType::BOOL}};
  const auto it = m.find(global);
  if (it == m.end()) throw ConvertError(where + ": unsupported storage type " + global);
  return it->second;
}

class Unpickler {
 public:
  Unpickler(const uint8_t* data, size_t size, std::string where)
      : p_(data), end_(data + size), where_(std::move(where)) {}

  size_t consumed(const uint8_t* base) const { return static_cast<size_t>(p_ - base); }
  // Storage key -> dtype of every persistent id seen (the legacy format
  // stores the element count per key but not the type).
  std::map<std::string, DType> storage_types;

  Ref Load() {
    for (;;) {
      const uint8_t op = Byte();
      switch (op) {
        case 0x80: Byte(); break;                 // PROTO
        case 0x95: Bytes(8); break;               // FRAME
        case '.': {                               // STOP
          Ref r = Pop();
          return r;
        }
        case '(': Push(Make(Obj::kMark)); break;  // MARK
        case '}': Push(Make(Obj::kDict)); break;
        case ']': Push(Make(Obj::kList)); break;
        case ')': Push(Make(Obj::kTuple)); break;
        case 't': {
          Ref t = Make(Obj::kTuple);
          t->items = PopToMark();
          Push(t);
          break;
        }
        case 0x85: case 0x86: case 0x87: {        // TUPLE1..3
          Ref t = Make(Obj::kTuple);
          t->items.resize(op - 0x84);
          for (size_t i = t->items.size(); i-- > 0;) t->items[i] = Pop();
          Push(t);
          break;
        }
        case 'J': PushInt(static_cast<int32_t>(U32())); break;
        case 'K': PushInt(Byte()); break;
        case 'M': PushInt(U16()); break;
        case 0x8a: {                              // LONG1
          const uint8_t n = Byte();
          const uint8_t* b = Bytes(n);
          if (n > 8) {  // only the legacy format's 10-byte magic number
            Ref big = Make(Obj::kInt);
            big->s.assign(reinterpret_cast<const char*>(b), n);
            Push(big);
            break;
          }
          int64_t v = 0;
          for (int i = n - 1; i >= 0; --i) v = (v << 8) | b[i];
          if (n > 0 && n < 8 && (b[n - 1] & 0x80)) v -= int64_t{1} << (8 * n);
          PushInt(v);
          break;
        }
        case 'G': {                               // BINFLOAT (big-endian)
          const uint8_t* b = Bytes(8);
          uint64_t bits = 0;
          for (int i = 0; i < 8; ++i) bits = (bits << 8) | b[i];
          Ref r = Make(Obj::kFloat);
          std::memcpy(&r->f, &bits, 8);
          Push(r);
          break;
        }
        case 0x88: case 0x89: {
          Ref r = Make(Obj::kBool);
          r->i = op == 0x88;
          Push(r);
          break;
        }
        case 'N': Push(Make(Obj::kNone)); break;
        case 'X': PushStr(U32()); break;
        case 0x8c: PushStr(Byte()); break;
        case 0x8d: PushStr(U64()); break;
        case 'T': PushStr(U32()); break;
        case 'U': PushStr(Byte()); break;
        case 'B': PushStr(U32()); break;
        case 'C': PushStr(Byte()); break;
        case 's': {                               // SETITEM
          Ref v = Pop(), k = Pop();
          Top(Obj::kDict)->dict.emplace_back(k, v);
          break;
        }
        case 'u': {                               // SETITEMS
          auto items = PopToMark();
          if (items.size() % 2) Fail("odd SETITEMS");
          Ref d = Top(Obj::kDict);
          for (size_t i = 0; i < items.size(); i += 2) d->dict.emplace_back(items[i], items[i + 1]);
          break;
        }
        case 'a': {
          Ref v = Pop();
          Top(Obj::kList)->items.push_back(v);
          break;
        }
        case 'e': {
          auto items = PopToMark();
          Ref l = Top(Obj::kList);
          l->items.insert(l->items.end(), items.begin(), items.end());
          break;
        }
        case 'q': Memo(Byte()); break;
        case 'r': Memo(U32()); break;
        case 0x94: Memo(memo_.size()); break;
        case 'h': Get(Byte()); break;
        case 'j': Get(U32()); break;
        case 'c': {                               // GLOBAL "module\nname\n"
          const std::string module = Line(), name = Line();
          PushGlobal(module + "." + name);
          break;
        }
        case 0x93: {                              // STACK_GLOBAL
          Ref name = Pop(), module = Pop();
          if (name->kind != Obj::kStr || module->kind != Obj::kStr) Fail("bad STACK_GLOBAL");
          PushGlobal(module->s + "." + name->s);
          break;
        }
        case 'Q': {                               // BINPERSID
          Ref pid = Pop();
          Push(PersistentLoad(pid));
          break;
        }
        case 'R': {                               // REDUCE
          Ref args = Pop(), fn = Pop();
          Push(Reduce(fn, args));
          break;
        }
        case 0x81: {                              // NEWOBJ
          Ref args = Pop(), cls = Pop();
          Push(Reduce(cls, args));
          break;
        }
        case 'b': {                               // BUILD: state is metadata for our objects
          Pop();
          if (stack_.empty()) Fail("BUILD on empty stack");
          break;
        }
        default: {
          char buf[64];
          std::snprintf(buf, sizeof buf, "unsupported pickle opcode 0x%02x", op);
          Fail(buf);
        }
      }
    }
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const { throw ConvertError(where_ + ": " + what); }
  uint8_t Byte() {
    if (p_ >= end_) Fail("truncated pickle");
    return *p_++;
  }
  const uint8_t* Bytes(uint64_t n) {
    if (n > static_cast<uint64_t>(end_ - p_)) Fail("truncated pickle");
    const uint8_t* b = p_;
    p_ += n;
    return b;
  }
  uint32_t U16() { const uint8_t* b = Bytes(2); return uint32_t{b[0]} | uint32_t{b[1]} << 8; }
  uint32_t U32() {
    const uint8_t* b = Bytes(4);
    return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
  }
  uint64_t U64() { const uint64_t lo = U32(); return lo | uint64_t{U32()} << 32; }
  std::string Line() {
    std::string s;
    for (;;) {
      const char c = static_cast<char>(Byte());
      if (c == '\n') return s;
      if (s.size() > 256) Fail("GLOBAL name too long");
      s += c;
    }
  }
  void Push(Ref r) {
    if (stack_.size() >= kMaxStack) Fail("pickle stack too deep");
    stack_.push_back(std::move(r));
  }
  Ref Pop() {
    if (stack_.empty() || stack_.back()->kind == Obj::kMark) Fail("pickle stack underflow");
    Ref r = stack_.back();
    stack_.pop_back();
    return r;
  }
  Ref Top(Obj::Kind kind) {
    if (stack_.empty() || stack_.back()->kind != kind) Fail("pickle: unexpected object type");
    return stack_.back();
  }
  std::vector<Ref> PopToMark() {
    size_t i = stack_.size();
    while (i > 0 && stack_[i - 1]->kind != Obj::kMark) --i;
    if (i == 0) Fail("pickle: MARK missing");
    std::vector<Ref> items(stack_.begin() + static_cast<long>(i), stack_.end());
    stack_.resize(i - 1);
    return items;
  }
  void PushInt(int64_t v) {
    Ref r = Make(Obj::kInt);
    r->i = v;
    Push(r);
  }
  void PushStr(uint64_t n) {
    Ref r = Make(Obj::kStr);
    const uint8_t* b = Bytes(n);
    r->s.assign(reinterpret_cast<const char*>(b), n);
    Push(r);
  }
  void PushGlobal(const std::string& name) {
    if (!AllowedGlobals().count(name)) {
      Fail("refusing pickle global " + name + " (only torch state-dict objects are read; nothing is executed)");
    }
    Ref r = Make(Obj::kGlobal);
    r->s = name;
    Push(r);
  }
  void Memo(uint64_t i) {
    if (stack_.empty()) Fail("memo of empty stack");
    if (i >= kMaxMemo) Fail("memo index too large");
    if (i >= memo_.size()) memo_.resize(i + 1);
    memo_[i] = stack_.back();
  }
  void Get(uint64_t i) {
    if (i >= memo_.size() || !memo_[i]) Fail("memo index not set");
    Push(memo_[i]);
  }

  static int64_t Int(const Ref& r, const std::string& where) {
    if (r->kind != Obj::kInt) throw ConvertError(where + ": expected an integer");
    return r->i;
  }

  Ref PersistentLoad(const Ref& pid) {
    // ('storage', <StorageType>, key, location, numel[, view_metadata])
    if (pid->kind != Obj::kTuple || pid->items.size() < 5 || pid->items[0]->s != "storage" ||
        pid->items[1]->kind != Obj::kGlobal) {
      Fail("unsupported persistent id");
    }
    Ref r = Make(Obj::kStorage);
    r->storage.dtype = StorageDType(pid->items[1]->s, where_);
    if (pid->items[2]->kind != Obj::kStr) Fail("storage key is not a string");
    r->storage.key = pid->items[2]->s;
    storage_types[r->storage.key] = r->storage.dtype;
    r->storage.numel = static_cast<uint64_t>(Int(pid->items[4], where_));
    if (pid->items.size() > 5 && pid->items[5]->kind == Obj::kTuple) {
      const auto& view = pid->items[5]->items;  // (view_key, offset, view_size)
      if (view.size() != 3) Fail("bad storage view");
      r->storage.view_offset = static_cast<uint64_t>(Int(view[1], where_));
      r->storage.numel = static_cast<uint64_t>(Int(view[2], where_));
    }
    return r;
  }

  Ref Reduce(const Ref& fn, const Ref& args) {
    if (fn->kind != Obj::kGlobal || args->kind != Obj::kTuple) Fail("unsupported REDUCE");
    const std::string& name = fn->s;
    if (name == "collections.OrderedDict" || name == "builtins.set") return Make(Obj::kDict);
    if (name == "torch._utils._rebuild_tensor_v2") {
      const auto& a = args->items;
      if (a.size() < 4 || a[0]->kind != Obj::kStorage || a[2]->kind != Obj::kTuple || a[3]->kind != Obj::kTuple) {
        Fail("bad _rebuild_tensor_v2 arguments");
      }
      Ref t = Make(Obj::kTensor);
      t->tensor.storage = a[0]->storage;
      t->tensor.offset = static_cast<uint64_t>(Int(a[1], where_));
      for (const auto& d : a[2]->items) t->tensor.size.push_back(Int(d, where_));
      for (const auto& d : a[3]->items) t->tensor.stride.push_back(Int(d, where_));
      if (t->tensor.size.size() != t->tensor.stride.size()) Fail("size and stride differ in rank");
      return t;
    }
    if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
      if (args->items.empty() || args->items[0]->kind != Obj::kTensor) Fail("bad _rebuild_parameter");
      return args->items[0];
    }
    if (name == "torch.device") return Make(Obj::kNone);
    Fail("refusing to call " + name);
  }

  const uint8_t* p_;
  const uint8_t* end_;
  std::string where_;
  std::vector<Ref> stack_;
  std::vector<Ref> memo_;
};

// ------------------------------------------------------------------------ zip
struct ZipEntry {
  uint64_t offset;  // of the data
  uint64_t size;
};

uint64_t Le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::map<std::string, ZipEntry> ReadZip(const MappedFile& f) {
  const uint8_t* d = f.data();
  const size_t n = f.size();
  auto fail = [&](const char* why) { throw ConvertError(f.path() + ": bad zip: " + std::string(why)); };
  if (n < 22) fail("too short");
  size_t eocd = n - 22;
  const size_t stop = n > 22 + 65535 ? n - 22 - 65535 : 0;
  while (Le(d + eocd, 4) != 0x06054b50) {
    if (eocd == stop) fail("no end of central directory");
    --eocd;
  }
  uint64_t entries = Le(d + eocd + 10, 2);
  uint64_t cd_size = Le(d + eocd + 12, 4);
  uint64_t cd_offset = Le(d + eocd + 16, 4);
  if ((cd_offset == 0xFFFFFFFF || entries == 0xFFFF) && eocd >= 20 && Le(d + eocd - 20, 4) == 0x07064b50) {
    const uint64_t z64 = Le(d + eocd - 20 + 8, 8);  // zip64 end of central directory record
    if (z64 + 56 > n || Le(d + z64, 4) != 0x06064b50) fail("bad zip64 record");
    entries = Le(d + z64 + 32, 8);
    cd_size = Le(d + z64 + 40, 8);
    cd_offset = Le(d + z64 + 48, 8);
  }
  if (cd_offset > n || cd_size > n - cd_offset) fail("central directory outside the file");
  std::map<std::string, ZipEntry> out;
  uint64_t p = cd_offset;
  for (uint64_t e = 0; e < entries; ++e) {
    if (p + 46 > cd_offset + cd_size || Le(d + p, 4) != 0x02014b50) fail("bad central directory entry");
    const uint64_t method = Le(d + p + 10, 2);
    uint64_t csize = Le(d + p + 20, 4), usize = Le(d + p + 24, 4);
    const uint64_t name_len = Le(d + p + 28, 2), extra_len = Le(d + p + 30, 2), comment_len = Le(d + p + 32, 2);
    uint64_t local = Le(d + p + 42, 4);
    if (p + 46 + name_len + extra_len + comment_len > cd_offset + cd_size) fail("entry outside directory");
    const std::string name(reinterpret_cast<const char*>(d + p + 46), name_len);
    // zip64 extra field: the 0xFFFFFFFF fields in order.
    for (uint64_t x = p + 46 + name_len; x + 4 <= p + 46 + name_len + extra_len;) {
      const uint64_t id = Le(d + x, 2), len = Le(d + x + 2, 2);
      if (x + 4 + len > p + 46 + name_len + extra_len) fail("bad extra field");
      if (id == 1) {
        uint64_t q = x + 4;
        if (usize == 0xFFFFFFFF && q + 8 <= x + 4 + len) { usize = Le(d + q, 8); q += 8; }
        if (csize == 0xFFFFFFFF && q + 8 <= x + 4 + len) { csize = Le(d + q, 8); q += 8; }
        if (local == 0xFFFFFFFF && q + 8 <= x + 4 + len) { local = Le(d + q, 8); }
      }
      x += 4 + len;
    }
    if (method != 0) {
      throw ConvertError(f.path() + ": zip entry " + name + " is compressed; torch.save stores entries uncompressed");
    }
    if (local + 30 > n || Le(d + local, 4) != 0x04034b50) fail("bad local header");
    const uint64_t data = local + 30 + Le(d + local + 26, 2) + Le(d + local + 28, 2);
    if (data > n || csize > n - data || csize != usize) fail("entry data outside the file");
    out[name] = ZipEntry{data, csize};
    p += 46 + name_len + extra_len + comment_len;
  }
  return out;
}

// ---------------------------------------------------------------- the reader
class TorchReader : public CheckpointReader {
 public:
  explicit TorchReader(const std::string& path) : file_(path) {
    const uint8_t* d = file_.data();
    if (file_.size() >= 4 && Le(d, 4) == 0x04034b50) {
      OpenZip();
    } else {
      OpenLegacy();
    }
  }

  const std::vector<TensorInfo>& tensors() const override { return infos_; }
  std::string format() const override { return zip_ ? "torch-zip" : "torch-legacy"; }
  std::vector<std::string> files() const override { return {file_.path()}; }

  std::vector<float> ReadFloat32(const std::string& name) const override {
    const auto it = tensors_.find(name);
    if (it == tensors_.end()) throw ConvertError(file_.path() + ": no tensor " + name);
    const TensorRef& t = it->second;
    const auto s = storages_.find(t.storage.key);
    const size_t item = DTypeSize(t.storage.dtype);
    uint64_t count = 1;
    for (int64_t v : t.size) count *= static_cast<uint64_t>(v);
    std::vector<float> out(count);
    if (count == 0) return out;
    // Walk the strided view; Open() checked every index is inside the storage.
    std::vector<int64_t> idx(t.size.size(), 0);
    const uint8_t* base = file_.data() + s->second.offset;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t e = t.storage.view_offset + t.offset;
      for (size_t k = 0; k < idx.size(); ++k) e += static_cast<uint64_t>(idx[k] * t.stride[k]);
      ToFloat32(t.storage.dtype, base + e * item, 1, &out[i]);
      for (size_t k = idx.size(); k-- > 0;) {
        if (++idx[k] < t.size[k]) break;
        idx[k] = 0;
      }
    }
    return out;
  }

 private:
  struct StorageData {
    uint64_t offset;
    uint64_t bytes;
  };

  void OpenZip() {
    zip_ = true;
    const auto entries = ReadZip(file_);
    std::string prefix;
    for (const auto& [name, e] : entries) {
      const size_t slash = name.find('/');
      if (slash != std::string::npos && name.substr(slash + 1) == "data.pkl") prefix = name.substr(0, slash + 1);
    }
    const auto pkl = entries.find(prefix + "data.pkl");
    if (pkl == entries.end()) throw ConvertError(file_.path() + ": zip without data.pkl: not a torch.save file");
    if (const auto bo = entries.find(prefix + "byteorder"); bo != entries.end()) {
      if (std::string(reinterpret_cast<const char*>(file_.data() + bo->second.offset), bo->second.size) != "little") {
        throw ConvertError(file_.path() + ": big-endian checkpoints are not supported");
      }
    }
    Unpickler u(file_.data() + pkl->second.offset, pkl->second.size, file_.path() + " data.pkl");
    const Ref root = u.Load();
    for (const auto& [name, e] : entries) {
      if (name.rfind(prefix + "data/", 0) == 0) {
        storages_[name.substr(prefix.size() + 5)] = StorageData{e.offset, e.size};
      }
    }
    Collect(root);
  }

  void OpenLegacy() {
    const uint8_t* d = file_.data();
    const size_t n = file_.size();
    size_t pos = 0;
    auto next = [&](const char* what, std::map<std::string, DType>* types) {
      Unpickler u(d + pos, n - pos, file_.path() + " (" + what + ")");
      Ref r = u.Load();
      pos += u.consumed(d + pos);
      if (types) *types = u.storage_types;
      return r;
    };
    const Ref magic = next("magic", nullptr);
    static const char kMagic[] = "\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";
    if (magic->kind != Obj::kInt || magic->s != std::string(kMagic, 10)) {
      throw ConvertError(file_.path() + ": neither a zip nor a legacy torch.save file");
    }
    next("protocol version", nullptr);
    next("sys info", nullptr);
    const Ref root = next("object", &legacy_types_);
    const Ref keys = next("storage keys", nullptr);
    if (keys->kind != Obj::kList) throw ConvertError(file_.path() + ": bad legacy storage key list");
    for (const auto& k : keys->items) {
      if (k->kind != Obj::kStr) throw ConvertError(file_.path() + ": bad legacy storage key");
      if (pos + 8 > n) throw ConvertError(file_.path() + ": truncated storage " + k->s);
      const uint64_t numel = Le(d + pos, 8);
      pos += 8;
      const size_t item = DTypeSize(legacy_types_.count(k->s) ? legacy_types_[k->s] : DType::U8);
      if (numel > (n - pos) / item) throw ConvertError(file_.path() + ": storage " + k->s + " exceeds the file");
      storages_[k->s] = StorageData{pos, numel * item};
      pos += numel * item;
    }
    Collect(root);
  }

  // Every tensor of the (possibly nested) dicts, named by its dotted path:
  // {"state_dict": {"bert.x": t}} gives "state_dict.bert.x". Checkpoints
  // also hold plain numbers and optimizer state; only tensors are listed.
  void Collect(const Ref& root) {
    if (root->kind != Obj::kDict) throw ConvertError(file_.path() + ": the pickle is not a dict of tensors");
    Walk(*root, "", 0);
  }

  void Walk(const Obj& dict, const std::string& prefix, int depth) {
    if (depth > 16) throw ConvertError(file_.path() + ": dicts nested too deeply");
    for (const auto& [k, v] : dict.dict) {
      std::string key;
      if (k->kind == Obj::kStr) {
        key = k->s;
      } else if (k->kind == Obj::kInt) {
        key = std::to_string(k->i);
      } else {
        continue;
      }
      if (v->kind == Obj::kTensor) {
        Add(prefix + key, v->tensor);
      } else if (v->kind == Obj::kDict) {
        Walk(*v, prefix + key + ".", depth + 1);
      }
    }
  }

  void Add(const std::string& name, const TensorRef& t) {
    const std::string where = file_.path() + ": tensor " + name;
    const auto s = storages_.find(t.storage.key);
    if (s == storages_.end()) throw ConvertError(where + ": storage " + t.storage.key + " is missing");
    const uint64_t item = DTypeSize(t.storage.dtype);
    const uint64_t available = s->second.bytes / item;
    uint64_t last = t.storage.view_offset + t.offset;
    uint64_t count = 1;
    for (size_t k = 0; k < t.size.size(); ++k) {
      if (t.size[k] < 0 || t.stride[k] < 0) throw ConvertError(where + ": negative size or stride");
      if (t.size[k] == 0) count = 0;
      else last += static_cast<uint64_t>(t.size[k] - 1) * static_cast<uint64_t>(t.stride[k]);
      if (count && static_cast<uint64_t>(t.size[k]) > (uint64_t{1} << 40) / count) {
        throw ConvertError(where + ": declares an impossibly large tensor");
      }
      count *= static_cast<uint64_t>(t.size[k]);
    }
    if (count > 0 && last >= available) {
      throw ConvertError(where + ": reads past its storage (" + std::to_string(available) + " elements)");
    }
    tensors_[name] = t;
    infos_.push_back(TensorInfo{name, t.storage.dtype, t.size});
  }

  MappedFile file_;
  bool zip_ = false;
  std::map<std::string, StorageData> storages_;
  std::map<std::string, DType> legacy_types_;
  std::map<std::string, TensorRef> tensors_;
  std::vector<TensorInfo> infos_;
};

}  // namespace

std::unique_ptr<CheckpointReader> OpenTorch(const std::string& path) {
  return std::make_unique<TorchReader>(path);
}

}  // namespace embert::convert
