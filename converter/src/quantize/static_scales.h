// Static activation scales (bert-convert --activations static): one int8
// scale per linear layer input, fixed at conversion from the calibration
// text, instead of one per token at run time. Faster by the per-row maximum
// it skips, less exact: a token whose activations are smaller than the
// calibration's largest uses fewer of the 255 levels (the cost is measured in
// benchmarks/RESULTS.md, "Quantization quality").
#ifndef EMBERT_CONVERTER_QUANTIZE_STATIC_SCALES_H_
#define EMBERT_CONVERTER_QUANTIZE_STATIC_SCALES_H_

#include <map>
#include <string>
#include <vector>

#include "quantize/smoothing.h"

namespace embert::convert {

// Linear name -> scale = max_k (max |x_k| / s_k) / 127 over the calibration
// text, s the layer's smoothing factors (1 without). Every encoder linear
// layer gets one; ConvertError if an input has no recorded statistic.
std::map<std::string, float> PlanStaticScales(const BertModel& model, const std::vector<ActivationStat>& stats,
                                              const SmoothingPlan& smoothing);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_QUANTIZE_STATIC_SCALES_H_
