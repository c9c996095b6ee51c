// A JSON reader for checkpoint metadata (config.json, tokenizer_config.json,
// safetensors headers, shard indexes). Strict RFC 8259, depth-limited, with
// line:column in every error; object keys keep their file order.
//
// A Value is 16 bytes (kind + one word of payload) so that hostile input
// (a 100 MB safetensors header of "[0,0,0,...") costs at most ~8x its size.
#ifndef EMBERT_CONVERTER_JSON_JSON_H_
#define EMBERT_CONVERTER_JSON_JSON_H_

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace embert::json {

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Value;
using Member = std::pair<std::string, Value>;

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

  Value() = default;  // null
  explicit Value(bool b);
  explicit Value(double number);
  explicit Value(int64_t integer);
  explicit Value(std::string s);
  explicit Value(std::vector<Value> array);
  explicit Value(std::vector<Member> object);
  Value(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(Value other) noexcept;
  ~Value();

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }
  // A number whose value is an exact int64 (e.g. 7, -3, 1e3, 2.0).
  bool is_int() const;

  // Typed accessors throw ParseError naming the expected type.
  bool as_bool() const;
  double as_number() const;
  int64_t as_int() const;  // is_int() numbers only
  const std::string& as_string() const;
  const std::vector<Value>& as_array() const;
  const std::vector<Member>& items() const;  // objects, in file order

  // Elements of an array or members of an object; 0 for anything else.
  size_t size() const;
  // Member of an object, or nullptr when missing (also for non-objects). With
  // duplicate keys the last one counts, as in Python's json module.
  const Value* find(std::string_view key) const;
  const Value* operator[](std::string_view key) const { return find(key); }

 private:
  void Destroy() noexcept;

  Kind kind_ = Kind::kNull;
  bool integral_ = false;  // numbers: int_ holds the value exactly
  union {
    int64_t int_ = 0;
    bool bool_;
    double number_;
    std::string* string_;
    std::vector<Value>* array_;
    std::vector<Member>* object_;
  };
};

inline constexpr int kMaxDepth = 256;

// Parses one JSON document (surrounding whitespace allowed). Throws
// ParseError "JSON <line>:<col>: <what>".
Value Parse(std::string_view text);

}  // namespace embert::json

#endif  // EMBERT_CONVERTER_JSON_JSON_H_
