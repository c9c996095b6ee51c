// Error messages on stderr, all prefixed with "embert: ".
#ifndef EMBERT_CLI_DIAGNOSTICS_H_
#define EMBERT_CLI_DIAGNOSTICS_H_

#include <string>

#include "embert/embert.h"

namespace embert_cli {

// "embert: <formatted>\n" on stderr.
void PrintError(const char* format, ...) __attribute__((format(printf, 1, 2)));

// "<status string>: <detail>", or just the status string when the detail is
// empty or says nothing more.
std::string DescribeStatus(embert_status status, const char* detail);

// "embert: <what>: <status string>: <detail>\n" on stderr.
void PrintStatusError(const char* what, embert_status status, const char* detail);

}  // namespace embert_cli

#endif  // EMBERT_CLI_DIAGNOSTICS_H_
