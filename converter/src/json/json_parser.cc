// Strict RFC 8259 parser: no comments, trailing commas, NaN or single
// quotes. Recursion is bounded by kMaxDepth, so hostile nesting gives a
// ParseError instead of a stack overflow.
#include <charconv>
#include <cstring>

#include "json/json.h"

namespace embert::json {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Value Document() {
    Value v = ParseValue(0);
    Space();
    if (p_ != s_.size()) Fail("unexpected data after the value");
    return v;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
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
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  void Expect(char c) {
    if (AtEnd()) Fail(std::string("expected '") + c + "', found the end of the text");
    if (s_[p_] != c) Fail(std::string("expected '") + c + "'");
    ++p_;
  }
  void Space() {
    while (!AtEnd() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
  }
  bool Literal(const char* word) {
    const size_t n = std::strlen(word);
    if (s_.substr(p_, n) != word) return false;
    p_ += n;
    return true;
  }

  Value ParseValue(int depth) {
    if (depth > kMaxDepth) Fail("nesting deeper than " + std::to_string(kMaxDepth));
    Space();
    if (AtEnd()) Fail("expected a value, found the end of the text");
    const char c = s_[p_];
    if (c == '{') return Object(depth);
    if (c == '[') return Array(depth);
    if (c == '"') return Value(String());
    if (c == '-' || IsDigit(c)) return Number();
    if (Literal("true")) return Value(true);
    if (Literal("false")) return Value(false);
    if (Literal("null")) return Value();
    // Python's json.dump writes these for non-finite floats.
    if (Literal("NaN") || Literal("Infinity")) Fail("non-finite numbers are not JSON");
    Fail("unexpected character");
  }

  Value Object(int depth) {
    ++p_;  // '{'
    std::vector<Member> members;
    Space();
    if (Peek() == '}') {
      ++p_;
      return Value(std::move(members));
    }
    for (;;) {
      Space();
      if (Peek() != '"') Fail("expected a string key");
      std::string key = String();
      Space();
      Expect(':');
      Value member = ParseValue(depth + 1);
      members.emplace_back(std::move(key), std::move(member));
      Space();
      if (Peek() == ',') {
        ++p_;
        continue;
      }
      Expect('}');
      return Value(std::move(members));
    }
  }

  Value Array(int depth) {
    ++p_;  // '['
    std::vector<Value> items;
    Space();
    if (Peek() == ']') {
      ++p_;
      return Value(std::move(items));
    }
    for (;;) {
      items.push_back(ParseValue(depth + 1));
      Space();
      if (Peek() == ',') {
        ++p_;
        continue;
      }
      Expect(']');
      return Value(std::move(items));
    }
  }

  Value Number() {
    const size_t start = p_;
    if (Peek() == '-') ++p_;
    if (Peek() == '0') {
      ++p_;
    } else if (Peek() >= '1' && Peek() <= '9') {
      while (IsDigit(Peek())) ++p_;
    } else {
      Fail("bad number");
    }
    bool integer_syntax = true;
    if (Peek() == '.') {
      integer_syntax = false;
      ++p_;
      if (!IsDigit(Peek())) Fail("bad number: digits must follow '.'");
      while (IsDigit(Peek())) ++p_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      integer_syntax = false;
      ++p_;
      if (Peek() == '+' || Peek() == '-') ++p_;
      if (!IsDigit(Peek())) Fail("bad number: digits must follow the exponent");
      while (IsDigit(Peek())) ++p_;
    }
    // from_chars: exact for integers, correctly rounded for doubles, and
    // independent of the C locale (strtod is not).
    const char* first = s_.data() + start;
    const char* last = s_.data() + p_;
    if (integer_syntax) {
      int64_t i = 0;
      const auto r = std::from_chars(first, last, i);
      if (r.ec == std::errc() && r.ptr == last) return Value(i);
      // Out of int64 range: still a valid JSON number, kept as a double.
    }
    double d = 0;
    const auto r = std::from_chars(first, last, d);
    if (r.ec == std::errc::result_out_of_range) Fail("number out of range");
    if (r.ec != std::errc() || r.ptr != last) Fail("bad number");
    return Value(d);
  }

  uint32_t Hex4() {
    if (s_.size() - p_ < 4) Fail("truncated \\u escape");
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

  static void AppendUtf8(uint32_t c, std::string* out) {
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

  // Raw bytes of the string are passed through (UTF-8 is not re-validated:
  // names are compared byte for byte); escapes are decoded.
  std::string String() {
    ++p_;  // '"'
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
          AppendUtf8(cp, &out);
          break;
        }
        default: Fail("bad escape");
      }
    }
  }

  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

Value Parse(std::string_view text) { return Parser(text).Document(); }

}  // namespace embert::json
