// Internal to source_layouts.cc: each layout's rules, as a plan of which
// source tensor becomes which Hugging Face tensor and how it is reshaped.
#ifndef EMBERT_CONVERTER_IMPORT_LAYOUT_RULES_H_
#define EMBERT_CONVERTER_IMPORT_LAYOUT_RULES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "import/hf_files.h"
#include "import/source_layouts.h"
#include "readers/checkpoint.h"

namespace embert::convert::layout {

enum class Reshape {
  kNone,       // same shape
  kFlatten,    // one dimension (EinsumDense biases [heads, head_dim])
  kTranspose,  // dims [0, row_dims) are the input side: [in..., out...] -> [out, in]
};

struct Renamed {
  std::string hf_name;
  const TensorInfo* source = nullptr;
  Reshape reshape = Reshape::kNone;
  size_t row_dims = 1;
};

struct Plan {
  std::vector<Renamed> tensors;
  std::vector<std::string> ignored;   // optimizer state and counters
  std::vector<std::string> unplaced;  // neither BERT nor optimizer state
  LayoutFacts facts;
};

Plan PlanGoogleTf1(const std::vector<TensorInfo>& tensors);
Plan PlanTf2Objects(const std::vector<TensorInfo>& tensors);
Plan PlanMindSpore(const std::vector<TensorInfo>& tensors);
Plan PlanDistilBert(const std::vector<TensorInfo>& tensors);
Plan PlanElectra(const std::vector<TensorInfo>& tensors);

// (StartsWith and EndsWith: import/hf_files.h.)
// Replaces every `from` in `s` (left to right, non-overlapping).
std::string ReplaceAll(std::string s, const std::string& from, const std::string& to);

}  // namespace embert::convert::layout

#endif  // EMBERT_CONVERTER_IMPORT_LAYOUT_RULES_H_
