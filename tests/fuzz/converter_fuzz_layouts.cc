// libFuzzer target: arbitrary tensor names and shapes through layout
// detection, the TF1 / TF2 / MindSpore adapters and the loader. Input: lines
// "name<TAB>d0,d1,..." (shapes of at most 2^16 elements, zeros as data) plus
// a fixed small configuration. Every outcome is a model or a ConvertError.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "import/bert_names.h"
#include "import/source_layouts.h"
#include "readers/checkpoint.h"
#include "readers/convert_error.h"

namespace {

using embert::convert::CheckpointReader;
using embert::convert::DType;
using embert::convert::TensorInfo;

class LinesReader : public CheckpointReader {
 public:
  explicit LinesReader(const std::string& text) {
    size_t start = 0;
    while (start < text.size() && infos_.size() < 4096) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      const size_t tab = line.find('\t');
      TensorInfo t{line.substr(0, tab), DType::F32, {}};
      int64_t count = 1;
      bool ok = true;
      if (tab != std::string::npos) {
        const char* p = line.c_str() + tab + 1;
        while (*p != '\0' && t.shape.size() < 6) {
          char* next = nullptr;
          const long d = std::strtol(p, &next, 10);
          if (next == p || d < 0 || d > 65536) {
            ok = false;
            break;
          }
          t.shape.push_back(d);
          count *= d;
          if (count > 65536) ok = false;
          p = *next == ',' ? next + 1 : next;
          if (*next != ',') break;
        }
      }
      if (!ok || count > 65536 || seen_.count(t.name)) continue;
      seen_[t.name] = static_cast<size_t>(count);
      infos_.push_back(t);
    }
  }
  const std::vector<TensorInfo>& tensors() const override { return infos_; }
  std::vector<float> ReadFloat32(const std::string& name) const override {
    const auto it = seen_.find(name);
    if (it == seen_.end()) throw embert::convert::ConvertError("no tensor " + name);
    return std::vector<float>(it->second, 0.5f);
  }
  std::string format() const override { return "fuzz"; }
  std::vector<std::string> files() const override { return {}; }

 private:
  std::vector<TensorInfo> infos_;
  std::map<std::string, size_t> seen_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto reader = std::make_unique<LinesReader>(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const auto layout = embert::convert::DetectLayout(*reader);
    embert::convert::LayoutFacts facts;
    auto renamed = embert::convert::RenameToHuggingFace(std::move(reader), layout, &facts);
    for (const auto& t : renamed->tensors()) {
      size_t n = 1;
      for (auto d : t.shape) n *= static_cast<size_t>(d);
      if (renamed->ReadFloat32(t.name).size() != n) __builtin_trap();  // the shape must describe the data
    }
    embert::convert::BertModel m;
    auto& c = m.config;
    c.vocab_size = 8, c.hidden_size = 4, c.num_layers = 1, c.num_heads = 2, c.intermediate_size = 6;
    c.max_position_embeddings = 8, c.type_vocab_size = 2;
    embert::convert::LoadHuggingFaceWeights(*renamed, &m);
  } catch (const embert::convert::ConvertError&) {
  }
  return 0;
}
