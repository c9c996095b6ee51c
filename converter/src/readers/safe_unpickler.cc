#include "readers/safe_unpickler.h"

#include <cstdio>
#include <cstring>
#include <set>

#include "readers/checked_math.h"

namespace embert::convert {
namespace {

// Bounds for hostile input (memory stays under ~150 MB). torch writes ~25
// objects per tensor: 1M objects allow ~40k tensors; BERT-large has ~400.
constexpr size_t kMaxObjects = size_t{1} << 20;
constexpr size_t kMaxStack = size_t{1} << 20;
constexpr size_t kMaxGlobalName = 256;

// Everything torch.save writes for state dicts and training checkpoints.
// Storage classes only ever appear inside persistent ids; calling one (or
// anything not handled in Reduce) is refused.
const std::set<std::string>& AllowedGlobals() {
  static const std::set<std::string> g = {
      "collections.OrderedDict",
      "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_parameter",
      "torch._utils._rebuild_parameter_with_state",
      "torch.device",
      "_codecs.encode",  // Python 3 bytes in a protocol-2 pickle
      "torch.FloatStorage",
      "torch.HalfStorage",
      "torch.BFloat16Storage",
      "torch.DoubleStorage",
      "torch.LongStorage",
      "torch.IntStorage",
      "torch.ShortStorage",
      "torch.CharStorage",
      "torch.ByteStorage",
      "torch.BoolStorage",
  };
  return g;
}

bool StorageDType(const std::string& global, DType* out) {
  static const std::pair<const char*, DType> kTypes[] = {
      {"torch.FloatStorage", DType::F32},  {"torch.HalfStorage", DType::F16}, {"torch.BFloat16Storage", DType::BF16},
      {"torch.DoubleStorage", DType::F64}, {"torch.LongStorage", DType::I64}, {"torch.IntStorage", DType::I32},
      {"torch.ShortStorage", DType::I16},  {"torch.CharStorage", DType::I8},  {"torch.ByteStorage", DType::U8},
      {"torch.BoolStorage", DType::BOOL}};
  for (const auto& [name, d] : kTypes) {
    if (global == name) {
      *out = d;
      return true;
    }
  }
  return false;
}

}  // namespace

SafeUnpickler::SafeUnpickler(const uint8_t* data, size_t size, std::string where)
    : begin_(data), p_(data), end_(data + size), where_(std::move(where)) {
  none_.kind = PickleObject::kNone;
  true_.kind = false_.kind = PickleObject::kBool;
  true_.i = 1;
  mark_.kind = PickleObject::kMark;
}

void SafeUnpickler::Fail(const std::string& what) const {
  throw ConvertError(where_ + ": " + what + " (at pickle byte " + std::to_string(p_ - begin_) + ")");
}

uint8_t SafeUnpickler::Byte() {
  if (p_ >= end_) Fail("truncated pickle");
  return *p_++;
}

const uint8_t* SafeUnpickler::Bytes(uint64_t n) {
  if (n > static_cast<uint64_t>(end_ - p_)) Fail("truncated pickle (" + std::to_string(n) + " bytes announced)");
  const uint8_t* b = p_;
  p_ += n;
  return b;
}

uint64_t SafeUnpickler::Uint(int n) { return LoadLe(Bytes(static_cast<uint64_t>(n)), n); }

std::string SafeUnpickler::Line() {
  std::string s;
  for (;;) {
    const char c = static_cast<char>(Byte());
    if (c == '\n') return s;
    if (s.size() >= kMaxGlobalName) Fail("GLOBAL name too long");
    s += c;
  }
}

PickleObject* SafeUnpickler::New(PickleObject::Kind kind) {
  if (arena_.size() >= kMaxObjects) Fail("more than " + std::to_string(kMaxObjects) + " objects");
  arena_.push_back(std::make_unique<PickleObject>());
  arena_.back()->kind = kind;
  return arena_.back().get();
}

void SafeUnpickler::Push(PickleObject* o) {
  if (stack_.size() >= kMaxStack) Fail("pickle stack deeper than " + std::to_string(kMaxStack));
  stack_.push_back(o);
}

PickleObject* SafeUnpickler::Pop() {
  if (stack_.empty() || stack_.back()->kind == PickleObject::kMark) Fail("pickle stack underflow");
  PickleObject* o = stack_.back();
  stack_.pop_back();
  return o;
}

PickleObject* SafeUnpickler::Top(PickleObject::Kind kind, const char* op) {
  if (stack_.empty() || stack_.back()->kind != kind) Fail(std::string(op) + " on an object of the wrong type");
  return stack_.back();
}

std::vector<PickleObject*> SafeUnpickler::PopToMark() {
  size_t i = stack_.size();
  while (i > 0 && stack_[i - 1]->kind != PickleObject::kMark) --i;
  if (i == 0) Fail("MARK missing");
  std::vector<PickleObject*> items(stack_.begin() + static_cast<std::ptrdiff_t>(i), stack_.end());
  stack_.resize(i - 1);
  return items;
}

void SafeUnpickler::PushStr(uint64_t n) {
  PickleObject* o = New(PickleObject::kStr);
  const uint8_t* b = Bytes(n);
  o->s.assign(reinterpret_cast<const char*>(b), n);
  Push(o);
}

void SafeUnpickler::PushInt(int64_t v) {
  PickleObject* o = New(PickleObject::kInt);
  o->i = v;
  Push(o);
}

// LONG1: n-byte little-endian two's complement. Up to 8 bytes is an int64;
// longer ones (the legacy format's 10-byte magic number) keep their bytes.
void SafeUnpickler::PushLong1() {
  const uint8_t n = Byte();
  const uint8_t* b = Bytes(n);
  if (n > 8) {
    PickleObject* o = New(PickleObject::kBigInt);
    o->s.assign(reinterpret_cast<const char*>(b), n);
    Push(o);
    return;
  }
  uint64_t v = LoadLe(b, n);
  if (n > 0 && n < 8 && (b[n - 1] & 0x80)) v |= ~uint64_t{0} << (8 * n);  // sign-extend
  PushInt(static_cast<int64_t>(v));
}

void SafeUnpickler::PushGlobal(const std::string& name) {
  if (!AllowedGlobals().count(name)) {
    Fail("refusing pickle global " + name + ": only the objects torch.save writes for state dicts are read, " +
         "nothing is executed");
  }
  PickleObject* o = New(PickleObject::kGlobal);
  o->s = name;
  Push(o);
}

int64_t SafeUnpickler::Int(const PickleObject& o, const char* what) const {
  if (o.kind != PickleObject::kInt) Fail(std::string(what) + " is not an integer");
  return o.i;
}

// ('storage', <torch.XStorage>, key, location, numel[, view_metadata]);
// view_metadata (legacy only) is None or (view_key, offset, view_numel).
PickleObject* SafeUnpickler::PersistentLoad(const PickleObject& pid) {
  if (pid.kind != PickleObject::kTuple || pid.items.size() < 5 || pid.items[0]->kind != PickleObject::kStr ||
      pid.items[0]->s != "storage") {
    Fail("unsupported persistent id (only torch storages are read)");
  }
  const auto& a = pid.items;
  DType dtype;
  if (a[1]->kind != PickleObject::kGlobal || !StorageDType(a[1]->s, &dtype))
    Fail("persistent id without a storage type");
  if (a[2]->kind != PickleObject::kStr) Fail("storage key is not a string");
  Int(*a[4], "storage size");
  PickleObject* o = New(PickleObject::kStorage);
  o->storage = std::make_unique<StorageRef>();
  o->storage->dtype = dtype;
  o->storage->key = a[2]->s;
  if (a.size() > 5 && a[5]->kind == PickleObject::kTuple) {
    const auto& view = a[5]->items;
    if (view.size() != 3) Fail("bad storage view metadata");
    o->storage->view_offset = Int(*view[1], "storage view offset");
  }
  const auto [it, fresh] = storage_types_.emplace(o->storage->key, dtype);
  if (!fresh && it->second != dtype) {
    Fail("storage " + o->storage->key + " is used as both " + DTypeName(it->second) + " and " + DTypeName(dtype));
  }
  return o;
}

PickleObject* SafeUnpickler::Reduce(const PickleObject& fn, const PickleObject& args) {
  if (fn.kind != PickleObject::kGlobal || args.kind != PickleObject::kTuple) Fail("unsupported REDUCE");
  const std::string& name = fn.s;
  const auto& a = args.items;
  if (name == "collections.OrderedDict") return New(PickleObject::kDict);  // items follow via SETITEMS
  if (name == "torch._utils._rebuild_tensor_v2") {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (a.size() < 4 || a[0]->kind != PickleObject::kStorage || a[2]->kind != PickleObject::kTuple ||
        a[3]->kind != PickleObject::kTuple) {
      Fail("bad _rebuild_tensor_v2 arguments");
    }
    PickleObject* t = New(PickleObject::kTensor);
    t->tensor = std::make_unique<TensorRef>();
    t->tensor->storage = *a[0]->storage;
    t->tensor->offset = Int(*a[1], "storage offset");
    for (const PickleObject* d : a[2]->items) t->tensor->size.push_back(Int(*d, "tensor size"));
    for (const PickleObject* d : a[3]->items) t->tensor->stride.push_back(Int(*d, "tensor stride"));
    if (t->tensor->size.size() != t->tensor->stride.size()) Fail("tensor size and stride differ in rank");
    return t;
  }
  if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
    // (data, requires_grad, backward_hooks[, state]): a Parameter is its data here.
    if (a.empty() || a[0]->kind != PickleObject::kTensor) Fail("bad " + name + " arguments");
    return a[0];
  }
  if (name == "torch.device") return &none_;
  if (name == "_codecs.encode") {
    if (a.empty() || a[0]->kind != PickleObject::kStr) Fail("bad _codecs.encode arguments");
    return a[0];
  }
  Fail("refusing to call " + name);
}

const PickleObject* SafeUnpickler::Load() {
  for (;;) {
    const uint8_t op = Byte();
    switch (op) {
      case 0x80: {  // PROTO
        const uint8_t v = Byte();
        if (v < 2 || v > 5) Fail("unsupported pickle protocol " + std::to_string(v));
        break;
      }
      case 0x95: Bytes(8); break;  // FRAME: a size hint
      case '.': return Pop();      // STOP
      case '(': Push(&mark_); break;
      case '}': Push(New(PickleObject::kDict)); break;
      case ']': Push(New(PickleObject::kList)); break;
      case ')': Push(New(PickleObject::kTuple)); break;
      case 't': {
        PickleObject* t = New(PickleObject::kTuple);
        t->items = PopToMark();
        Push(t);
        break;
      }
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        PickleObject* t = New(PickleObject::kTuple);
        t->items.resize(op - 0x84);
        for (size_t i = t->items.size(); i-- > 0;) t->items[i] = Pop();
        Push(t);
        break;
      }
      case 'J': PushInt(static_cast<int32_t>(Uint(4))); break;  // BININT
      case 'K': PushInt(static_cast<int64_t>(Uint(1))); break;  // BININT1
      case 'M': PushInt(static_cast<int64_t>(Uint(2))); break;  // BININT2
      case 0x8a: PushLong1(); break;
      case 'G': {  // BINFLOAT, big-endian
        const uint8_t* b = Bytes(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | b[i];
        PickleObject* o = New(PickleObject::kFloat);
        std::memcpy(&o->f, &bits, 8);
        Push(o);
        break;
      }
      case 0x88: Push(&true_); break;   // NEWTRUE
      case 0x89: Push(&false_); break;  // NEWFALSE
      case 'N': Push(&none_); break;
      case 'X': PushStr(Uint(4)); break;   // BINUNICODE
      case 0x8c: PushStr(Uint(1)); break;  // SHORT_BINUNICODE
      case 0x8d: PushStr(Uint(8)); break;  // BINUNICODE8
      case 'B': PushStr(Uint(4)); break;   // BINBYTES
      case 'C': PushStr(Uint(1)); break;   // SHORT_BINBYTES
      case 0x8e: PushStr(Uint(8)); break;  // BINBYTES8
      case 'T': PushStr(Uint(4)); break;   // BINSTRING
      case 'U': PushStr(Uint(1)); break;   // SHORT_BINSTRING
      case 's': {                          // SETITEM
        PickleObject* v = Pop();
        PickleObject* k = Pop();
        Top(PickleObject::kDict, "SETITEM")->dict.emplace_back(k, v);
        break;
      }
      case 'u': {  // SETITEMS
        const std::vector<PickleObject*> kv = PopToMark();
        if (kv.size() % 2) Fail("SETITEMS with an odd number of items");
        PickleObject* d = Top(PickleObject::kDict, "SETITEMS");
        for (size_t i = 0; i < kv.size(); i += 2) d->dict.emplace_back(kv[i], kv[i + 1]);
        break;
      }
      case 'a': {  // APPEND
        PickleObject* v = Pop();
        Top(PickleObject::kList, "APPEND")->items.push_back(v);
        break;
      }
      case 'e': {  // APPENDS
        const std::vector<PickleObject*> items = PopToMark();
        PickleObject* l = Top(PickleObject::kList, "APPENDS");
        l->items.insert(l->items.end(), items.begin(), items.end());
        break;
      }
      case 'q':
      case 'r':
      case 0x94: {  // BINPUT, LONG_BINPUT, MEMOIZE
        const uint64_t index = op == 'q' ? Uint(1) : op == 'r' ? Uint(4) : memo_.size();
        if (stack_.empty()) Fail("memo store from an empty stack");
        memo_[index] = stack_.back();
        break;
      }
      case 'h':
      case 'j': {  // BINGET, LONG_BINGET
        const uint64_t index = op == 'h' ? Uint(1) : Uint(4);
        const auto it = memo_.find(index);
        if (it == memo_.end()) Fail("memo entry " + std::to_string(index) + " is not set");
        Push(it->second);
        break;
      }
      case 'c': {  // GLOBAL "module\nname\n"
        const std::string module = Line();
        const std::string name = Line();
        PushGlobal(module + "." + name);
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        PickleObject* name = Pop();
        PickleObject* module = Pop();
        if (name->kind != PickleObject::kStr || module->kind != PickleObject::kStr) Fail("bad STACK_GLOBAL");
        PushGlobal(module->s + "." + name->s);
        break;
      }
      case 'Q': {  // BINPERSID
        PickleObject* pid = Pop();
        Push(PersistentLoad(*pid));
        break;
      }
      case 'R':
      case 0x81: {  // REDUCE, NEWOBJ (cls, args): both only for whitelisted globals
        PickleObject* args = Pop();
        PickleObject* fn = Pop();
        Push(Reduce(*fn, *args));
        break;
      }
      case 'b': {  // BUILD: the state (e.g. OrderedDict._metadata) is not needed
        Pop();
        if (stack_.empty()) Fail("BUILD without an object");
        break;
      }
      case '0': Pop(); break;        // POP
      case '1': PopToMark(); break;  // POP_MARK
      case '2': {                    // DUP
        if (stack_.empty()) Fail("DUP of an empty stack");
        Push(stack_.back());
        break;
      }
      default: {
        char buf[80];
        std::snprintf(buf, sizeof buf, "unsupported pickle opcode 0x%02x ('%c')", op,
                      op >= 0x20 && op < 0x7f ? static_cast<char>(op) : '?');
        Fail(buf);
      }
    }
  }
}

}  // namespace embert::convert
