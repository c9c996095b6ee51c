// A small JSON reader for test fixtures (expected values written by other
// projects or by the numpy reference). Tests only: it throws on bad input.
#ifndef EMBERT_TESTS_COMMON_TEST_JSON_H_
#define EMBERT_TESTS_COMMON_TEST_JSON_H_

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace embert::test {

struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  const Json* Find(const std::string& key) const {
    for (const auto& kv : object) {
      if (kv.first == key) return &kv.second;
    }
    return nullptr;
  }
  const Json& operator[](const std::string& key) const {
    const Json* j = Find(key);
    if (j == nullptr) throw std::runtime_error("missing key " + key);
    return *j;
  }
  std::vector<int32_t> Ints() const {
    std::vector<int32_t> v;
    for (const auto& e : array) v.push_back(static_cast<int32_t>(e.number));
    return v;
  }
  std::vector<double> Numbers() const {
    std::vector<double> v;
    for (const auto& e : array) {
      if (e.kind == kArray) {
        for (const auto& x : e.array) v.push_back(x.number);
      } else {
        v.push_back(e.number);
      }
    }
    return v;
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : s_(text) {}
  Json Parse() {
    Json j = Value();
    Space();
    if (p_ != s_.size()) Fail("trailing data");
    return j;
  }

 private:
  [[noreturn]] void Fail(const char* what) {
    throw std::runtime_error(std::string("json: ") + what + " at " + std::to_string(p_));
  }
  void Space() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
  }
  Json Value() {
    Space();
    if (p_ >= s_.size()) Fail("end of input");
    Json j;
    const char c = s_[p_];
    if (c == '{') {
      j.kind = Json::kObject;
      ++p_;
      Space();
      if (s_[p_] == '}') {
        ++p_;
        return j;
      }
      for (;;) {
        Space();
        std::string key = String();
        Space();
        if (s_[p_++] != ':') Fail("expected ':'");
        j.object.emplace_back(key, Value());
        Space();
        if (s_[p_] == ',') {
          ++p_;
          continue;
        }
        if (s_[p_++] != '}') Fail("expected '}'");
        return j;
      }
    }
    if (c == '[') {
      j.kind = Json::kArray;
      ++p_;
      Space();
      if (s_[p_] == ']') {
        ++p_;
        return j;
      }
      for (;;) {
        j.array.push_back(Value());
        Space();
        if (s_[p_] == ',') {
          ++p_;
          continue;
        }
        if (s_[p_++] != ']') Fail("expected ']'");
        return j;
      }
    }
    if (c == '"') {
      j.kind = Json::kString;
      j.string = String();
      return j;
    }
    if (s_.compare(p_, 4, "true") == 0) {
      p_ += 4;
      j.kind = Json::kBool;
      j.boolean = true;
      return j;
    }
    if (s_.compare(p_, 5, "false") == 0) {
      p_ += 5;
      j.kind = Json::kBool;
      return j;
    }
    if (s_.compare(p_, 4, "null") == 0) {
      p_ += 4;
      return j;
    }
    char* end = nullptr;
    j.kind = Json::kNumber;
    j.number = std::strtod(s_.c_str() + p_, &end);
    if (end == s_.c_str() + p_) Fail("bad value");
    p_ = static_cast<size_t>(end - s_.c_str());
    return j;
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
  uint32_t Hex4() {
    if (p_ + 4 > s_.size()) Fail("bad \\u");
    const uint32_t v = static_cast<uint32_t>(std::stoul(s_.substr(p_, 4), nullptr, 16));
    p_ += 4;
    return v;
  }
  std::string String() {
    if (s_[p_++] != '"') Fail("expected string");
    std::string out;
    while (p_ < s_.size() && s_[p_] != '"') {
      char c = s_[p_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      c = s_[p_++];
      switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          uint32_t v = Hex4();
          if (v >= 0xD800 && v < 0xDC00 && s_.compare(p_, 2, "\\u") == 0) {
            p_ += 2;
            const uint32_t lo = Hex4();
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
          }
          Utf8(v, &out);
          break;
        }
        default: out += c;
      }
    }
    ++p_;
    return out;
  }
  const std::string& s_;
  size_t p_ = 0;
};

inline std::string ReadText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline Json ReadJson(const std::string& path) {
  const std::string text = ReadText(path);
  return JsonParser(text).Parse();
}

}  // namespace embert::test

#endif  // EMBERT_TESTS_COMMON_TEST_JSON_H_
