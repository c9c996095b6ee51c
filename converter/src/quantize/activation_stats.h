// The range of one activation over the calibration text, as recorded by
// quantize/calibration.h, used to plan smoothing and static scales, and
// stored in the file (Model.activation_stats) by the writer.
#ifndef EMBERT_CONVERTER_QUANTIZE_ACTIVATION_STATS_H_
#define EMBERT_CONVERTER_QUANTIZE_ACTIVATION_STATS_H_

#include <string>
#include <vector>

namespace embert::convert {

struct ActivationStat {
  std::string name;
  float min = 0;
  float max = 0;
  std::vector<float> channel_abs_max;
};

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_QUANTIZE_ACTIVATION_STATS_H_
