// bert-convert as a library: one call converts a checkpoint and returns what
// was done as data (the tensors' quantization error, the calibration and
// evaluation figures); the bert-convert tool only parses its arguments into
// ConvertOptions and prints the ConvertResult.
#ifndef EMBERT_CONVERTER_CONVERT_CONVERT_H_
#define EMBERT_CONVERTER_CONVERT_CONVERT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "import/bert_model.h"
#include "import/checkpoint_loader.h"
#include "quantize/calibration.h"
#include "quantize/smoothing.h"
#include "write/embert_writer.h"

namespace embert::convert {

struct ConvertOptions {
  // The checkpoint (bert-convert's INPUT) and the .embert file to write; an
  // empty output writes nothing (ConvertResult::bytes has the file).
  std::string input;
  std::string output;
  SourceOptions source;
  bool int8 = true;          // --quantize int8; false: fp32
  uint32_t max_seq_len = 0;  // 0: the checkpoint's
  std::string labels;        // a label file replacing the checkpoint's names
  std::string scores;        // "", "softmax" or "sigmoid"
  std::string calibration;   // calibration text lines
  bool smoothing = true;     // false: --no-smoothing
  bool static_activations = false;
  uint8_t pack_layout = 0;  // schema::Layout of the int8 weights (--pack)
  std::string evaluate;     // a labelled TSV to evaluate both files on
  // Recorded in the file's provenance.
  std::string command_line;
  // Called with each warning as it happens (they are in the result too).
  std::function<void(const std::string&)> on_warning;
};

// The options' combinations that make no sense, as bert-convert reports
// them ("" when none): --pack and --activations static need int8, static
// activations need calibration text.
std::string CheckOptions(const ConvertOptions& options);

struct ConvertResult {
  std::vector<uint8_t> bytes;  // the .embert file
  bool int8 = true;
  BertConfig config;
  std::string source_format;  // e.g. "huggingface-safetensors"
  bool has_classifier = false;
  std::vector<std::string> labels;
  std::vector<std::string> heads;     // e.g. "pooler", "classifier (3 labels)", "question_answering"
  std::vector<TensorReport> tensors;  // in the file's order
  size_t tensor_bytes = 0;            // sum of tensors[].bytes
  std::vector<std::string> warnings;
  // With calibration text.
  size_t calibration_lines = 0;
  size_t activation_ranges = 0;
  bool compared = false;  // int8 against fp32 on the calibration text
  Agreement agreement;
  SmoothingPlan smoothing;  // the smoothed linear layers
  // With a labelled TSV.
  bool evaluated = false;
  Evaluation evaluation;
};

// ConvertError (or another std::exception) on failure; then no file is left
// under options.output.
ConvertResult Convert(const ConvertOptions& options);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_CONVERT_CONVERT_H_
