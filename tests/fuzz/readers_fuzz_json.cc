// libFuzzer target: arbitrary bytes as JSON. Parsing ends in a value or a
// ParseError; the value is then walked through every accessor (including
// copies) to exercise the hand-managed payloads.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "json/json.h"

namespace {

size_t Walk(const embert::json::Value& v, int depth) {
  size_t n = 1;
  if (v.is_array()) {
    for (const auto& e : v.as_array()) n += Walk(e, depth + 1);
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.items()) n += k.size() + Walk(e, depth + 1);
    if (!v.items().empty() && v.find(v.items().front().first) == nullptr) __builtin_trap();
  } else if (v.is_number()) {
    n += static_cast<size_t>(v.as_number() != 0);
    if (v.is_int()) n += static_cast<size_t>(v.as_int() & 1);
  } else if (v.is_string()) {
    n += v.as_string().size();
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const embert::json::Value v = embert::json::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
    const embert::json::Value copy = v;
    if (Walk(copy, 0) != Walk(v, 0)) __builtin_trap();
  } catch (const embert::json::ParseError&) {
  }
  return 0;
}
