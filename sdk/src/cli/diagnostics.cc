#include "diagnostics.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace embert_cli {

void PrintError(const char* format, ...) {
  std::fputs("embert: ", stderr);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fputc('\n', stderr);
}

std::string DescribeStatus(embert_status status, const char* detail) {
  const char* name = embert_status_string(status);
  std::string text = name != nullptr ? name : "unknown status";
  if (detail != nullptr && detail[0] != '\0' && std::strcmp(detail, text.c_str()) != 0) {
    text += ": ";
    text += detail;
  }
  return text;
}

void PrintStatusError(const char* what, embert_status status, const char* detail) {
  PrintError("%s: %s", what, DescribeStatus(status, detail).c_str());
}

}  // namespace embert_cli
