#include "args.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace embert_cli {
namespace {

// Bit per command, to say where an option applies.
constexpr unsigned Bit(Command c) { return 1u << static_cast<unsigned>(c); }
// Commands of one text or a sentence pair per input.
constexpr unsigned kPairCommands =
    Bit(Command::kTokenize) | Bit(Command::kClassify) | Bit(Command::kEmbed) | Bit(Command::kFillMask);
// Commands of --text or --input.
constexpr unsigned kTextCommands = kPairCommands | Bit(Command::kNer);
// Commands that read --input.
constexpr unsigned kInputCommands = kTextCommands | Bit(Command::kQa) | Bit(Command::kRerank) | Bit(Command::kSearch);
// Commands that make sentence embeddings.
constexpr unsigned kEmbedCommands = Bit(Command::kEmbed) | Bit(Command::kSimilarity) | Bit(Command::kSearch);
constexpr unsigned kAllCommands =
    kInputCommands | Bit(Command::kInfo) | Bit(Command::kBench) | Bit(Command::kSimilarity);

enum class Opt {
  kModel,
  kText,
  kPair,
  kInput,
  kMaxSeqLen,
  kThreads,
  kEngine,
  kJsonl,
  kTopK,
  kPooling,
  kNormalize,
  kNoNormalize,
  kSeqLen,
  kIterations,
  kWarmup,
  kAggregation,
  kQuestion,
  kContext,
  kMaxAnswerLen,
  kDocStride,
  kMaxDocumentTokens,
  kQuery,
  kBatchTokens,
  kBatch,
};

struct OptionSpec {
  const char* name;
  Opt id;
  bool takes_value;
  unsigned commands;
};

constexpr OptionSpec kOptions[] = {
    {"--model", Opt::kModel, true, kAllCommands},
    {"--text", Opt::kText, true, kTextCommands | Bit(Command::kSimilarity)},
    {"--pair", Opt::kPair, true, kPairCommands | Bit(Command::kSimilarity)},
    {"--input", Opt::kInput, true, kInputCommands},
    {"--max-seq-len", Opt::kMaxSeqLen, true, kAllCommands},
    {"--threads", Opt::kThreads, true, kAllCommands},
    {"--engine", Opt::kEngine, true, kAllCommands},
    {"--jsonl", Opt::kJsonl, false, kAllCommands},
    {"--top-k", Opt::kTopK, true,
     Bit(Command::kFillMask) | Bit(Command::kQa) | Bit(Command::kRerank) | Bit(Command::kSearch)},
    {"--pooling", Opt::kPooling, true, kEmbedCommands},
    {"--normalize", Opt::kNormalize, false, kEmbedCommands},
    {"--no-normalize", Opt::kNoNormalize, false, kEmbedCommands},
    {"--seq-len", Opt::kSeqLen, true, Bit(Command::kBench)},
    {"--iterations", Opt::kIterations, true, Bit(Command::kBench)},
    {"--warmup", Opt::kWarmup, true, Bit(Command::kBench)},
    {"--aggregation", Opt::kAggregation, true, Bit(Command::kNer)},
    {"--question", Opt::kQuestion, true, Bit(Command::kQa)},
    {"--context", Opt::kContext, true, Bit(Command::kQa)},
    {"--max-answer-len", Opt::kMaxAnswerLen, true, Bit(Command::kQa)},
    {"--doc-stride", Opt::kDocStride, true, Bit(Command::kQa)},
    {"--max-document-tokens", Opt::kMaxDocumentTokens, true, Bit(Command::kQa)},
    {"--query", Opt::kQuery, true, Bit(Command::kRerank) | Bit(Command::kSearch)},
    {"--batch", Opt::kBatch, true, Bit(Command::kBench)},
    {"--batch-tokens", Opt::kBatchTokens, true, Bit(Command::kEmbed) | Bit(Command::kClassify) | Bit(Command::kRerank)},
};
constexpr size_t kNumOptions = sizeof kOptions / sizeof kOptions[0];

constexpr uint32_t kMaxSeqLenLimit = 1u << 20;
constexpr uint32_t kMaxThreads = 1024;
constexpr uint32_t kMaxIterations = 10000000;
constexpr uint32_t kMaxTopK = 64;  // fill-mask and qa (embert_qa_options.top_k)
constexpr uint32_t kMaxDocumentTokensLimit = 1u << 24;

bool ParseCommand(const char* word, Command* out) {
  static const struct {
    const char* name;
    Command command;
  } kCommands[] = {
      {"info", Command::kInfo},
      {"tokenize", Command::kTokenize},
      {"classify", Command::kClassify},
      {"embed", Command::kEmbed},
      {"fill-mask", Command::kFillMask},
      {"bench", Command::kBench},
      {"ner", Command::kNer},
      {"qa", Command::kQa},
      {"rerank", Command::kRerank},
      {"similarity", Command::kSimilarity},
      {"search", Command::kSearch},
  };
  for (const auto& c : kCommands) {
    if (std::strcmp(word, c.name) == 0) {
      *out = c.command;
      return true;
    }
  }
  return false;
}

bool IsHelp(const char* arg) { return std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0; }

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// Applies one option's value. Returns false with `error` set when invalid.
bool Apply(const OptionSpec& spec, const char* value, Options* o, std::string* error) {
  const std::string name = spec.name;
  auto number = [&](uint32_t min, uint32_t max, uint32_t* out) {
    if (ParseUint32(value, min, max, out)) return true;
    *error = "invalid value " + Quoted(value) + " for " + name + ": expected an integer from " + std::to_string(min) +
             " to " + std::to_string(max);
    return false;
  };
  switch (spec.id) {
    case Opt::kModel:
      if (value[0] == '\0') {
        *error = "--model needs a non-empty path";
        return false;
      }
      o->model = value;
      return true;
    case Opt::kText:
      o->has_text = true;
      o->text = value;
      return true;
    case Opt::kPair:
      o->has_pair = true;
      o->pair = value;
      return true;
    case Opt::kInput:
      if (value[0] == '\0') {
        *error = "--input needs a path, or - for standard input";
        return false;
      }
      o->has_input = true;
      o->input = value;
      return true;
    case Opt::kMaxSeqLen: o->has_max_seq_len = true; return number(1, kMaxSeqLenLimit, &o->max_seq_len);
    case Opt::kThreads: return number(1, kMaxThreads, &o->threads);
    case Opt::kEngine:
      if (std::strcmp(value, "auto") == 0) {
        o->engine = EMBERT_ENGINE_AUTO;
      } else if (std::strcmp(value, "reference") == 0) {
        o->engine = EMBERT_ENGINE_REFERENCE;
      } else if (std::strcmp(value, "xnnpack") == 0) {
        o->engine = EMBERT_ENGINE_XNNPACK;
      } else {
        *error = "invalid value " + Quoted(value) + " for --engine: expected auto, reference or xnnpack";
        return false;
      }
      return true;
    case Opt::kJsonl: o->jsonl = true; return true;
    case Opt::kTopK:
      o->has_top_k = true;
      // rerank, search: any number of results (at most the lines there are).
      return number(1, o->command == Command::kRerank || o->command == Command::kSearch ? UINT32_MAX : kMaxTopK,
                    &o->top_k);
    case Opt::kPooling: {
      static const struct {
        const char* name;
        embert_pooling value;
      } kPoolings[] = {
          {"model", EMBERT_POOLING_MODEL}, {"cls", EMBERT_POOLING_CLS},
          {"mean", EMBERT_POOLING_MEAN},   {"cls-raw", EMBERT_POOLING_CLS_RAW},
          {"max", EMBERT_POOLING_MAX},     {"mean-sqrt-len", EMBERT_POOLING_MEAN_SQRT_LEN},
      };
      for (const auto& p : kPoolings) {
        if (std::strcmp(value, p.name) == 0) {
          o->pooling = p.value;
          return true;
        }
      }
      *error =
          "invalid value " + Quoted(value) + " for --pooling: expected model, cls, mean, cls-raw, max or mean-sqrt-len";
      return false;
    }
    case Opt::kNormalize:
    case Opt::kNoNormalize:
      if (o->normalize != EMBERT_NORMALIZE_MODEL) {
        *error = "--normalize and --no-normalize exclude each other";
        return false;
      }
      o->normalize = spec.id == Opt::kNormalize ? 1 : 0;
      return true;
    case Opt::kSeqLen: o->has_seq_len = true; return number(3, kMaxSeqLenLimit, &o->seq_len);
    case Opt::kIterations: return number(1, kMaxIterations, &o->iterations);
    case Opt::kWarmup: return number(0, kMaxIterations, &o->warmup);
    case Opt::kAggregation:
      if (!ParseAggregation(value, &o->aggregation)) {
        *error = "invalid value " + Quoted(value) + " for --aggregation: expected none, simple, first, average or max";
        return false;
      }
      return true;
    case Opt::kQuestion:
      o->has_question = true;
      o->question = value;
      return true;
    case Opt::kContext:
      o->has_context = true;
      o->context = value;
      return true;
    case Opt::kMaxAnswerLen: o->has_max_answer_len = true; return number(1, kMaxSeqLenLimit, &o->max_answer_len);
    case Opt::kDocStride: o->has_doc_stride = true; return number(0, kMaxSeqLenLimit, &o->doc_stride);
    case Opt::kMaxDocumentTokens: return number(1, kMaxDocumentTokensLimit, &o->max_document_tokens);
    case Opt::kQuery:
      o->has_query = true;
      o->query = value;
      return true;
    case Opt::kBatchTokens: o->has_batch_tokens = true; return number(0, 1u << 16, &o->batch_tokens);
    case Opt::kBatch: return number(1, 4096, &o->batch);
  }
  *error = "internal error: unhandled option " + name;
  return false;
}

// Checks the combination of options once all are read.
bool Validate(const Options& o, std::string* error) {
  const std::string cmd = CommandName(o.command);
  if (o.model.empty()) {
    *error = cmd + ": --model is required";
    return false;
  }
  if (ReadsText(o.command)) {
    if (o.has_text == o.has_input) {
      *error = cmd + ": give exactly one of --text and --input";
      return false;
    }
    if (o.has_pair && !o.has_text) {
      *error = cmd + ": --pair goes with --text (with --input, separate a pair with a TAB)";
      return false;
    }
  }
  if (o.command == Command::kQa) {
    if (o.has_input) {
      if (o.has_question || o.has_context) {
        *error = "qa: --question and --context go without --input (each --input line is question<TAB>context)";
        return false;
      }
    } else if (!o.has_question) {
      *error = "qa: --question is required (or --input FILE of question<TAB>context lines)";
      return false;
    } else if (!o.has_context) {
      *error = "qa: --context is required (or --input FILE of question<TAB>context lines)";
      return false;
    }
  }
  if (o.command == Command::kRerank || o.command == Command::kSearch) {
    if (!o.has_query) {
      *error = cmd + ": --query is required";
      return false;
    }
    if (!o.has_input) {
      *error = cmd + (o.command == Command::kRerank
                          ? ": --input PASSAGES is required (one passage per line, '-': standard input)"
                          : ": --input FILE is required (one text per line, '-': standard input)");
      return false;
    }
  }
  if (o.command == Command::kSimilarity && (!o.has_text || !o.has_pair)) {
    *error = "similarity: --text A and --pair B are both required";
    return false;
  }
  if (o.command == Command::kBench && o.has_seq_len && o.has_max_seq_len && o.seq_len > o.max_seq_len) {
    *error =
        "bench: --seq-len " + std::to_string(o.seq_len) + " exceeds --max-seq-len " + std::to_string(o.max_seq_len);
    return false;
  }
  return true;
}

}  // namespace

const char* CommandName(Command command) {
  switch (command) {
    case Command::kInfo: return "info";
    case Command::kTokenize: return "tokenize";
    case Command::kClassify: return "classify";
    case Command::kEmbed: return "embed";
    case Command::kFillMask: return "fill-mask";
    case Command::kBench: return "bench";
    case Command::kNer: return "ner";
    case Command::kQa: return "qa";
    case Command::kRerank: return "rerank";
    case Command::kSimilarity: return "similarity";
    case Command::kSearch: return "search";
  }
  return "?";
}

bool ReadsText(Command command) { return (kTextCommands & Bit(command)) != 0; }

bool SplitsPairs(Command command) { return ((kPairCommands | Bit(Command::kQa)) & Bit(command)) != 0; }

bool ParseAggregation(const char* text, embert_aggregation* out) {
  static const struct {
    const char* name;
    embert_aggregation value;
  } kAggregations[] = {
      {"none", EMBERT_AGGREGATION_NONE},   {"simple", EMBERT_AGGREGATION_SIMPLE},
      {"first", EMBERT_AGGREGATION_FIRST}, {"average", EMBERT_AGGREGATION_AVERAGE},
      {"max", EMBERT_AGGREGATION_MAX},
  };
  for (const auto& a : kAggregations) {
    if (std::strcmp(text, a.name) == 0) {
      *out = a.value;
      return true;
    }
  }
  return false;
}

bool ParseUint32(const char* text, uint32_t min, uint32_t max, uint32_t* out) {
  if (text == nullptr || text[0] < '0' || text[0] > '9') return false;  // no sign, no space
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0') return false;
  if (v < min || v > max) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

ParseResult ParseArgs(int argc, const char* const* argv, Options* options, std::string* error) {
  *options = Options();
  if (argc < 2) {
    *error = "no command given";
    return ParseResult::kError;
  }
  const char* first = argv[1];
  if (IsHelp(first) || std::strcmp(first, "help") == 0) return ParseResult::kHelp;
  if (std::strcmp(first, "--version") == 0) {
    if (argc != 2) {
      *error = "--version takes no other arguments";
      return ParseResult::kError;
    }
    return ParseResult::kVersion;
  }
  if (!ParseCommand(first, &options->command)) {
    *error =
        std::string(first[0] == '-' ? "expected a command before options, got " : "unknown command ") + Quoted(first);
    return ParseResult::kError;
  }
  const std::string cmd = CommandName(options->command);
  bool seen[kNumOptions] = {};
  for (int i = 2; i < argc; ++i) {
    const char* arg = argv[i];
    if (IsHelp(arg)) return ParseResult::kHelp;
    // --name value, or --name=value.
    const char* eq = std::strchr(arg, '=');
    const std::string name = eq != nullptr && arg[0] == '-' ? std::string(arg, eq) : std::string(arg);
    const OptionSpec* spec = nullptr;
    size_t index = 0;
    for (; index < kNumOptions; ++index) {
      if (name == kOptions[index].name) {
        spec = &kOptions[index];
        break;
      }
    }
    if (spec == nullptr) {
      *error = arg[0] == '-' ? cmd + ": unknown option " + Quoted(name) : cmd + ": unexpected argument " + Quoted(arg);
      return ParseResult::kError;
    }
    if ((spec->commands & Bit(options->command)) == 0) {
      *error = cmd + ": option " + name + " does not apply to this command";
      return ParseResult::kError;
    }
    if (seen[index]) {
      *error = cmd + ": option " + name + " given more than once";
      return ParseResult::kError;
    }
    seen[index] = true;
    const char* value = nullptr;
    if (spec->takes_value) {
      if (eq != nullptr) {
        value = eq + 1;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        *error = cmd + ": option " + name + " needs a value";
        return ParseResult::kError;
      }
    } else if (eq != nullptr) {
      *error = cmd + ": option " + name + " takes no value";
      return ParseResult::kError;
    }
    if (!Apply(*spec, value, options, error)) {
      *error = cmd + ": " + *error;
      return ParseResult::kError;
    }
  }
  return Validate(*options, error) ? ParseResult::kRun : ParseResult::kError;
}

const char* UsageText() {
  return R"(Usage: embert <command> --model FILE [options]

Commands:
  info        print the model's configuration, heads, labels, arena sizes and
              compute engine as JSON
  tokenize    print the tokens of each input
  classify    print the top label of each input (sequence classification head)
  embed       print a sentence embedding for each input
  fill-mask   print the most likely tokens for every [MASK] of each input
  bench       time runs of the encoder on synthetic token ids
  ner         print the named entities of each input (token classification
              head)
  qa          print the answers to a question found in a context (extractive
              question answering head)
  rerank      print passages sorted by relevance to a query (cross-encoder:
              sequence classification head on query/passage pairs)
  similarity  print the cosine similarity of the embeddings of --text and
              --pair
  search      print the lines of --input ranked by the cosine similarity of
              their embeddings to --query's

Input (tokenize, classify, embed, fill-mask, ner: one of --text / --input):
  --text T            one input text
  --pair T2           the second text of a sentence pair (with --text; not ner)
  --input FILE        one input per line ('-': standard input); a TAB in a line
                      separates a sentence pair (ner: the whole line is the
                      text); trailing \n and \r are removed

qa: --question Q --context C, or --input FILE of question<TAB>context lines.
rerank: --query Q --input PASSAGES, one passage per line.
similarity: --text A --pair B.
search: --query Q --input FILE, one text per line.

Options:
  --model FILE        the .embert model (required)
  --max-seq-len N     longest input in tokens, [CLS]/[SEP] included
                      (default: the model's maximum; qa: 384 capped at it);
                      longer inputs are truncated (qa: a window's length)
  --threads N         threads of the compute engine (default 1)
  --engine E          auto | reference | xnnpack (default auto)
  --jsonl             one JSON object per input line (info: compact JSON)
  --top-k K           fill-mask: predictions per [MASK], 1..64 (default 5)
                      qa: answers per question, 1..64 (default 1)
                      rerank, search: results kept, >= 1 (default: all)
  --pooling P         embed, similarity, search: model | cls | mean | cls-raw |
                      max | mean-sqrt-len (default model: the file's
                      sentence-transformers pooling and Dense modules, mean
                      for a plain BERT)
  --normalize         embed, similarity, search: L2-normalise the embedding
  --no-normalize      ... do not (default: as the file says)
  --seq-len N         bench: tokens per run, >= 3 (default: --max-seq-len, or
                      128 capped at the model's maximum)
  --iterations K      bench: timed runs (default 20)
  --warmup W          bench: untimed runs first (default 3)
  --batch K           bench: K inputs of --seq-len tokens packed into each run
  --aggregation A     ner: none | simple | first | average | max
                      (default simple)
  --question Q        qa: the question
  --context C         qa: the text to find the answer in
  --max-answer-len N  qa: longest answer in tokens (default 15)
  --doc-stride S      qa: tokens shared by consecutive windows of a long
                      context (default min(128, max-seq-len / 2))
  --max-document-tokens N
                      qa: longest context in tokens, cut beyond (default
                      4 x max-seq-len)
  --query Q           rerank, search: the query
  --batch-tokens N    embed, classify, rerank, search: pack --input lines into runs
                      of N tokens (default 512; 0: one line per run; one
                      line per run from standard input unless given)
  -h, --help          this text
  --version           library and schema versions

Options take their value as the next argument or after '=' (--threads=4).

Exit status: 0 success; 1 runtime error (model, context, I/O, or at least
one input line failed; the other lines are still processed); 2 usage error.
)";
}

}  // namespace embert_cli
