// Test tool for the differential test: tokenizes JSON lines of stdin with a
// vocabulary file, as a model with that vocabulary would, and prints one JSON
// line per input. An input line is a JSON string (one text, any capacity
// needed) or {"a": text, "b": text, "max_len": n} (a pair, truncated to n).
// Output: {"ids": [...], "types": [...], "spans": [[begin, end, text], ...],
// "truncated": n} with [CLS]/[SEP], or {"error": status}.
//   tokenize_vocab_tool VOCAB [--cased] [--keep-accents] [--no-chinese]
#include <iostream>
#include <string>

#include "../common/test_json.h"
#include "tokenizer_test_util.h"

namespace {

void Print(const embert::test::Tokens& r) {
  if (!r.status.ok()) {
    std::cout << "{\"error\": " << static_cast<int>(r.status.code()) << "}\n";
    return;
  }
  std::cout << "{\"ids\": [";
  for (size_t i = 0; i < r.ids.size(); ++i) std::cout << (i ? ", " : "") << r.ids[i];
  std::cout << "], \"types\": [";
  for (size_t i = 0; i < r.types.size(); ++i) std::cout << (i ? ", " : "") << r.types[i];
  std::cout << "], \"spans\": [";
  for (size_t i = 0; i < r.spans.size(); ++i) {
    std::cout << (i ? ", " : "") << "[" << r.spans[i].begin << ", " << r.spans[i].end << ", " << r.spans[i].text << "]";
  }
  std::cout << "], \"truncated\": " << r.truncated << "}\n";
}

}  // namespace

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
    const embert::test::Json j = embert::test::JsonParser(line).Parse();
    if (j.kind == embert::test::Json::kString) {
      // Room for every token of the longest line the test sends.
      Print(t.Run(j.string, nullptr, j.string.size() + 3, true));
    } else {
      const std::string b = j["b"].string;
      Print(t.Run(j["a"].string, &b, static_cast<size_t>(j["max_len"].number), true));
    }
  }
  return 0;
}
