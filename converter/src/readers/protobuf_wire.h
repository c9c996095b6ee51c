// A minimal protobuf wire-format reader for the few messages checkpoints
// use (TF BundleEntryProto, MindSpore Checkpoint): no libprotobuf, no
// generated code. Every length is checked against the enclosing message;
// malformed input is a ConvertError prefixed with `where`.
#ifndef EMBERT_CONVERTER_READERS_PROTOBUF_WIRE_H_
#define EMBERT_CONVERTER_READERS_PROTOBUF_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace embert::convert::pb {

enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLen = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5 };

struct Field {
  uint32_t number = 0;
  WireType type = WireType::kVarint;
  uint64_t value = 0;             // varint, fixed32 or fixed64
  const uint8_t* data = nullptr;  // kLen payload
  size_t size = 0;
};

// Decodes a varint of at most 10 bytes at [*p, end) into *out and advances
// *p; false when truncated, longer than 10 bytes or beyond 64 bits.
bool ReadVarint(const uint8_t** p, const uint8_t* end, uint64_t* out);

class Message {
 public:
  // Nested messages deeper than this are refused (none of ours nest more
  // than three deep; the bound keeps hostile input from recursing).
  static constexpr int kMaxDepth = 16;

  Message(const uint8_t* data, size_t size, std::string where, int depth = 0);

  // The next field, or false at the end. Groups (wire types 3, 4), field
  // number 0 and truncated fields throw.
  bool Next(Field* field);
  // The kLen field `f` as a nested message.
  Message Sub(const Field& f, const std::string& what) const;
  const std::string& where() const { return where_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  std::string where_;
  int depth_;
};

// Field `f`, which must have wire type `want`, else a ConvertError naming `what`.
void ExpectType(const Field& f, WireType want, const std::string& where, const char* what);

// A repeated varint field in either encoding (one varint per field, or
// packed as one kLen field); calls `each` for every value.
void ForEachVarint(const Field& f, const std::string& where, const char* what,
                   const std::function<void(uint64_t)>& each);

}  // namespace embert::convert::pb

#endif  // EMBERT_CONVERTER_READERS_PROTOBUF_WIRE_H_
