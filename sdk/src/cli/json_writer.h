// A small streaming JSON writer: objects, arrays, strings, numbers.
//
// Strings are written as UTF-8 with '"', '\\' and control characters
// escaped; bytes that are not valid UTF-8 become U+FFFD so that the output is
// always valid JSON. Floating-point numbers use "%.9g" (enough digits for a
// float to round-trip); NaN and infinities are written as null and counted in
// non_finite_count() so that callers can treat them as errors.
#ifndef EMBERT_CLI_JSON_WRITER_H_
#define EMBERT_CLI_JSON_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace embert_cli {

// Appends `text` as a quoted, escaped JSON string.
void AppendJsonString(std::string* out, std::string_view text);

// Appends a JSON number ("%.9g"), or null when `value` is not finite.
// Returns false for a non-finite value.
bool AppendJsonNumber(std::string* out, double value);

class JsonWriter {
 public:
  // pretty: two-space indentation and one member per line; otherwise the
  // whole document is one line (JSON Lines).
  explicit JsonWriter(bool pretty = false) : pretty_(pretty) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // Arrays of numbers.
  JsonWriter& FloatArray(const float* values, size_t count);
  JsonWriter& IntArray(const int32_t* values, size_t count);

  const std::string& str() const { return out_; }
  // True when every container opened has been closed and a value written.
  bool complete() const { return stack_.empty() && !out_.empty(); }
  size_t non_finite_count() const { return non_finite_; }

 private:
  struct Level {
    bool object;
    size_t count;
  };
  void BeforeValue();
  void NewLine();
  JsonWriter& Close(bool object, char bracket);

  bool pretty_;
  bool after_key_ = false;
  size_t non_finite_ = 0;
  std::vector<Level> stack_;
  std::string out_;
};

}  // namespace embert_cli

#endif  // EMBERT_CLI_JSON_WRITER_H_
