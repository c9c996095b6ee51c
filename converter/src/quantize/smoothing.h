// Outlier smoothing for int8 linear layers (SmoothQuant's rescaling, applied
// exactly): a few hidden dimensions of trained BERTs carry activations 10-50x
// the others, and with one int8 scale per token they take the whole range,
// leaving the other channels a handful of levels. For a layer y = x W^T + b
// and per-input-channel factors s_k > 0,
//     y = (x / s) (W * s)^T + b
// holds exactly in real arithmetic; the SDK divides x by s before quantizing
// it (Linear.input_smoothing) and the converter quantizes W * s. Choosing
// s_k = sqrt(max|x_k| / max_n |W[n][k]|) moves half of each outlier's range
// (on the log scale) from the activation into the weight column, whose
// per-output-channel scale absorbs it.
#ifndef EMBERT_CONVERTER_QUANTIZE_SMOOTHING_H_
#define EMBERT_CONVERTER_QUANTIZE_SMOOTHING_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "import/bert_model.h"
#include "quantize/activation_stats.h"

namespace embert::convert {

struct SmoothedInput {
  std::string activation;                             // the calibration statistic, e.g. "layers.3.intermediate.input"
  float outlier_ratio = 0;                            // max_k / median_k of the input's per-channel max |x|
  std::shared_ptr<const std::vector<float>> factors;  // s_k, one per input channel
};

// The encoder's int8 linear layers grouped by the activation they read
// (Q, K and V read one): "layers.N.attention.input" -> {"layers.N.query", ...}.
struct LinearInputGroup {
  std::string activation;
  std::vector<std::pair<std::string, const LinearWeights*>> linears;
};
std::vector<LinearInputGroup> EncoderLinearInputs(const BertModel& model);

// Linear name ("layers.N.query", ...) -> its smoothing. Q, K and V share one
// factor vector (their common input is quantized once).
using SmoothingPlan = std::map<std::string, SmoothedInput>;

// Smooths the inputs of the encoder's int8 linear layers whose calibration
// ranges have outlier channels: max/median of the per-channel max |x| at
// least `min_outlier_ratio`. Inputs without a recorded statistic are left
// alone.
SmoothingPlan PlanSmoothing(const BertModel& model, const std::vector<ActivationStat>& stats,
                            float min_outlier_ratio = 8.0f);

// W * s column by column (the weight the writer quantizes).
Matrix ScaleColumns(const Matrix& w, const std::vector<float>& s);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_QUANTIZE_SMOOTHING_H_
