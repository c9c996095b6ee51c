#include "convert/convert.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "embert/embert.h"
#include "import/hf_files.h"
#include "import/hf_tokenizer.h"
#include "import/sha256.h"
#include "quantize/static_scales.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

// Writes through a temporary file in the same directory and renames it, so
// that no partial output is ever left under the final name.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path) : path_(path), temp_(path + ".tmp-XXXXXX") {
    fd_ = mkstemp(temp_.data());
    if (fd_ < 0) throw ConvertError("cannot create " + temp_ + ": " + std::strerror(errno));
    // mkstemp makes the file private; give it the permissions a new file gets.
    const mode_t mask = umask(0);
    umask(mask);
    fchmod(fd_, 0666 & ~mask);
  }
  ~AtomicFile() {
    if (fd_ >= 0) close(fd_);
    if (!committed_) unlink(temp_.c_str());
  }
  void Commit(const std::vector<uint8_t>& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) throw ConvertError("cannot write " + temp_ + ": " + std::strerror(errno));
      done += static_cast<size_t>(n);
    }
    if (fsync(fd_) != 0 || close(fd_) != 0) throw ConvertError("cannot write " + temp_);
    fd_ = -1;
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
      throw ConvertError("cannot rename to " + path_ + ": " + std::strerror(errno));
    }
    committed_ = true;
  }

 private:
  std::string path_, temp_;
  int fd_ = -1;
  bool committed_ = false;
};

std::string Relative(const std::string& path, const std::string& dir) {
  return path.rfind(dir + "/", 0) == 0 ? path.substr(dir.size() + 1) : path;
}

}  // namespace

std::string CheckOptions(const ConvertOptions& options) {
  if (options.input.empty()) return "no input checkpoint";
  if (options.pack_layout != 0 && !options.int8) return "--pack needs --quantize int8";
  if (options.static_activations && (options.calibration.empty() || !options.int8)) {
    return "--activations static needs --quantize int8 and --calibration FILE (the ranges come from it)";
  }
  if (!options.scores.empty() && options.scores != "softmax" && options.scores != "sigmoid") {
    return "--scores is softmax or sigmoid";
  }
  return "";
}

ConvertResult Convert(const ConvertOptions& args) {
  if (const std::string problem = CheckOptions(args); !problem.empty()) throw ConvertError(problem);
  ConvertResult result;
  const auto warn = [&](const std::string& message) {
    result.warnings.push_back(message);
    if (args.on_warning) args.on_warning(message);
  };

  BertModel model = LoadCheckpoint(args.input, args.source);
  FitTokenizerToTable(&model, warn);
  if (!args.scores.empty()) {
    if (!model.has_classifier) throw ConvertError("--scores: the checkpoint has no classification head");
    model.sigmoid_scores = args.scores == "sigmoid";
  }
  if (!args.labels.empty()) {
    std::vector<std::string> labels = ReadTextLines(args.labels);
    if (!model.has_classifier || labels.size() != model.labels.size()) {
      throw ConvertError(args.labels + ": " + std::to_string(labels.size()) + " labels for a head with " +
                         std::to_string(model.labels.size()) + " logits");
    }
    model.labels = labels;
  }
  if (args.max_seq_len > model.config.max_position_embeddings) {
    const uint32_t n = model.config.max_position_embeddings;
    warn("--max-seq-len " + std::to_string(args.max_seq_len) + " exceeds the " + std::to_string(n) +
         " positions the model has; using " + std::to_string(n));
  }
  WriteOptions options;
  options.max_seq_len = args.max_seq_len;
  options.converter_version = std::string("bert-convert ") + embert_version_string();
  options.command_line = args.command_line;
  for (const auto& f : model.source_files) {
    SourceFile s;
    s.path = Relative(f, IsDirectory(args.input) ? args.input : Parent(args.input));
    s.sha256 = Sha256File(f, &s.size);
    options.sources.push_back(s);
  }
  std::vector<std::string> calibration;
  if (!args.calibration.empty()) {
    calibration = ReadTextLines(args.calibration);
    WriteOptions fp32 = options;
    fp32.int8 = false;
    options.activation_stats = RecordActivationRanges(WriteEmbert(model, fp32, nullptr), calibration);
  }
  SmoothingPlan smoothing;
  if (args.int8 && args.smoothing && !calibration.empty()) {
    smoothing = PlanSmoothing(model, options.activation_stats);
    for (const auto& [name, s] : smoothing) options.input_smoothing[name] = s.factors;
  }
  if (args.static_activations) options.input_scales = PlanStaticScales(model, options.activation_stats, smoothing);
  options.int8 = args.int8;
  options.pack_layout = args.pack_layout;
  result.bytes = WriteEmbert(model, options, &result.tensors);

  // The fp32 file with the same options (calibration ranges included), for
  // the comparison and the evaluation: serialized once for both, and not
  // again when the output is fp32.
  std::optional<std::vector<uint8_t>> fp32_bytes;
  const auto fp32_file = [&]() -> const std::vector<uint8_t>& {
    if (!options.int8) return result.bytes;
    if (!fp32_bytes) {
      WriteOptions fp32 = options;
      fp32.int8 = false;
      fp32_bytes = WriteEmbert(model, fp32, nullptr);
    }
    return *fp32_bytes;
  };
  if (!calibration.empty() && options.int8) {
    result.agreement = CompareModels(fp32_file(), result.bytes, calibration);
    result.compared = true;
  }
  if (!args.evaluate.empty()) {
    WriteOptions int8 = options;
    int8.int8 = true;
    result.evaluation = Evaluate(fp32_file(), options.int8 ? result.bytes : WriteEmbert(model, int8, nullptr),
                                 model.labels, args.evaluate);
    result.evaluated = true;
  }
  if (!args.output.empty()) AtomicFile(args.output).Commit(result.bytes);

  result.int8 = options.int8;
  result.config = model.config;
  result.source_format = model.source_format;
  result.has_classifier = model.has_classifier;
  result.labels = model.labels;
  // The heads the file holds, as the summary names them.
  auto labelled = [](const char* name, size_t n) { return std::string(name) + " (" + std::to_string(n) + " labels)"; };
  if (model.has_pooler) result.heads.push_back("pooler");
  if (model.has_classifier) result.heads.push_back(labelled("classifier", model.labels.size()));
  if (model.has_masked_lm) result.heads.push_back("masked_lm");
  if (model.has_next_sentence) result.heads.push_back("next_sentence");
  for (const auto& h : model.task_heads) {
    result.heads.push_back(h.labels.empty() ? h.kind : labelled(h.kind.c_str(), h.labels.size()));
  }
  for (const auto& r : result.tensors) result.tensor_bytes += r.bytes;
  result.calibration_lines = calibration.size();
  result.activation_ranges = options.activation_stats.size();
  result.smoothing = std::move(smoothing);
  return result;
}

}  // namespace embert::convert
