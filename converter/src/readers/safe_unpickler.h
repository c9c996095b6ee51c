// A pickle reader for torch.save state dicts that never executes anything.
// It understands the opcodes pickle protocol 2 uses for dicts, lists,
// tuples, numbers and strings, and a short whitelist of globals (OrderedDict,
// torch's tensor/parameter rebuild functions, the typed storage classes);
// any other opcode or global is a ConvertError naming it. Storages arrive
// through persistent ids and are returned as references, not loaded.
#ifndef EMBERT_CONVERTER_READERS_SAFE_UNPICKLER_H_
#define EMBERT_CONVERTER_READERS_SAFE_UNPICKLER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "readers/checkpoint.h"

namespace embert::convert {

// A storage as the persistent id names it. Legacy files may also name a
// view into a larger "root" storage: key is then the root's key.
struct StorageRef {
  DType dtype = DType::U8;
  std::string key;
  int64_t view_offset = 0;  // elements into the root storage (legacy views)
};

// Arguments of torch._utils._rebuild_tensor_v2, unvalidated: the torch
// reader checks them against the storage it finds.
struct TensorRef {
  StorageRef storage;
  int64_t offset = 0;  // elements
  std::vector<int64_t> size, stride;
};

struct PickleObject {
  enum Kind { kNone, kBool, kInt, kBigInt, kFloat, kStr, kTuple, kList, kDict, kGlobal, kStorage, kTensor, kMark };
  Kind kind = kNone;
  int64_t i = 0;                     // kBool, kInt
  double f = 0;                      // kFloat
  std::string s;                     // kStr (also bytes), kGlobal ("module.name"), kBigInt (little-endian bytes)
  std::vector<PickleObject*> items;  // kTuple, kList
  std::vector<std::pair<PickleObject*, PickleObject*>> dict;  // kDict, insertion order
  std::unique_ptr<StorageRef> storage;                        // kStorage
  std::unique_ptr<TensorRef> tensor;                          // kTensor
};

class SafeUnpickler {
 public:
  // `where` names the pickle in error messages, e.g. "model.bin data.pkl".
  SafeUnpickler(const uint8_t* data, size_t size, std::string where);

  // Runs to STOP; the result (and everything it points to) lives as long as
  // the unpickler. Objects may be shared or even cyclic.
  const PickleObject* Load();
  // Bytes used up to and including STOP (the legacy format concatenates pickles).
  size_t consumed() const { return static_cast<size_t>(p_ - begin_); }
  // Storage key -> dtype, for every storage the pickle named.
  const std::map<std::string, DType>& storage_types() const { return storage_types_; }

 private:
  [[noreturn]] void Fail(const std::string& what) const;
  uint8_t Byte();
  const uint8_t* Bytes(uint64_t n);
  uint64_t Uint(int n);
  std::string Line();
  PickleObject* New(PickleObject::Kind kind);
  void Push(PickleObject* o);
  PickleObject* Pop();
  PickleObject* Top(PickleObject::Kind kind, const char* op);
  std::vector<PickleObject*> PopToMark();
  void PushStr(uint64_t n);
  void PushInt(int64_t v);
  void PushLong1();
  void PushGlobal(const std::string& name);
  PickleObject* PersistentLoad(const PickleObject& pid);
  PickleObject* Reduce(const PickleObject& fn, const PickleObject& args);
  int64_t Int(const PickleObject& o, const char* what) const;

  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
  std::string where_;
  std::vector<std::unique_ptr<PickleObject>> arena_;  // owns every object
  std::vector<PickleObject*> stack_;
  std::unordered_map<uint64_t, PickleObject*> memo_;
  std::map<std::string, DType> storage_types_;
  PickleObject none_, true_, false_, mark_;
};

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_SAFE_UNPICKLER_H_
