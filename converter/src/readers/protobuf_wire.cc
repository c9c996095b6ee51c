// Protobuf wire format (protobuf.dev "Encoding"): a key varint
// (field_number << 3 | wire_type) followed by a varint, 8 or 4 little-endian
// bytes, or a varint length and that many bytes.
#include "readers/protobuf_wire.h"

#include "readers/checked_math.h"
#include "readers/convert_error.h"

namespace embert::convert::pb {

bool ReadVarint(const uint8_t** p, const uint8_t* end, uint64_t* out) {
  uint64_t v = 0;
  const uint8_t* q = *p;
  for (int i = 0; i < 10; ++i) {
    if (q == end) return false;
    const uint8_t b = *q++;
    // The tenth byte carries bit 63 only; anything more would not fit.
    if (i == 9 && b > 1) return false;
    v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      *p = q;
      *out = v;
      return true;
    }
  }
  return false;
}

Message::Message(const uint8_t* data, size_t size, std::string where, int depth)
    : p_(data), end_(data + size), where_(std::move(where)), depth_(depth) {
  if (depth_ > kMaxDepth) throw ConvertError(where_ + ": messages nested deeper than " + std::to_string(kMaxDepth));
}

bool Message::Next(Field* f) {
  if (p_ == end_) return false;
  uint64_t key = 0;
  if (!ReadVarint(&p_, end_, &key)) throw ConvertError(where_ + ": truncated or overlong field key");
  const uint64_t number = key >> 3;
  if (number == 0 || number > 0x1FFFFFFF) {
    throw ConvertError(where_ + ": invalid field number " + std::to_string(number));
  }
  f->number = static_cast<uint32_t>(number);
  f->type = static_cast<WireType>(key & 7);
  f->value = 0;
  f->data = nullptr;
  f->size = 0;
  const std::string field = "field " + std::to_string(number);
  const size_t left = static_cast<size_t>(end_ - p_);
  switch (f->type) {
    case WireType::kVarint:
      if (!ReadVarint(&p_, end_, &f->value))
        throw ConvertError(where_ + ": " + field + ": truncated or overlong varint");
      return true;
    case WireType::kFixed64:
      if (left < 8) throw ConvertError(where_ + ": " + field + ": truncated fixed64");
      f->value = LoadLe(p_, 8);
      p_ += 8;
      return true;
    case WireType::kFixed32:
      if (left < 4) throw ConvertError(where_ + ": " + field + ": truncated fixed32");
      f->value = LoadLe(p_, 4);
      p_ += 4;
      return true;
    case WireType::kLen: {
      uint64_t n = 0;
      if (!ReadVarint(&p_, end_, &n)) throw ConvertError(where_ + ": " + field + ": truncated or overlong length");
      if (n > static_cast<uint64_t>(end_ - p_)) {
        throw ConvertError(where_ + ": " + field + ": length " + std::to_string(n) + " runs past the end (" +
                           std::to_string(end_ - p_) + " bytes left)");
      }
      f->data = p_;
      f->size = static_cast<size_t>(n);
      p_ += n;
      return true;
    }
    case WireType::kStartGroup:
    case WireType::kEndGroup:
      throw ConvertError(where_ + ": " + field + ": group wire type (deprecated, never written by these formats)");
  }
  throw ConvertError(where_ + ": " + field + ": invalid wire type " + std::to_string(key & 7));
}

Message Message::Sub(const Field& f, const std::string& what) const {
  ExpectType(f, WireType::kLen, where_, what.c_str());
  return Message(f.data, f.size, where_ + ": " + what, depth_ + 1);
}

void ExpectType(const Field& f, WireType want, const std::string& where, const char* what) {
  if (f.type != want) {
    throw ConvertError(where + ": " + what + " (field " + std::to_string(f.number) + ") has wire type " +
                       std::to_string(static_cast<int>(f.type)) + ", expected " +
                       std::to_string(static_cast<int>(want)));
  }
}

void ForEachVarint(const Field& f, const std::string& where, const char* what,
                   const std::function<void(uint64_t)>& each) {
  if (f.type == WireType::kVarint) return each(f.value);
  ExpectType(f, WireType::kLen, where, what);
  const uint8_t* p = f.data;
  const uint8_t* end = f.data + f.size;
  while (p != end) {
    uint64_t v = 0;
    if (!ReadVarint(&p, end, &v)) throw ConvertError(where + ": " + what + ": truncated packed varint");
    each(v);
  }
}

}  // namespace embert::convert::pb
