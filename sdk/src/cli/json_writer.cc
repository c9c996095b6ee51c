#include "json_writer.h"

#include <cassert>
#include <cinttypes>
#include <cmath>
#include <cstdio>

namespace embert_cli {
namespace {

// Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(const unsigned char* s, size_t n) {
  const unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, min = 0x80, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, min = 0x800, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = s[i];
    switch (c) {
      case '"':
        *out += "\\\"";
        ++i;
        continue;
      case '\\':
        *out += "\\\\";
        ++i;
        continue;
      case '\b':
        *out += "\\b";
        ++i;
        continue;
      case '\f':
        *out += "\\f";
        ++i;
        continue;
      case '\n':
        *out += "\\n";
        ++i;
        continue;
      case '\r':
        *out += "\\r";
        ++i;
        continue;
      case '\t':
        *out += "\\t";
        ++i;
        continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      *out += "\\u00";
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s + i, text.size() - i);
    if (len == 0) {
      *out += "\\ufffd";  // one replacement per invalid byte
      ++i;
      continue;
    }
    out->append(text.data() + i, len);
    i += len;
  }
  out->push_back('"');
}

bool AppendJsonNumber(std::string* out, double value) {
  if (!std::isfinite(value)) {
    *out += "null";
    return false;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  *out += buf;
  return true;
}

void JsonWriter::NewLine() {
  out_.push_back('\n');
  out_.append(2 * stack_.size(), ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) {
    assert(out_.empty() && "a JSON document holds one value");
    return;
  }
  assert(!stack_.back().object && "a value inside an object needs a key");
  if (stack_.back().count++ > 0) out_.push_back(',');
  if (pretty_) NewLine();
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  assert(!stack_.empty() && stack_.back().object && !after_key_);
  if (stack_.back().count++ > 0) out_.push_back(',');
  if (pretty_) NewLine();
  AppendJsonString(&out_, key);
  out_ += pretty_ ? ": " : ":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  stack_.push_back({true, 0});
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  stack_.push_back({false, 0});
  return *this;
}

JsonWriter& JsonWriter::Close(bool object, char bracket) {
  assert(!stack_.empty() && stack_.back().object == object && !after_key_);
  (void)object;
  const bool empty = stack_.back().count == 0;
  stack_.pop_back();
  if (pretty_ && !empty) NewLine();
  out_.push_back(bracket);
  return *this;
}

JsonWriter& JsonWriter::EndObject() { return Close(true, '}'); }
JsonWriter& JsonWriter::EndArray() { return Close(false, ']'); }

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRId64, value);
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRIu64, value);
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  BeforeValue();
  if (!AppendJsonNumber(&out_, value)) ++non_finite_;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::FloatArray(const float* values, size_t count) {
  BeginArray();
  for (size_t i = 0; i < count; ++i) Double(values[i]);
  return EndArray();
}

JsonWriter& JsonWriter::IntArray(const int32_t* values, size_t count) {
  BeginArray();
  for (size_t i = 0; i < count; ++i) Int(values[i]);
  return EndArray();
}

}  // namespace embert_cli
