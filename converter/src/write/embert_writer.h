// Serialises a BertModel into the .embert FlatBuffers file (schema/embert.fbs).
#ifndef EMBERT_CONVERTER_WRITE_EMBERT_WRITER_H_
#define EMBERT_CONVERTER_WRITE_EMBERT_WRITER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "import/bert_model.h"
#include "quantize/activation_stats.h"

namespace embert::convert {

struct SourceFile {
  std::string path;
  std::string sha256;
  uint64_t size = 0;
};

struct WriteOptions {
  bool int8 = true;
  uint32_t max_seq_len = 0;  // 0: the tokenizer's or the config's; clamped to max_position_embeddings
  std::vector<ActivationStat> activation_stats;
  // int8 linear layer name ("layers.N.query", ...) -> per-input-channel
  // smoothing factors (quantize/smoothing.h); layers sharing an input share the
  // vector, and then one vector in the file.
  std::map<std::string, std::shared_ptr<const std::vector<float>>> input_smoothing;
  // int8 linear layer name -> static activation scale (Linear.input_scale,
  // --activations static); layers not named quantize per token.
  std::map<std::string, float> input_scales;
  // schema::Layout of the int8 linear weights: 0 row-major (every engine reads
  // it in place), else a packed layout of the x86 VNNI kernels (--pack).
  uint8_t pack_layout = 0;
  std::vector<SourceFile> sources;
  std::string converter_version;
  std::string command_line;
};

// Quantization error of one tensor, for the converter's summary.
struct TensorReport {
  std::string name;
  std::string dtype;
  double max_abs_error = 0;
  double relative_rms = 0;
  size_t bytes = 0;
};

std::vector<uint8_t> WriteEmbert(const BertModel& model, const WriteOptions& options,
                                 std::vector<TensorReport>* report);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_WRITE_EMBERT_WRITER_H_
