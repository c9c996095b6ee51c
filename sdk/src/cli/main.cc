// embert: command-line tool over the C API (see README.md).
#include <cstdio>
#include <string>

#include "args.h"
#include "commands.h"
#include "diagnostics.h"
#include "embert/embert.h"
#include "exit_codes.h"

int main(int argc, char** argv) {
  using namespace embert_cli;
  Options options;
  std::string error;
  switch (ParseArgs(argc, argv, &options, &error)) {
    case ParseResult::kHelp:
      std::fputs(UsageText(), stdout);
      return std::fflush(stdout) == 0 ? kExitOk : kExitRuntimeError;
    case ParseResult::kVersion:
      std::printf("embert %s (model schema %u)\n", embert_version_string(),
                  static_cast<unsigned>(embert_schema_version()));
      return std::fflush(stdout) == 0 ? kExitOk : kExitRuntimeError;
    case ParseResult::kError:
      PrintError("%s", error.c_str());
      std::fputs("Run 'embert --help' for usage.\n", stderr);
      return kExitUsageError;
    case ParseResult::kRun: break;
  }
  switch (options.command) {
    case Command::kInfo: return RunInfo(options);
    case Command::kTokenize: return RunTokenize(options);
    case Command::kClassify: return RunClassify(options);
    case Command::kEmbed: return RunEmbed(options);
    case Command::kFillMask: return RunFillMask(options);
    case Command::kBench: return RunBench(options);
    case Command::kNer: return RunNer(options);
    case Command::kQa: return RunQa(options);
    case Command::kRerank: return RunRerank(options);
    case Command::kSimilarity: return RunSimilarity(options);
    case Command::kSearch: return RunSearch(options);
  }
  return kExitRuntimeError;
}
