#include "input_source.h"

#include <sys/types.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "diagnostics.h"

namespace embert_cli {

TextInput SplitLine(std::string line, size_t line_number, bool split_pair) {
  if (!line.empty() && line.back() == '\n') line.pop_back();
  while (!line.empty() && line.back() == '\r') line.pop_back();
  TextInput input;
  input.line = line_number;
  const size_t tab = split_pair ? line.find('\t') : std::string::npos;
  if (tab == std::string::npos) {
    input.text = std::move(line);
  } else {
    input.has_pair = true;
    input.pair = line.substr(tab + 1);
    line.resize(tab);
    input.text = std::move(line);
  }
  return input;
}

InputSource::~InputSource() {
  if (owns_file_ && file_ != nullptr) std::fclose(file_);
  std::free(buffer_);
}

bool InputSource::Open(const Options& options) {
  split_pairs_ = SplitsPairs(options.command);
  if (options.command == Command::kQa && !options.has_input) {
    single_ = true;
    single_input_.text = options.question;
    single_input_.has_pair = true;
    single_input_.pair = options.context;
    return true;
  }
  if (options.has_text) {
    single_ = true;
    single_input_.text = options.text;
    single_input_.has_pair = options.has_pair;
    single_input_.pair = options.pair;
    return true;
  }
  name_ = options.input;
  if (name_ == "-") {
    file_ = stdin;
    name_ = "standard input";
    return true;
  }
  file_ = std::fopen(name_.c_str(), "rb");
  if (file_ == nullptr) {
    PrintError("cannot open input %s: %s", name_.c_str(), std::strerror(errno));
    failed_ = true;
    return false;
  }
  owns_file_ = true;
  return true;
}

bool InputSource::Next(TextInput* out) {
  if (single_) {
    if (single_done_) return false;
    single_done_ = true;
    *out = single_input_;
    return true;
  }
  if (file_ == nullptr) return false;
  errno = 0;
  const ssize_t n = getline(&buffer_, &capacity_, file_);
  if (n < 0) {
    if (std::ferror(file_)) {
      PrintError("cannot read %s: %s", name_.c_str(), std::strerror(errno != 0 ? errno : EIO));
      failed_ = true;
    }
    return false;
  }
  *out = SplitLine(std::string(buffer_, static_cast<size_t>(n)), ++line_, split_pairs_);
  return true;
}

}  // namespace embert_cli
