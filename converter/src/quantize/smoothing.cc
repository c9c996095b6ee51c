#include "quantize/smoothing.h"

#include <algorithm>
#include <cmath>

#include "embert/embert_experimental.h"
#include "format/activation_names.h"

namespace embert::convert {
namespace {

float OutlierRatio(std::vector<float> channel_max) {
  if (channel_max.empty()) return 0.0f;
  const float max = *std::max_element(channel_max.begin(), channel_max.end());
  std::nth_element(channel_max.begin(), channel_max.begin() + channel_max.size() / 2, channel_max.end());
  const float median = channel_max[channel_max.size() / 2];
  return median > 0.0f ? max / median : (max > 0.0f ? INFINITY : 0.0f);
}

// s_k = sqrt(max|x_k| / max_n |W[n][k]|) over every weight reading the input;
// 1 where either side is zero (nothing to balance).
std::vector<float> Factors(const std::vector<float>& x_max, const std::vector<const Matrix*>& weights) {
  std::vector<float> w_max(x_max.size(), 0.0f);
  for (const Matrix* w : weights) {
    for (uint32_t n = 0; n < w->rows; ++n) {
      const float* row = w->data.data() + static_cast<size_t>(n) * w->cols;
      for (uint32_t k = 0; k < w->cols; ++k) w_max[k] = std::max(w_max[k], std::fabs(row[k]));
    }
  }
  std::vector<float> s(x_max.size(), 1.0f);
  for (size_t k = 0; k < s.size(); ++k) {
    if (x_max[k] > 0.0f && w_max[k] > 0.0f) {
      const double f = std::sqrt(static_cast<double>(x_max[k]) / static_cast<double>(w_max[k]));
      // Bounded so that neither x / s nor W * s can leave float's range.
      s[k] = static_cast<float>(std::clamp(f, 1e-6, 1e6));
    }
  }
  return s;
}

}  // namespace

Matrix ScaleColumns(const Matrix& w, const std::vector<float>& s) {
  Matrix out = w;
  for (uint32_t n = 0; n < w.rows; ++n) {
    float* row = out.data.data() + static_cast<size_t>(n) * w.cols;
    for (uint32_t k = 0; k < w.cols; ++k) row[k] *= s[k];
  }
  return out;
}

std::vector<LinearInputGroup> EncoderLinearInputs(const BertModel& model) {
  std::vector<LinearInputGroup> groups;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const LayerWeights& l = model.layers[i];
    const std::string p = "layers." + std::to_string(i) + ".";
    const auto input = [i](embert_observation_point point) {
      return format::ActivationName(point, static_cast<uint32_t>(i));
    };
    groups.push_back({input(EMBERT_OBSERVE_ATTENTION_INPUT),
                      {{p + "query", &l.query}, {p + "key", &l.key}, {p + "value", &l.value}}});
    groups.push_back({input(EMBERT_OBSERVE_ATTENTION_OUTPUT_INPUT), {{p + "attention_output", &l.attention_output}}});
    groups.push_back({input(EMBERT_OBSERVE_INTERMEDIATE_INPUT), {{p + "intermediate", &l.intermediate}}});
    groups.push_back({input(EMBERT_OBSERVE_OUTPUT_INPUT), {{p + "output", &l.output}}});
  }
  return groups;
}

SmoothingPlan PlanSmoothing(const BertModel& model, const std::vector<ActivationStat>& stats, float min_outlier_ratio) {
  std::map<std::string, const ActivationStat*> by_name;
  for (const auto& s : stats) by_name[s.name] = &s;
  SmoothingPlan plan;
  for (const LinearInputGroup& g : EncoderLinearInputs(model)) {
    const auto it = by_name.find(g.activation);
    if (it == by_name.end()) continue;
    const std::vector<float>& x_max = it->second->channel_abs_max;
    if (x_max.size() != g.linears[0].second->weight.cols) continue;
    const float ratio = OutlierRatio(x_max);
    if (!(ratio >= min_outlier_ratio)) continue;
    std::vector<const Matrix*> weights;
    for (const auto& [name, lin] : g.linears) weights.push_back(&lin->weight);
    auto factors = std::make_shared<const std::vector<float>>(Factors(x_max, weights));
    for (const auto& [name, lin] : g.linears) plan[name] = SmoothedInput{g.activation, ratio, factors};
  }
  return plan;
}

}  // namespace embert::convert
