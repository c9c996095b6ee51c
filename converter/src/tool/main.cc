// bert-convert: a BERT checkpoint in, one .embert file out.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "bert/calibration.h"
#include "bert/checkpoint_loader.h"
#include "bert/embert_writer.h"
#include "bert/hf_files.h"
#include "bert/sha256.h"
#include "bert/smoothing.h"
#include "bert/static_scales.h"
#include "embert/embert.h"
#include "readers/convert_error.h"
#include "schema/embert_generated.h"

namespace {

using namespace embert::convert;

// --pack CPU: the packed layout (schema Layout) whose kernels that CPU runs.
struct PackChoice {
  const char* cpu;
  embert::schema::Layout layout;
};
constexpr PackChoice kPackChoices[] = {
    {"avx512-vnni", embert::schema::Layout::DOT_U8_W32},
    {"avx-vnni", embert::schema::Layout::DOT_U8_W16},
};

const char kUsage[] =
    "usage: bert-convert INPUT -o OUT.embert [--quantize int8|fp32] [--max-seq-len N]\n"
    "                    [--format F] [--config FILE] [--vocab FILE] [--lower-case yes|no]\n"
    "                    [--labels FILE] [--scores softmax|sigmoid]\n"
    "                    [--calibration FILE] [--no-smoothing] [--activations dynamic|static]\n"
    "                    [--pack avx512-vnni|avx-vnni] [--evaluate TSV] [--quiet]\n"
    "  INPUT            a HuggingFace BERT directory (config.json, model.safetensors or\n"
    "                   pytorch_model.bin, vocab.txt); a TensorFlow checkpoint (prefix such as\n"
    "                   bert_model.ckpt, its .index, a directory holding one, a SavedModel);\n"
    "                   a MindSpore .ckpt; a lone .safetensors or torch file\n"
    "  --format F       force the file format: huggingface, tf, mindspore, safetensors, torch\n"
    "  --config FILE    the model configuration (config.json, bert_config.json or a MindSpore\n"
    "                   YAML) when it is not beside the weights\n"
    "  --vocab FILE     vocab.txt when it is not beside the weights\n"
    "  --lower-case yes|no  override the tokenizer's lower-casing\n"
    "  --quantize       int8 (default): weights int8 per output channel; fp32: the reference\n"
    "  --max-seq-len N  longest input the model will accept (default: the checkpoint's)\n"
    "  --labels FILE    label names, one per line (default: config.json id2label)\n"
    "  --scores S       softmax or sigmoid (multi-label) class scores (default: sigmoid for one\n"
    "                   logit or problem_type multi_label_classification, else softmax)\n"
    "  --calibration F  text lines (TAB separates a pair): records activation ranges and\n"
    "                   reports int8-vs-fp32 agreement on them; with int8, inputs of linear\n"
    "                   layers that have outlier channels get smoothing factors from them\n"
    "  --no-smoothing   record ranges but never smooth (to measure what smoothing does)\n"
    "  --activations A  dynamic (default): int8 activation scales per token at run time;\n"
    "                   static: one scale per layer input from --calibration (less exact)\n"
    "  --pack CPU       store int8 linear weights in the packed layout of the x86 VNNI\n"
    "                   kernels (avx512-vnni or avx-vnni): such CPUs use them in place (no\n"
    "                   packed copy in the context's arena); other engines unpack a copy\n"
    "  --evaluate TSV   text<TAB>label (or a<TAB>b<TAB>label) lines: accuracy of the fp32 and\n"
    "                   int8 files, agreement of their top labels, logit error\n";

struct Args {
  std::string input, output, quantize = "int8", labels, calibration, evaluate, scores;
  SourceOptions source;
  uint32_t max_seq_len = 0;
  bool quiet = false;
  bool smoothing = true;
  bool static_activations = false;
  uint8_t pack_layout = 0;
  std::string command_line;
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr, "bert-convert: %s\n%s", problem.c_str(), kUsage);
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 0; i < argc; ++i) a.command_line += (i ? " " : "") + std::string(argv[i]);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-o" || arg == "--output") {
      a.output = value();
    } else if (arg == "--quantize") {
      a.quantize = value();
      if (a.quantize != "int8" && a.quantize != "fp32") Usage("--quantize is int8 or fp32");
    } else if (arg == "--max-seq-len") {
      const std::string v = value();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < 3 || n > 65536) Usage("--max-seq-len must be a number from 3");
      a.max_seq_len = static_cast<uint32_t>(n);
    } else if (arg == "--format") {
      a.source.format = value();
    } else if (arg == "--config") {
      a.source.config = value();
    } else if (arg == "--vocab") {
      a.source.vocab = value();
    } else if (arg == "--lower-case") {
      const std::string v = value();
      if (v != "yes" && v != "no") Usage("--lower-case is yes or no");
      a.source.lower_case = v == "yes" ? 1 : 0;
    } else if (arg == "--scores") {
      a.scores = value();
      if (a.scores != "softmax" && a.scores != "sigmoid") Usage("--scores is softmax or sigmoid");
    } else if (arg == "--labels") {
      a.labels = value();
    } else if (arg == "--calibration") {
      a.calibration = value();
    } else if (arg == "--evaluate") {
      a.evaluate = value();
    } else if (arg == "--activations") {
      const std::string v = value();
      if (v != "dynamic" && v != "static") Usage("--activations is dynamic or static");
      a.static_activations = v == "static";
    } else if (arg == "--pack") {
      const std::string v = value();
      const PackChoice* choice = nullptr;
      for (const PackChoice& c : kPackChoices) {
        if (v == c.cpu) choice = &c;
      }
      if (choice == nullptr) Usage("--pack is avx512-vnni or avx-vnni");
      a.pack_layout = static_cast<uint8_t>(choice->layout);
    } else if (arg == "--no-smoothing") {
      a.smoothing = false;
    } else if (arg == "--quiet" || arg == "-q") {
      a.quiet = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (!arg.empty() && arg[0] == '-') {
      Usage("unknown option " + arg);
    } else if (a.input.empty()) {
      a.input = arg;
    } else {
      Usage("more than one input: " + arg);
    }
  }
  if (a.input.empty()) Usage("no input checkpoint");
  if (a.pack_layout != 0 && a.quantize != "int8") Usage("--pack needs --quantize int8");
  if (a.static_activations && (a.calibration.empty() || a.quantize != "int8")) {
    Usage("--activations static needs --quantize int8 and --calibration FILE (the ranges come from it)");
  }
  if (a.output.empty()) Usage("no output file (-o OUT.embert)");
  return a;
}

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

int Run(const Args& args) {
  BertModel model = LoadCheckpoint(args.input, args.source);
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
    std::fprintf(stderr, "bert-convert: warning: --max-seq-len %u exceeds the %u positions the model has; using %u\n",
                 args.max_seq_len, model.config.max_position_embeddings, model.config.max_position_embeddings);
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
  if (args.quantize == "int8" && args.smoothing && !calibration.empty()) {
    smoothing = PlanSmoothing(model, options.activation_stats);
    for (const auto& [name, s] : smoothing) options.input_smoothing[name] = s.factors;
  }
  if (args.static_activations) options.input_scales = PlanStaticScales(model, options.activation_stats, smoothing);
  std::vector<TensorReport> report;
  options.int8 = args.quantize == "int8";
  options.pack_layout = args.pack_layout;
  const std::vector<uint8_t> bytes = WriteEmbert(model, options, &report);
  Agreement agreement;
  if (!calibration.empty() && options.int8) {
    WriteOptions fp32 = options;
    fp32.int8 = false;
    agreement = CompareModels(WriteEmbert(model, fp32, nullptr), bytes, calibration);
  }
  Evaluation evaluation;
  if (!args.evaluate.empty()) {
    WriteOptions fp32 = options;
    fp32.int8 = false;
    WriteOptions int8 = options;
    int8.int8 = true;
    evaluation = Evaluate(WriteEmbert(model, fp32, nullptr), options.int8 ? bytes : WriteEmbert(model, int8, nullptr),
                          model.labels, args.evaluate);
  }
  AtomicFile(args.output).Commit(bytes);
  if (!args.evaluate.empty()) {
    const double n = evaluation.examples ? static_cast<double>(evaluation.examples) : 1.0;
    std::printf("evaluation on %s: %zu examples\n", args.evaluate.c_str(), evaluation.examples);
    std::printf("  accuracy fp32 %.2f%%, int8 %.2f%% (change %+.2f points)\n", 100.0 * evaluation.fp32_correct / n,
                100.0 * evaluation.int8_correct / n,
                100.0 * (double(evaluation.int8_correct) - double(evaluation.fp32_correct)) / n);
    std::printf("  top label agreement %.2f%%, logit error max %.4g mean %.4g\n", 100.0 * evaluation.same_top_label / n,
                evaluation.max_logit_error, evaluation.mean_logit_error);
  }

  if (args.quiet) return 0;
  std::printf("%-44s %-5s %12s %12s %10s\n", "tensor", "dtype", "max|err|", "rel. RMS", "bytes");
  size_t total = 0;
  for (const auto& r : report) {
    std::printf("%-44s %-5s %12.3g %12.3g %10zu\n", r.name.c_str(), r.dtype.c_str(), r.max_abs_error, r.relative_rms,
                r.bytes);
    total += r.bytes;
  }
  std::printf("\n%s: %zu bytes (%.2f MiB; tensors %zu bytes), %s weights, %u layers, hidden %u, vocab %u\n",
              args.output.c_str(), bytes.size(), bytes.size() / 1048576.0, total, options.int8 ? "int8" : "fp32",
              model.config.num_layers, model.config.hidden_size, model.config.vocab_size);
  if (!calibration.empty()) {
    std::printf("calibration: %zu activation ranges from %zu lines\n", options.activation_stats.size(),
                calibration.size());
    if (options.int8) {
      std::printf("int8 vs fp32 on the calibration text: %zu texts", agreement.texts);
      if (model.has_classifier) {
        std::printf(", top label agrees %.2f%%, logit error max %.4g mean %.4g",
                    agreement.texts ? 100.0 * agreement.same_top_label / agreement.texts : 0.0,
                    agreement.max_logit_error, agreement.mean_logit_error);
      }
      std::printf(", mean-pooled cosine min %.5f\n", agreement.min_cosine);
      std::printf("relative error of each layer's output (int8 vs fp32, mean over the texts):");
      for (size_t l = 0; l < agreement.layer_relative_error.size(); ++l) {
        std::printf("%s%zu: %.4f", l ? ", " : " ", l, agreement.layer_relative_error[l]);
      }
      std::printf("\n");
      std::printf("activations: %s\n", args.static_activations
                                           ? "static (one scale per layer input, from the calibration text)"
                                           : "dynamic (a scale per token at run time)");
      std::printf("outlier smoothing: %zu of the int8 linear layers", smoothing.size());
      if (!args.smoothing) std::printf(" (--no-smoothing)");
      std::printf("\n");
      for (const auto& [name, s] : smoothing) {
        std::printf("  %-32s input %s, max/median channel range %.1f\n", name.c_str(), s.activation.c_str(),
                    s.outlier_ratio);
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  try {
    return Run(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bert-convert: error: %s\n", e.what());
    return 1;
  }
}
