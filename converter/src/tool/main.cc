// bert-convert: a BERT checkpoint in, one .embert file out.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "convert/convert.h"
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
    "                   pytorch_model.bin, vocab.txt); a sentence-transformers directory\n"
    "                   (modules.json: its pooling, Dense and Normalize are recorded); a\n"
    "                   TensorFlow checkpoint (prefix such as bert_model.ckpt, its .index,\n"
    "                   a directory holding one, a SavedModel);\n"
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
  ConvertOptions convert;
  bool quiet = false;
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr, "bert-convert: %s\n%s", problem.c_str(), kUsage);
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 0; i < argc; ++i) a.convert.command_line += (i ? " " : "") + std::string(argv[i]);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-o" || arg == "--output") {
      a.convert.output = value();
    } else if (arg == "--quantize") {
      const std::string v = value();
      if (v != "int8" && v != "fp32") Usage("--quantize is int8 or fp32");
      a.convert.int8 = v == "int8";
    } else if (arg == "--max-seq-len") {
      const std::string v = value();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < 3 || n > 65536) Usage("--max-seq-len must be a number from 3");
      a.convert.max_seq_len = static_cast<uint32_t>(n);
    } else if (arg == "--format") {
      a.convert.source.format = value();
    } else if (arg == "--config") {
      a.convert.source.config = value();
    } else if (arg == "--vocab") {
      a.convert.source.vocab = value();
    } else if (arg == "--lower-case") {
      const std::string v = value();
      if (v != "yes" && v != "no") Usage("--lower-case is yes or no");
      a.convert.source.lower_case = v == "yes" ? 1 : 0;
    } else if (arg == "--scores") {
      a.convert.scores = value();
      if (a.convert.scores != "softmax" && a.convert.scores != "sigmoid") Usage("--scores is softmax or sigmoid");
    } else if (arg == "--labels") {
      a.convert.labels = value();
    } else if (arg == "--calibration") {
      a.convert.calibration = value();
    } else if (arg == "--evaluate") {
      a.convert.evaluate = value();
    } else if (arg == "--activations") {
      const std::string v = value();
      if (v != "dynamic" && v != "static") Usage("--activations is dynamic or static");
      a.convert.static_activations = v == "static";
    } else if (arg == "--pack") {
      const std::string v = value();
      const PackChoice* choice = nullptr;
      for (const PackChoice& c : kPackChoices) {
        if (v == c.cpu) choice = &c;
      }
      if (choice == nullptr) Usage("--pack is avx512-vnni or avx-vnni");
      a.convert.pack_layout = static_cast<uint8_t>(choice->layout);
    } else if (arg == "--no-smoothing") {
      a.convert.smoothing = false;
    } else if (arg == "--quiet" || arg == "-q") {
      a.quiet = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (!arg.empty() && arg[0] == '-') {
      Usage("unknown option " + arg);
    } else if (a.convert.input.empty()) {
      a.convert.input = arg;
    } else {
      Usage("more than one input: " + arg);
    }
  }
  if (const std::string problem = CheckOptions(a.convert); !problem.empty()) Usage(problem);
  if (a.convert.output.empty()) Usage("no output file (-o OUT.embert)");
  return a;
}

void PrintEvaluation(const ConvertOptions& options, const ConvertResult& r) {
  if (r.evaluated) {
    const Evaluation& evaluation = r.evaluation;
    const double n = evaluation.examples ? static_cast<double>(evaluation.examples) : 1.0;
    std::printf("evaluation on %s: %zu examples\n", options.evaluate.c_str(), evaluation.examples);
    std::printf("  accuracy fp32 %.2f%%, int8 %.2f%% (change %+.2f points)\n", 100.0 * evaluation.fp32_correct / n,
                100.0 * evaluation.int8_correct / n,
                100.0 * (double(evaluation.int8_correct) - double(evaluation.fp32_correct)) / n);
    std::printf("  top label agreement %.2f%%, logit error max %.4g mean %.4g\n", 100.0 * evaluation.same_top_label / n,
                evaluation.max_logit_error, evaluation.mean_logit_error);
  }
}

void PrintReport(const ConvertOptions& options, const ConvertResult& r) {
  std::printf("%-44s %-5s %12s %12s %10s\n", "tensor", "dtype", "max|err|", "rel. RMS", "bytes");
  for (const auto& t : r.tensors) {
    std::printf("%-44s %-5s %12.3g %12.3g %10zu\n", t.name.c_str(), t.dtype.c_str(), t.max_abs_error, t.relative_rms,
                t.bytes);
  }
  std::printf("\n%s: %zu bytes (%.2f MiB; tensors %zu bytes), %s weights, %u layers, hidden %u, vocab %u\n",
              options.output.c_str(), r.bytes.size(), r.bytes.size() / 1048576.0, r.tensor_bytes,
              r.int8 ? "int8" : "fp32", r.config.num_layers, r.config.hidden_size, r.config.vocab_size);
  std::string heads;
  for (const auto& h : r.heads) heads += (heads.empty() ? "" : ", ") + h;
  std::printf("heads: %s\n", heads.empty() ? "none (an encoder: embeddings only)" : heads.c_str());
  if (r.calibration_lines == 0) return;
  std::printf("calibration: %zu activation ranges from %zu lines\n", r.activation_ranges, r.calibration_lines);
  if (!r.compared) return;
  const Agreement& agreement = r.agreement;
  std::printf("int8 vs fp32 on the calibration text: %zu texts", agreement.texts);
  if (r.has_classifier) {
    std::printf(", top label agrees %.2f%%, logit error max %.4g mean %.4g",
                agreement.texts ? 100.0 * agreement.same_top_label / agreement.texts : 0.0, agreement.max_logit_error,
                agreement.mean_logit_error);
  }
  std::printf(", mean-pooled cosine min %.5f\n", agreement.min_cosine);
  std::printf("relative error of each layer's output (int8 vs fp32, mean over the texts):");
  for (size_t l = 0; l < agreement.layer_relative_error.size(); ++l) {
    std::printf("%s%zu: %.4f", l ? ", " : " ", l, agreement.layer_relative_error[l]);
  }
  std::printf("\n");
  std::printf("activations: %s\n", options.static_activations
                                       ? "static (one scale per layer input, from the calibration text)"
                                       : "dynamic (a scale per token at run time)");
  std::printf("outlier smoothing: %zu of the int8 linear layers", r.smoothing.size());
  if (!options.smoothing) std::printf(" (--no-smoothing)");
  std::printf("\n");
  for (const auto& [name, s] : r.smoothing) {
    std::printf("  %-32s input %s, max/median channel range %.1f\n", name.c_str(), s.activation.c_str(),
                s.outlier_ratio);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args = Parse(argc, argv);
  args.convert.on_warning = [](const std::string& message) {
    std::fprintf(stderr, "bert-convert: warning: %s\n", message.c_str());
  };
  try {
    const ConvertResult result = Convert(args.convert);
    PrintEvaluation(args.convert, result);
    if (!args.quiet) PrintReport(args.convert, result);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bert-convert: error: %s\n", e.what());
    return 1;
  }
}
