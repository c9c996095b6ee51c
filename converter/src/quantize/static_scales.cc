#include "quantize/static_scales.h"

#include <algorithm>

#include "readers/convert_error.h"

namespace embert::convert {

std::map<std::string, float> PlanStaticScales(const BertModel& model, const std::vector<ActivationStat>& stats,
                                              const SmoothingPlan& smoothing) {
  std::map<std::string, const ActivationStat*> by_name;
  for (const auto& s : stats) by_name[s.name] = &s;
  std::map<std::string, float> scales;
  for (const LinearInputGroup& g : EncoderLinearInputs(model)) {
    const auto it = by_name.find(g.activation);
    if (it == by_name.end() || it->second->channel_abs_max.size() != g.linears[0].second->weight.cols) {
      throw ConvertError("--activations static: no calibration range for " + g.activation);
    }
    const std::vector<float>& x_max = it->second->channel_abs_max;
    const auto sm = smoothing.find(g.linears[0].first);
    float absmax = 0.0f;
    for (size_t k = 0; k < x_max.size(); ++k) {
      // The SDK quantizes x * (1 / s_k), in float.
      const float v = sm == smoothing.end() ? x_max[k] : x_max[k] * (1.0f / (*sm->second.factors)[k]);
      absmax = std::max(absmax, v);
    }
    // An input that was zero on every calibration text: any positive scale
    // quantizes it to zero; 1 keeps the file valid.
    const float scale = absmax > 0.0f ? absmax / 127.0f : 1.0f;
    for (const auto& [name, lin] : g.linears) scales[name] = scale;
  }
  return scales;
}

}  // namespace embert::convert
