// A JSON reader for checkpoint metadata (config.json, tokenizer_config.json,
// safetensors headers, shard indexes). Strict RFC 8259, depth-limited, with
// line:column in every error; keys keep their file order.
#ifndef EMBERT_CONVERTER_JSON_JSON_H_
#define EMBERT_CONVERTER_JSON_JSON_H_

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

class Value {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  // Typed accessors throw ParseError naming the expected type.
  bool as_bool() const;
  double as_number() const;
  int64_t as_int() const;  // integral numbers only
  const std::string& as_string() const;
  const std::vector<Value>& as_array() const;
  const std::vector<std::pair<std::string, Value>>& items() const;  // objects

  // Member of an object, or nullptr (also for non-objects).
  const Value* find(std::string_view key) const;

 private:
  friend class Parser;
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  double number_ = 0;
  bool integral_ = false;
  int64_t int_ = 0;
  std::string string_;
  std::vector<Value> array_;
  std::vector<std::pair<std::string, Value>> object_;
};

Value Parse(std::string_view text);

}  // namespace embert::json

#endif  // EMBERT_CONVERTER_JSON_JSON_H_
