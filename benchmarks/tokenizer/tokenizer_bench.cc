// Tokenizer throughput, one thread: the SDK's tokenizer against a naive
// greedy WordPiece (std::unordered_map lookups of every candidate substring,
// ASCII-only basic tokenizer), on English and Chinese text.
//
//   build/bin/tokenizer_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Data: SNIPS utterances one by one (short English commands, tests/data/snips);
// English prose (the GPL v3 text, paragraph by paragraph) and Chinese prose
// (GnuPG's Chinese help, entry by entry), both in benchmarks/tokenizer/data
// (see PROVENANCE.md there); and a larger Chinese sample drawn from
// bert-base-chinese's single-character tokens with full-width punctuation.
#include <benchmark/benchmark.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace {

const std::string kData = EMBERT_TEST_DATA_DIR;
const std::string kBenchData = EMBERT_BENCH_DATA_DIR;

std::vector<std::string> Lines(const std::string& path, bool tsv) {
  std::ifstream f(path);
  std::vector<std::string> out;
  std::string line;
  if (tsv) std::getline(f, line);
  while (std::getline(f, line)) {
    if (tsv) line = line.substr(0, line.find('\t'));
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

struct Corpus {
  std::vector<std::string> texts;
  size_t bytes = 0;
};

Corpus Snips() {
  Corpus c;
  c.texts = Lines(kData + "/snips/train.tsv", true);
  for (const auto& t : c.texts) c.bytes += t.size();
  return c;
}

// Blocks of a text file separated by lines that `is_separator` accepts;
// lines starting with '#' (comment headers) are left out.
template <typename IsSeparator>
Corpus Blocks(const std::string& path, IsSeparator is_separator) {
  std::ifstream f(path);
  Corpus c;
  std::string line, block;
  auto flush = [&]() {
    if (block.find_first_not_of(" \n") != std::string::npos) {
      c.bytes += block.size();
      c.texts.push_back(block);
    }
    block.clear();
  };
  while (std::getline(f, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (is_separator(line)) {
      flush();
    } else {
      block += line;
      block += '\n';
    }
  }
  flush();
  return c;
}

Corpus EnglishProse() {
  return Blocks(kBenchData + "/gpl-3.0.txt", [](const std::string& l) { return l.empty(); });
}

Corpus ChineseProse() {
  return Blocks(kBenchData + "/gnupg-help.zh_CN.txt", [](const std::string& l) { return !l.empty() && l[0] == '.'; });
}

Corpus Chinese() {
  const auto vocab = Lines(kData + "/vocab/bert-base-chinese/vocab.txt", false);
  std::vector<std::string> chars;
  for (const auto& t : vocab) {
    if (t.size() == 3 && static_cast<uint8_t>(t[0]) >= 0xE4 && static_cast<uint8_t>(t[0]) <= 0xE9) chars.push_back(t);
  }
  std::mt19937 rng(1);
  Corpus c;
  const char* punct[] = {"，", "。", "、", "：", "！"};
  for (int i = 0; i < 400; ++i) {
    std::string p;
    while (p.size() < 1500) {
      p += chars[rng() % chars.size()];
      if (rng() % 9 == 0) p += punct[rng() % 5];
    }
    c.bytes += p.size();
    c.texts.push_back(std::move(p));
  }
  return c;
}

struct Embert {
  std::vector<std::string> vocab;
  std::vector<uint8_t> bytes;
  embert::tok::VocabIndex index;
  embert::tok::Settings settings;
  std::vector<int32_t> specials;
  explicit Embert(const std::string& vocab_path) : vocab(Lines(vocab_path, false)) {
    bytes = embert::tok::BuildVocabIndex(vocab);
    (void)embert::tok::VocabIndex::Open(bytes.data(), bytes.size(), embert::tok::kVocabIndexFormat,
                                        static_cast<uint32_t>(vocab.size()), &index);
    for (const char* s : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"})
      specials.push_back(index.Find(s, std::strlen(s)));
    settings.unk_id = specials[1];
    settings.cls_id = specials[2];
    settings.sep_id = specials[3];
    settings.special_ids = embert::Span<const int32_t>(specials.data(), specials.size());
  }
};

void RunEmbert(benchmark::State& state, const Corpus& c, const std::string& vocab) {
  static std::unordered_map<std::string, std::unique_ptr<Embert>> cache;
  auto& e = cache[vocab];
  if (!e) e = std::make_unique<Embert>(vocab);
  embert::tok::Tokenizer t(&e->index, e->settings);
  const size_t capacity = 1 << 14;
  std::vector<int32_t> ids(capacity), types(capacity);
  std::vector<embert_token_span> spans(capacity);
  std::vector<uint8_t> scratch(embert::tok::Tokenizer::ScratchBytes(capacity));
  size_t tokens = 0;
  for (auto _ : state) {
    for (const auto& text : c.texts) {
      embert::tok::EncodeOutput out;
      out.ids = ids.data();
      out.type_ids = types.data();
      out.spans = spans.data();
      out.capacity = capacity;
      if (!t.Encode(text.data(), text.size(), nullptr, 0, scratch.data(), scratch.size(), &out).ok()) {
        state.SkipWithError("Encode failed");
        return;
      }
      tokens += out.count + out.truncated;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(c.bytes * state.iterations()));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}

// The baseline: what a first C++ port of BERT's tokenizer usually is.
struct Naive {
  std::unordered_map<std::string, int> vocab;
  explicit Naive(const std::string& path) {
    int i = 0;
    for (const auto& t : Lines(path, false)) vocab[t] = i++;
  }
  void Encode(const std::string& text, std::vector<int>* out) const {
    out->clear();
    std::string word;
    auto flush = [&]() {
      if (word.empty()) return;
      size_t start = 0;
      std::vector<int> pieces;
      while (start < word.size()) {
        size_t end = word.size();
        int id = -1;
        while (start < end) {
          std::string sub = word.substr(start, end - start);
          if (start > 0) sub = "##" + sub;
          auto it = vocab.find(sub);
          if (it != vocab.end()) {
            id = it->second;
            break;
          }
          --end;
        }
        if (id < 0) {
          pieces = {vocab.at("[UNK]")};
          break;
        }
        pieces.push_back(id);
        start = end;
      }
      out->insert(out->end(), pieces.begin(), pieces.end());
      word.clear();
    };
    for (char ch : text) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (std::isspace(c)) {
        flush();
      } else if (std::ispunct(c)) {
        flush();
        word = std::string(1, ch);
        flush();
      } else {
        word += static_cast<char>(std::tolower(c));
      }
    }
    flush();
  }
};

void RunNaive(benchmark::State& state, const Corpus& c, const std::string& vocab) {
  static std::unordered_map<std::string, std::unique_ptr<Naive>> cache;
  auto& n = cache[vocab];
  if (!n) n = std::make_unique<Naive>(vocab);
  std::vector<int> out;
  size_t tokens = 0;
  for (auto _ : state) {
    for (const auto& text : c.texts) {
      n->Encode(text, &out);
      tokens += out.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(c.bytes * state.iterations()));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}

const std::string kUncased = kData + "/vocab/bert-base-uncased/vocab.txt";
const std::string kChinese = kData + "/vocab/bert-base-chinese/vocab.txt";

void BM_Embert_SnipsUtterances(benchmark::State& s) {
  static const Corpus c = Snips();
  RunEmbert(s, c, kUncased);
}
void BM_Naive_SnipsUtterances(benchmark::State& s) {
  static const Corpus c = Snips();
  RunNaive(s, c, kUncased);
}
void BM_Embert_EnglishProse(benchmark::State& s) {
  static const Corpus c = EnglishProse();
  RunEmbert(s, c, kUncased);
}
void BM_Naive_EnglishProse(benchmark::State& s) {
  static const Corpus c = EnglishProse();
  RunNaive(s, c, kUncased);
}
void BM_Embert_ChineseProse(benchmark::State& s) {
  static const Corpus c = ChineseProse();
  RunEmbert(s, c, kChinese);
}
void BM_Embert_ChineseSample(benchmark::State& s) {
  static const Corpus c = Chinese();
  RunEmbert(s, c, kChinese);
}

BENCHMARK(BM_Embert_SnipsUtterances)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Naive_SnipsUtterances)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Embert_EnglishProse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Naive_EnglishProse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Embert_ChineseProse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Embert_ChineseSample)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
