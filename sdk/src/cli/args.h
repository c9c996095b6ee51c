// Command line of the embert tool: commands, options, validation, usage text.
#ifndef EMBERT_CLI_ARGS_H_
#define EMBERT_CLI_ARGS_H_

#include <cstdint>
#include <string>

#include "embert/embert.h"

namespace embert_cli {

enum class Command { kInfo, kTokenize, kClassify, kEmbed, kFillMask, kBench, kNer, kQa, kRerank, kSimilarity, kSearch };

const char* CommandName(Command command);

// True for the commands that read texts (--text / --input).
bool ReadsText(Command command);

// True when a TAB in an --input line separates two texts (sentence pairs,
// qa's question<TAB>context); for ner and rerank a line is one text.
bool SplitsPairs(Command command);

struct Options {
  Command command = Command::kInfo;
  std::string model;

  bool has_text = false;
  std::string text;
  bool has_pair = false;
  std::string pair;
  bool has_input = false;
  std::string input;  // a path, or "-" for stdin

  bool has_max_seq_len = false;
  uint32_t max_seq_len = 0;  // 0: the model's maximum
  uint32_t threads = 1;
  embert_engine engine = EMBERT_ENGINE_AUTO;
  bool jsonl = false;

  bool has_top_k = false;
  uint32_t top_k = 5;  // fill-mask (qa: 1, rerank and search: all when !has_top_k)
  // embed, similarity, search: as the file says unless --pooling / --normalize
  // / --no-normalize (embert_embed's values).
  embert_pooling pooling = EMBERT_POOLING_MODEL;
  int normalize = EMBERT_NORMALIZE_MODEL;

  bool has_seq_len = false;  // bench
  uint32_t seq_len = 0;
  uint32_t iterations = 20;
  uint32_t warmup = 3;
  uint32_t batch = 1;  // bench: inputs of --seq-len tokens packed into each run

  embert_aggregation aggregation = EMBERT_AGGREGATION_SIMPLE;  // ner

  bool has_question = false;  // qa
  std::string question;
  bool has_context = false;
  std::string context;
  bool has_max_answer_len = false;
  uint32_t max_answer_len = 0;
  bool has_doc_stride = false;
  uint32_t doc_stride = 0;
  uint32_t max_document_tokens = 0;  // 0: the SDK's default (4 x max_seq_len)

  bool has_query = false;  // rerank, search
  std::string query;

  // embed, classify, rerank: tokens packed into one run (embert_tokenize_batch);
  // 0 = one input per run. Default kDefaultBatchTokens (or max_seq_len when
  // larger), one input per run when reading standard input.
  bool has_batch_tokens = false;
  uint32_t batch_tokens = 0;
};

// The default --batch-tokens of --input files: enough short inputs per run
// for the dense layers to run at their compute speed (benchmarks/RESULTS.md,
// "Many inputs per run").
constexpr uint32_t kDefaultBatchTokens = 512;

// qa's default --max-seq-len (Hugging Face's pipeline), capped at the model's.
constexpr uint32_t kQaDefaultMaxSeqLen = 384;

enum class ParseResult {
  kRun,      // `options` is complete and valid
  kHelp,     // print the usage text on stdout, exit 0
  kVersion,  // print the version, exit 0
  kError,    // `error` says what is wrong; print it and the usage hint, exit 2
};

ParseResult ParseArgs(int argc, const char* const* argv, Options* options, std::string* error);

// "none", "simple", "first", "average" or "max".
bool ParseAggregation(const char* text, embert_aggregation* out);

// Parses a decimal integer in [min, max]: digits only (no sign, no spaces, no
// trailing characters), no overflow.
bool ParseUint32(const char* text, uint32_t min, uint32_t max, uint32_t* out);

// The full usage text.
const char* UsageText();

}  // namespace embert_cli

#endif  // EMBERT_CLI_ARGS_H_
