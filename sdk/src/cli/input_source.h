// The inputs of the text commands: one --text (and --pair), qa's --question
// and --context (as text and pair), or the lines of an --input file or
// standard input.
#ifndef EMBERT_CLI_INPUT_SOURCE_H_
#define EMBERT_CLI_INPUT_SOURCE_H_

#include <cstddef>
#include <cstdio>
#include <string>

#include "args.h"

namespace embert_cli {

struct TextInput {
  std::string text;
  bool has_pair = false;
  std::string pair;
  size_t line = 0;  // 1-based line number; 0 for --text
};

// Removes one trailing "\n" and then any trailing "\r" characters of a line,
// and splits it at its first TAB into a sentence pair (unless !split_pair:
// then the whole line is the text).
TextInput SplitLine(std::string line, size_t line_number, bool split_pair = true);

class InputSource {
 public:
  InputSource() = default;
  ~InputSource();
  InputSource(const InputSource&) = delete;
  InputSource& operator=(const InputSource&) = delete;

  // Opens --input (or takes --text). Prints the error and returns false when
  // the file cannot be opened.
  bool Open(const Options& options);

  // The next input; false at the end or on a read error (see failed()).
  bool Next(TextInput* out);

  // True if reading stopped because of an I/O error (already reported).
  bool failed() const { return failed_; }
  // True for --text: errors are reported without a line number.
  bool single() const { return single_; }

 private:
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  bool single_ = false;
  bool single_done_ = false;
  bool failed_ = false;
  bool split_pairs_ = true;
  TextInput single_input_;
  std::string name_;
  size_t line_ = 0;
  char* buffer_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace embert_cli

#endif  // EMBERT_CLI_INPUT_SOURCE_H_
