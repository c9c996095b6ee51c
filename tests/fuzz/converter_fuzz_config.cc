// libFuzzer target: arbitrary bytes as a model configuration. The first
// byte picks JSON or the YAML subset and the dialect (Hugging Face, Google,
// MindSpore); the rest is parsed and applied to a model. Every outcome is a
// value or a ParseError / ConvertError, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "import/hf_config.h"
#include "json/json.h"
#include "json/yaml_subset.h"
#include "readers/convert_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  using embert::convert::ConfigDialect;
  const ConfigDialect dialect = mode % 3 == 0   ? ConfigDialect::kHuggingFace
                                : mode % 3 == 1 ? ConfigDialect::kGoogle
                                                : ConfigDialect::kMindSpore;
  try {
    const embert::json::Value v = (mode & 4) ? embert::json::ParseYamlSubset(text) : embert::json::Parse(text);
    embert::convert::BertModel m;
    embert::convert::ApplyBertConfig(v, "fuzz", dialect, &m);
    if (m.config.hidden_size == 0 || m.config.num_heads == 0) __builtin_trap();  // accepted must be valid
  } catch (const embert::json::ParseError&) {
  } catch (const embert::convert::ConvertError&) {
  }
  return 0;
}
