#include "json/json.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace embert::json {

namespace {
constexpr int kMaxDepth = 256;
[[noreturn]] void TypeError(const char* want) { throw ParseError(std::string("JSON value is not ") + want); }
}  // namespace

bool Value::as_bool() const {
  if (kind_ != Kind::kBool) TypeError("a boolean");
  return bool_;
}
double Value::as_number() const {
  if (kind_ != Kind::kNumber) TypeError("a number");
  return number_;
}
int64_t Value::as_int() const {
  if (kind_ != Kind::kNumber || !integral_) TypeError("an integer");
  return int_;
}
const std::string& Value::as_string() const {
  if (kind_ != Kind::kString) TypeError("a string");
  return string_;
}
const std::vector<Value>& Value::as_array() const {
  if (kind_ != Kind::kArray) TypeError("an array");
  return array_;
}
const std::vector<std::pair<std::string, Value>>& Value::items() const {
  if (kind_ != Kind::kObject) TypeError("an object");
  return object_;
}
const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& kv : object_) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Value Document() {
    Value v = Parse(0);
    Space();
    if (p_ != s_.size()) Fail("unexpected data after the value");
    return v;
  }

 private:
  [[noreturn]] void Fail(const char* what) const {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < p_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw ParseError("JSON " + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
  }
  bool AtEnd() const { return p_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[p_]; }
  void Expect(char c) {
    if (Peek() != c) Fail((std::string("expected '") + c + "'").c_str());
    ++p_;
  }
  void Space() {
    while (!AtEnd() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
  }

  Value Parse(int depth) {
    if (depth > kMaxDepth) Fail("nesting too deep");
    Space();
    Value v;
    const char c = Peek();
    if (c == '{') {
      ++p_;
      v.kind_ = Value::Kind::kObject;
      Space();
      if (Peek() == '}') {
        ++p_;
        return v;
      }
      for (;;) {
        Space();
        std::string key = String();
        Space();
        Expect(':');
        Value member = Parse(depth + 1);
        v.object_.emplace_back(std::move(key), std::move(member));
        Space();
        if (Peek() == ',') {
          ++p_;
          continue;
        }
        Expect('}');
        return v;
      }
    }
    if (c == '[') {
      ++p_;
      v.kind_ = Value::Kind::kArray;
      Space();
      if (Peek() == ']') {
        ++p_;
        return v;
      }
      for (;;) {
        v.array_.push_back(Parse(depth + 1));
        Space();
        if (Peek() == ',') {
          ++p_;
          continue;
        }
        Expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.kind_ = Value::Kind::kString;
      v.string_ = String();
      return v;
    }
    if (Literal("true")) {
      v.kind_ = Value::Kind::kBool;
      v.bool_ = true;
      return v;
    }
    if (Literal("false")) {
      v.kind_ = Value::Kind::kBool;
      return v;
    }
    if (Literal("null")) return v;
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    // Python's json.dump writes these for non-finite floats; configs use them rarely.
    if (Literal("NaN") || Literal("Infinity") || Literal("-Infinity")) {
      Fail("non-finite numbers are not JSON");
    }
    Fail("unexpected character");
  }

  bool Literal(const char* word) {
    const size_t n = std::strlen(word);
    if (s_.substr(p_, n) != word) return false;
    p_ += n;
    return true;
  }

  Value Number() {
    const size_t start = p_;
    if (Peek() == '-') ++p_;
    if (Peek() == '0') {
      ++p_;
    } else if (Peek() >= '1' && Peek() <= '9') {
      while (Peek() >= '0' && Peek() <= '9') ++p_;
    } else {
      Fail("bad number");
    }
    bool integral = true;
    if (Peek() == '.') {
      integral = false;
      ++p_;
      if (!(Peek() >= '0' && Peek() <= '9')) Fail("bad number");
      while (Peek() >= '0' && Peek() <= '9') ++p_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      integral = false;
      ++p_;
      if (Peek() == '+' || Peek() == '-') ++p_;
      if (!(Peek() >= '0' && Peek() <= '9')) Fail("bad number");
      while (Peek() >= '0' && Peek() <= '9') ++p_;
    }
    const std::string text(s_.substr(start, p_ - start));
    Value v;
    v.kind_ = Value::Kind::kNumber;
    v.number_ = std::strtod(text.c_str(), nullptr);
    if (integral) {
      errno = 0;
      const long long i = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == 0) {
        v.integral_ = true;
        v.int_ = i;
      }
    }
    return v;
  }

  uint32_t Hex4() {
    if (p_ + 4 > s_.size()) Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[p_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        Fail("bad \\u escape");
      }
    }
    return v;
  }

  static void Utf8(uint32_t c, std::string* out) {
    if (c < 0x80) {
      *out += static_cast<char>(c);
    } else if (c < 0x800) {
      *out += static_cast<char>(0xC0 | (c >> 6));
      *out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *out += static_cast<char>(0xE0 | (c >> 12));
      *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (c >> 18));
      *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }

  std::string String() {
    Expect('"');
    std::string out;
    for (;;) {
      if (AtEnd()) Fail("unterminated string");
      const char c = s_[p_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) Fail("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (AtEnd()) Fail("unterminated escape");
      const char e = s_[p_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = Hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(p_, 2) != "\\u") Fail("unpaired surrogate");
            p_ += 2;
            const uint32_t lo = Hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) Fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            Fail("unpaired surrogate");
          }
          Utf8(cp, &out);
          break;
        }
        default: Fail("bad escape");
      }
    }
  }

  std::string_view s_;
  size_t p_ = 0;
};

Value Parse(std::string_view text) { return Parser(text).Document(); }

}  // namespace embert::json
