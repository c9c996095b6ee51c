// Test tool: tokenizes lines of stdin with a vocabulary file, as a model with
// that vocabulary would, and prints the ids (without [CLS]/[SEP]) one line
// per input line. Lines are JSON strings so that any text (tabs, newlines,
// control characters) can be passed.
//   tokenize_vocab_tool VOCAB [--cased] [--keep-accents] [--no-chinese]
#include <iostream>
#include <string>

#include "../common/test_json.h"
#include "tokenizer_test_util.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: tokenize_vocab_tool VOCAB [--cased] [--keep-accents] [--no-chinese]\n";
    return 2;
  }
  bool lower = true, strip = true, chinese = true;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cased") lower = false, strip = false;
    if (a == "--keep-accents") strip = false;
    if (a == "--no-chinese") chinese = false;
  }
  embert::test::TestTokenizer t(embert::test::ReadVocab(argv[1]), lower, strip, chinese);
  std::string line;
  while (std::getline(std::cin, line)) {
    const std::string text = embert::test::JsonParser(line).Parse().string;
    const auto r = t.Run(text, nullptr, 1 << 16);
    if (!r.status.ok()) {
      std::cout << "error " << r.status.message() << "\n";
      continue;
    }
    for (size_t i = 0; i < r.ids.size(); ++i) std::cout << (i ? " " : "") << r.ids[i];
    std::cout << "\n";
  }
  return 0;
}
