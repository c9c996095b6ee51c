// json::Value: a kind and one word of payload; strings, arrays and objects
// live on the heap (see json.h for why the value is kept this small).
#include <cmath>
#include <new>

#include "json/json.h"

namespace embert::json {
namespace {
[[noreturn]] void TypeError(const char* want) { throw ParseError(std::string("JSON value is not ") + want); }

// Largest magnitude where every integer is exactly a double (2^53).
constexpr double kExactDoubleInts = 9007199254740992.0;
}  // namespace

Value::Value(bool b) : kind_(Kind::kBool) { bool_ = b; }
Value::Value(double number) : kind_(Kind::kNumber) {
  // 2.0 or 1e3 are integers too (their value is what counts); beyond 2^53 a
  // double no longer says which integer was meant, so those stay doubles.
  if (std::isfinite(number) && !(number == 0 && std::signbit(number)) && std::trunc(number) == number &&
      std::fabs(number) <= kExactDoubleInts) {
    integral_ = true;
    int_ = static_cast<int64_t>(number);
  } else {
    number_ = number;
  }
}
Value::Value(int64_t integer) : kind_(Kind::kNumber), integral_(true) { int_ = integer; }
Value::Value(std::string s) : kind_(Kind::kString) { string_ = new std::string(std::move(s)); }
Value::Value(std::vector<Value> array) : kind_(Kind::kArray) { array_ = new std::vector<Value>(std::move(array)); }
Value::Value(std::vector<Member> object) : kind_(Kind::kObject) {
  object_ = new std::vector<Member>(std::move(object));
}

Value::Value(const Value& other) : kind_(other.kind_), integral_(other.integral_) {
  switch (kind_) {
    case Kind::kString: string_ = new std::string(*other.string_); break;
    case Kind::kArray: array_ = new std::vector<Value>(*other.array_); break;
    case Kind::kObject: object_ = new std::vector<Member>(*other.object_); break;
    default: int_ = other.int_; break;  // copies the whole word, whatever it holds
  }
}

Value::Value(Value&& other) noexcept : kind_(other.kind_), integral_(other.integral_) {
  int_ = other.int_;
  switch (kind_) {
    case Kind::kString: string_ = other.string_; break;
    case Kind::kArray: array_ = other.array_; break;
    case Kind::kObject: object_ = other.object_; break;
    default: break;
  }
  other.kind_ = Kind::kNull;
  other.int_ = 0;
}

Value& Value::operator=(Value other) noexcept {
  Destroy();
  new (this) Value(std::move(other));
  return *this;
}

Value::~Value() { Destroy(); }

void Value::Destroy() noexcept {
  switch (kind_) {
    case Kind::kString: delete string_; break;
    case Kind::kArray: delete array_; break;  // recursion bounded by kMaxDepth
    case Kind::kObject: delete object_; break;
    default: break;
  }
  kind_ = Kind::kNull;
  int_ = 0;
}

bool Value::is_int() const { return kind_ == Kind::kNumber && integral_; }

bool Value::as_bool() const {
  if (kind_ != Kind::kBool) TypeError("a boolean");
  return bool_;
}
double Value::as_number() const {
  if (kind_ != Kind::kNumber) TypeError("a number");
  return integral_ ? static_cast<double>(int_) : number_;
}
int64_t Value::as_int() const {
  if (!is_int()) TypeError("an integer");
  return int_;
}
const std::string& Value::as_string() const {
  if (kind_ != Kind::kString) TypeError("a string");
  return *string_;
}
const std::vector<Value>& Value::as_array() const {
  if (kind_ != Kind::kArray) TypeError("an array");
  return *array_;
}
const std::vector<Member>& Value::items() const {
  if (kind_ != Kind::kObject) TypeError("an object");
  return *object_;
}

size_t Value::size() const {
  if (kind_ == Kind::kArray) return array_->size();
  if (kind_ == Kind::kObject) return object_->size();
  return 0;
}

const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (auto it = object_->rbegin(); it != object_->rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

}  // namespace embert::json
