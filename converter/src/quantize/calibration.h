// Runs a converted model on sample text inside the converter (through the
// SDK itself) to record activation ranges, and to compare the int8 file
// with the fp32 one on the same text.
#ifndef EMBERT_CONVERTER_QUANTIZE_CALIBRATION_H_
#define EMBERT_CONVERTER_QUANTIZE_CALIBRATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "quantize/activation_stats.h"

namespace embert::convert {

// One text, or a sentence pair split at a TAB.
std::vector<std::string> ReadTextLines(const std::string& path);

// Ranges of the encoder's activations (embeddings, each layer's linear
// inputs and pre-LayerNorm sums) over `lines`, run on the fp32 file.
std::vector<ActivationStat> RecordActivationRanges(const std::vector<uint8_t>& fp32_model,
                                                   const std::vector<std::string>& lines);

struct Agreement {
  size_t texts = 0;
  size_t same_top_label = 0;
  double max_logit_error = 0;
  double mean_logit_error = 0;
  double min_cosine = 1;  // of the mean-pooled last hidden states
  // Per encoder layer: mean over the texts of ||int8 - fp32|| / ||fp32|| of
  // the layer's output (all tokens), i.e. where the error grows.
  std::vector<double> layer_relative_error;
};

// The int8 file against the fp32 file on the same texts.
Agreement CompareModels(const std::vector<uint8_t>& fp32_model, const std::vector<uint8_t>& int8_model,
                        const std::vector<std::string>& lines);

struct Evaluation {
  size_t examples = 0;
  size_t fp32_correct = 0;
  size_t int8_correct = 0;
  size_t same_top_label = 0;
  double max_logit_error = 0;
  double mean_logit_error = 0;
};

// A labelled TSV (text<TAB>label or text_a<TAB>text_b<TAB>label; a first line
// whose label is not one of the model's is taken for a header) run through
// both files.
Evaluation Evaluate(const std::vector<uint8_t>& fp32_model, const std::vector<uint8_t>& int8_model,
                    const std::vector<std::string>& labels, const std::string& tsv_path);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_QUANTIZE_CALIBRATION_H_
