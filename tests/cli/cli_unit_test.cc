// The embert tool's argument parser, JSON writer and line splitting.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "args.h"
#include "input_source.h"
#include "json_writer.h"
#include "session.h"

namespace embert_cli {
namespace {

// --- ParseUint32 -------------------------------------------------------------

TEST(ParseUint32, AcceptsPlainDecimalsInRange) {
  uint32_t v = 0;
  EXPECT_TRUE(ParseUint32("0", 0, 10, &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(ParseUint32("10", 0, 10, &v));
  EXPECT_EQ(v, 10u);
  EXPECT_TRUE(ParseUint32("007", 0, 10, &v));
  EXPECT_EQ(v, 7u);
  EXPECT_TRUE(ParseUint32("4294967295", 0, 4294967295u, &v));
  EXPECT_EQ(v, 4294967295u);
}

TEST(ParseUint32, RejectsEverythingElse) {
  uint32_t v = 42;
  for (const char* bad : {"", " 1", "1 ", "+1", "-1", "1x", "x1", "0x10", "1e3", "1.0", "11", "99999999999999999999999",
                          "18446744073709551616", "4294967296"}) {
    EXPECT_FALSE(ParseUint32(bad, 0, 10, &v)) << "'" << bad << "'";
  }
  EXPECT_FALSE(ParseUint32("0", 1, 10, &v));
  EXPECT_FALSE(ParseUint32(nullptr, 0, 10, &v));
  EXPECT_EQ(v, 42u) << "a rejected value must not be stored";
}

// --- ParseArgs -----------------------------------------------------------------

ParseResult Parse(std::vector<const char*> args, Options* o, std::string* error) {
  args.insert(args.begin(), "embert");
  return ParseArgs(static_cast<int>(args.size()), args.data(), o, error);
}

TEST(ParseArgs, ClassifyWithEveryCommonOption) {
  Options o;
  std::string e;
  ASSERT_EQ(Parse({"classify", "--model", "m.embert", "--text", "play jazz", "--pair=b", "--max-seq-len", "64",
                   "--threads=4", "--engine", "reference", "--jsonl"},
                  &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_EQ(o.command, Command::kClassify);
  EXPECT_EQ(o.model, "m.embert");
  EXPECT_TRUE(o.has_text);
  EXPECT_EQ(o.text, "play jazz");
  EXPECT_TRUE(o.has_pair);
  EXPECT_EQ(o.pair, "b");
  EXPECT_TRUE(o.has_max_seq_len);
  EXPECT_EQ(o.max_seq_len, 64u);
  EXPECT_EQ(o.threads, 4u);
  EXPECT_EQ(o.engine, EMBERT_ENGINE_REFERENCE);
  EXPECT_TRUE(o.jsonl);
}

TEST(ParseArgs, CommandSpecificOptions) {
  Options o;
  std::string e;
  ASSERT_EQ(Parse({"embed", "--model", "m", "--input", "-", "--pooling", "cls-raw", "--normalize"}, &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_EQ(o.pooling, EMBERT_POOLING_CLS_RAW);
  EXPECT_EQ(o.normalize, 1);
  ASSERT_EQ(Parse({"embed", "--model", "m", "--text", "a"}, &o, &e), ParseResult::kRun) << e;
  EXPECT_EQ(o.pooling, EMBERT_POOLING_MODEL);
  EXPECT_EQ(o.normalize, EMBERT_NORMALIZE_MODEL);
  ASSERT_EQ(Parse({"embed", "--model", "m", "--text", "a", "--pooling", "mean-sqrt-len", "--no-normalize"}, &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_EQ(o.pooling, EMBERT_POOLING_MEAN_SQRT_LEN);
  EXPECT_EQ(o.normalize, 0);
  ASSERT_EQ(Parse({"similarity", "--model", "m", "--text", "a", "--pair", "b", "--pooling", "max"}, &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_EQ(o.command, Command::kSimilarity);
  EXPECT_EQ(o.pooling, EMBERT_POOLING_MAX);
  ASSERT_EQ(Parse({"search", "--model", "m", "--query", "q", "--input", "-", "--top-k", "3", "--jsonl"}, &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_EQ(o.command, Command::kSearch);
  EXPECT_EQ(o.top_k, 3u);
  EXPECT_TRUE(o.has_input);
  EXPECT_EQ(o.input, "-");
  ASSERT_EQ(Parse({"fill-mask", "--model", "m", "--text", "a [MASK]", "--top-k", "64"}, &o, &e), ParseResult::kRun);
  EXPECT_EQ(o.top_k, 64u);
  ASSERT_EQ(Parse({"bench", "--model", "m", "--seq-len", "32", "--iterations", "5", "--warmup", "0"}, &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_EQ(o.seq_len, 32u);
  EXPECT_EQ(o.iterations, 5u);
  EXPECT_EQ(o.warmup, 0u);
  ASSERT_EQ(Parse({"info", "--model", "m"}, &o, &e), ParseResult::kRun);
  EXPECT_EQ(o.command, Command::kInfo);
  // A text may start with a dash or be empty.
  ASSERT_EQ(Parse({"tokenize", "--model", "m", "--text", "--not-an-option"}, &o, &e), ParseResult::kRun);
  EXPECT_EQ(o.text, "--not-an-option");
  ASSERT_EQ(Parse({"tokenize", "--model", "m", "--text", ""}, &o, &e), ParseResult::kRun);
  EXPECT_TRUE(o.has_text);
}

TEST(ParseArgs, NerQaRerank) {
  Options o;
  std::string e;
  ASSERT_EQ(Parse({"ner", "--model", "m", "--text", "Miles Davis", "--aggregation", "max", "--jsonl"}, &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_EQ(o.command, Command::kNer);
  EXPECT_EQ(o.aggregation, EMBERT_AGGREGATION_MAX);
  ASSERT_EQ(Parse({"ner", "--model", "m", "--input", "-"}, &o, &e), ParseResult::kRun) << e;
  EXPECT_EQ(o.aggregation, EMBERT_AGGREGATION_SIMPLE) << "simple is the default";

  ASSERT_EQ(Parse({"qa", "--model", "m", "--question", "who?", "--context", "Miles."}, &o, &e), ParseResult::kRun) << e;
  EXPECT_EQ(o.command, Command::kQa);
  EXPECT_EQ(o.question, "who?");
  EXPECT_EQ(o.context, "Miles.");
  EXPECT_FALSE(o.has_top_k || o.has_max_answer_len || o.has_doc_stride || o.has_max_seq_len)
      << "unset: the SDK's defaults apply";
  EXPECT_EQ(o.max_document_tokens, 0u);
  ASSERT_EQ(Parse({"qa", "--model", "m", "--input", "f", "--top-k", "64", "--max-answer-len=30", "--doc-stride", "0",
                   "--max-seq-len", "256", "--max-document-tokens", "4096"},
                  &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_TRUE(o.has_top_k);
  EXPECT_EQ(o.top_k, 64u);
  EXPECT_TRUE(o.has_max_answer_len);
  EXPECT_EQ(o.max_answer_len, 30u);
  EXPECT_TRUE(o.has_doc_stride);
  EXPECT_EQ(o.doc_stride, 0u);
  EXPECT_EQ(o.max_seq_len, 256u);
  EXPECT_EQ(o.max_document_tokens, 4096u);
  // An empty question or context is the SDK's to judge, not a usage error.
  ASSERT_EQ(Parse({"qa", "--model", "m", "--question", "", "--context", ""}, &o, &e), ParseResult::kRun) << e;

  ASSERT_EQ(Parse({"rerank", "--model", "m", "--query", "jazz", "--input", "p.txt"}, &o, &e), ParseResult::kRun) << e;
  EXPECT_EQ(o.command, Command::kRerank);
  EXPECT_EQ(o.query, "jazz");
  EXPECT_FALSE(o.has_top_k) << "rerank keeps every passage by default";
  ASSERT_EQ(Parse({"rerank", "--model", "m", "--query", "q", "--input", "-", "--top-k", "1000"}, &o, &e),
            ParseResult::kRun)
      << e;
  EXPECT_EQ(o.top_k, 1000u) << "rerank's --top-k is not capped at 64";
}

TEST(ParseArgs, LinesSplitAtTabsOnlyWherePairsMeanSomething) {
  EXPECT_TRUE(SplitsPairs(Command::kClassify));
  EXPECT_TRUE(SplitsPairs(Command::kTokenize));
  EXPECT_TRUE(SplitsPairs(Command::kQa));
  EXPECT_FALSE(SplitsPairs(Command::kNer));
  EXPECT_FALSE(SplitsPairs(Command::kRerank));
}

TEST(ParseArgs, Aggregations) {
  embert_aggregation a = EMBERT_AGGREGATION_MAX;
  const struct {
    const char* name;
    embert_aggregation value;
  } kCases[] = {{"none", EMBERT_AGGREGATION_NONE},
                {"simple", EMBERT_AGGREGATION_SIMPLE},
                {"first", EMBERT_AGGREGATION_FIRST},
                {"average", EMBERT_AGGREGATION_AVERAGE},
                {"max", EMBERT_AGGREGATION_MAX}};
  for (const auto& c : kCases) {
    EXPECT_TRUE(ParseAggregation(c.name, &a)) << c.name;
    EXPECT_EQ(a, c.value) << c.name;
  }
  for (const char* bad : {"", "Simple", "avg", "mean", "max "}) EXPECT_FALSE(ParseAggregation(bad, &a)) << bad;
}

TEST(ParseArgs, HelpAndVersion) {
  Options o;
  std::string e;
  EXPECT_EQ(Parse({"--help"}, &o, &e), ParseResult::kHelp);
  EXPECT_EQ(Parse({"-h"}, &o, &e), ParseResult::kHelp);
  EXPECT_EQ(Parse({"help"}, &o, &e), ParseResult::kHelp);
  EXPECT_EQ(Parse({"classify", "--help"}, &o, &e), ParseResult::kHelp);
  EXPECT_EQ(Parse({"--version"}, &o, &e), ParseResult::kVersion);
  EXPECT_NE(std::string(UsageText()).find("Usage: embert"), std::string::npos);
  for (const char* word : {"ner", "qa", "rerank", "--aggregation", "--question", "--context", "--max-answer-len",
                           "--doc-stride", "--max-document-tokens", "--query"}) {
    EXPECT_NE(std::string(UsageText()).find(word), std::string::npos) << word;
  }
}

struct BadCase {
  std::vector<const char*> args;
  const char* message_part;
};

TEST(ParseArgs, UsageErrors) {
  const BadCase cases[] = {
      {{}, "no command"},
      {{"frobnicate", "--model", "m"}, "unknown command"},
      {{"--model", "m"}, "expected a command"},
      {{"classify", "--model", "m", "--text", "a", "--bogus"}, "unknown option '--bogus'"},
      {{"classify", "--model", "m", "--text", "a", "stray"}, "unexpected argument"},
      {{"classify", "--model"}, "--model needs a value"},
      {{"classify", "--model", "m", "--text"}, "--text needs a value"},
      {{"classify", "--text", "a"}, "--model is required"},
      {{"classify", "--model", "", "--text", "a"}, "non-empty"},
      {{"classify", "--model", "m"}, "exactly one of --text and --input"},
      {{"classify", "--model", "m", "--text", "a", "--input", "f"}, "exactly one"},
      {{"classify", "--model", "m", "--input", "f", "--pair", "b"}, "--pair goes with --text"},
      {{"classify", "--model", "m", "--text", "a", "--top-k", "3"}, "does not apply"},
      {{"classify", "--model", "m", "--text", "a", "--pooling", "mean"}, "does not apply"},
      {{"info", "--model", "m", "--text", "a"}, "does not apply"},
      {{"bench", "--model", "m", "--text", "a"}, "does not apply"},
      {{"classify", "--model", "m", "--model", "n", "--text", "a"}, "more than once"},
      {{"classify", "--model", "m", "--text", "a", "--jsonl=yes"}, "takes no value"},
      {{"classify", "--model", "m", "--text", "a", "--threads", "abc"}, "invalid value 'abc' for --threads"},
      {{"classify", "--model", "m", "--text", "a", "--threads", "-1"}, "--threads"},
      {{"classify", "--model", "m", "--text", "a", "--threads", "0"}, "--threads"},
      {{"classify", "--model", "m", "--text", "a", "--threads", "4x"}, "--threads"},
      {{"classify", "--model", "m", "--text", "a", "--threads", "99999999999999999999"}, "--threads"},
      {{"classify", "--model", "m", "--text", "a", "--max-seq-len", ""}, "--max-seq-len"},
      {{"classify", "--model", "m", "--text", "a", "--max-seq-len", "0"}, "--max-seq-len"},
      {{"classify", "--model", "m", "--text", "a", "--engine", "gpu"}, "--engine"},
      {{"embed", "--model", "m", "--text", "a", "--pooling", "min"}, "--pooling"},
      {{"embed", "--model", "m", "--text", "a", "--normalize", "--no-normalize"}, "exclude each other"},
      {{"similarity", "--model", "m", "--text", "a"}, "--pair B are both required"},
      {{"similarity", "--model", "m", "--input", "f"}, "does not apply"},
      {{"search", "--model", "m", "--input", "f"}, "--query is required"},
      {{"search", "--model", "m", "--query", "q"}, "--input FILE is required"},
      {{"fill-mask", "--model", "m", "--text", "a", "--top-k", "0"}, "--top-k"},
      {{"fill-mask", "--model", "m", "--text", "a", "--top-k", "65"}, "--top-k"},
      {{"bench", "--model", "m", "--seq-len", "2"}, "--seq-len"},
      {{"bench", "--model", "m", "--iterations", "0"}, "--iterations"},
      {{"bench", "--model", "m", "--seq-len", "64", "--max-seq-len", "32"}, "exceeds --max-seq-len"},
      {{"--version", "extra"}, "--version"},
      // ner
      {{"ner", "--model", "m"}, "exactly one of --text and --input"},
      {{"ner", "--model", "m", "--text", "a", "--aggregation", "mean"}, "invalid value 'mean' for --aggregation"},
      {{"ner", "--model", "m", "--text", "a", "--aggregation", ""}, "--aggregation"},
      {{"ner", "--model", "m", "--text", "a", "--pair", "b"}, "does not apply"},
      {{"ner", "--model", "m", "--text", "a", "--top-k", "3"}, "does not apply"},
      {{"classify", "--model", "m", "--text", "a", "--aggregation", "simple"}, "does not apply"},
      // qa
      {{"qa", "--model", "m", "--context", "c"}, "--question is required"},
      {{"qa", "--model", "m", "--question", "q"}, "--context is required"},
      {{"qa", "--model", "m"}, "--question is required"},
      {{"qa", "--model", "m", "--input", "f", "--question", "q"}, "go without --input"},
      {{"qa", "--model", "m", "--input", "f", "--context", "c"}, "go without --input"},
      {{"qa", "--model", "m", "--question", "q", "--context", "c", "--top-k", "0"}, "invalid value '0' for --top-k"},
      {{"qa", "--model", "m", "--question", "q", "--context", "c", "--top-k", "65"}, "--top-k"},
      {{"qa", "--model", "m", "--question", "q", "--context", "c", "--max-answer-len", "0"}, "--max-answer-len"},
      {{"qa", "--model", "m", "--question", "q", "--context", "c", "--doc-stride", "-1"}, "--doc-stride"},
      {{"qa", "--model", "m", "--question", "q", "--context", "c", "--max-document-tokens", "0"},
       "--max-document-tokens"},
      {{"qa", "--model", "m", "--question", "q", "--context", "c", "--text", "t"}, "does not apply"},
      {{"qa", "--model", "m", "--question", "q", "--context", "c", "--pair", "t"}, "does not apply"},
      {{"qa", "--model", "m", "--question", "q", "--question", "r", "--context", "c"}, "more than once"},
      {{"classify", "--model", "m", "--text", "a", "--question", "q"}, "does not apply"},
      // rerank
      {{"rerank", "--model", "m", "--input", "p"}, "--query is required"},
      {{"rerank", "--model", "m", "--query", "q"}, "--input PASSAGES is required"},
      {{"rerank", "--model", "m", "--query", "q", "--input", "p", "--top-k", "0"}, "invalid value '0' for --top-k"},
      {{"rerank", "--model", "m", "--query", "q", "--input", "p", "--text", "t"}, "does not apply"},
      {{"rerank", "--model", "m", "--query", "q", "--input", "p", "--aggregation", "max"}, "does not apply"},
      {{"qa", "--model", "m", "--question", "q", "--context", "c", "--query", "q"}, "does not apply"},
  };
  for (const BadCase& c : cases) {
    Options o;
    std::string e;
    std::string joined;
    for (const char* a : c.args) joined += std::string(a) + " ";
    EXPECT_EQ(Parse(c.args, &o, &e), ParseResult::kError) << joined;
    EXPECT_NE(e.find(c.message_part), std::string::npos) << joined << "-> " << e;
  }
}

// --- JSON ------------------------------------------------------------------------

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Json("plain"), "\"plain\"");
  EXPECT_EQ(Json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Json("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(Json(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(Json(std::string("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(Json("/"), "\"/\"");
}

TEST(JsonString, PassesUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(Json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5\"");
  EXPECT_EQ(Json("\xff"), "\"\\ufffd\"");
  EXPECT_EQ(Json("a\xc3"), "\"a\\ufffd\"");                                 // truncated sequence
  EXPECT_EQ(Json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                        // overlong
  EXPECT_EQ(Json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // surrogate
  EXPECT_EQ(Json("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
  EXPECT_EQ(Json("\xe2\x82"), "\"\\ufffd\\ufffd\"");
}

TEST(JsonNumber, RoundTripsFloatsAndNullsNonFinite) {
  for (float f : {0.1f, 1.0f / 3.0f, -2.5e-8f, 3.4028235e38f, 1.17549435e-38f, 123456789.0f}) {
    std::string s;
    ASSERT_TRUE(AppendJsonNumber(&s, f));
    EXPECT_EQ(std::strtof(s.c_str(), nullptr), f) << s;
  }
  std::string s;
  EXPECT_FALSE(AppendJsonNumber(&s, std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(s, "null");
  s.clear();
  EXPECT_FALSE(AppendJsonNumber(&s, -std::numeric_limits<double>::infinity()));
  EXPECT_EQ(s, "null");
}

TEST(JsonWriter, CompactDocument) {
  JsonWriter w;
  const float values[] = {1.5f, std::numeric_limits<float>::quiet_NaN()};
  const int32_t ids[] = {101, -1};
  w.BeginObject();
  w.Key("a").Int(-3);
  w.Key("b").Uint(7);
  w.Key("c").BeginArray().EndArray();
  w.Key("d").FloatArray(values, 2);
  w.Key("e").IntArray(ids, 2);
  w.Key("f").BeginObject().Key("g").Bool(true).Key("h").Null().EndObject();
  w.Key("s").String("x\"y");
  w.EndObject();
  EXPECT_TRUE(w.complete());
  EXPECT_EQ(w.str(), R"({"a":-3,"b":7,"c":[],"d":[1.5,null],"e":[101,-1],"f":{"g":true,"h":null},"s":"x\"y"})");
  EXPECT_EQ(w.non_finite_count(), 1u);
}

TEST(JsonWriter, PrettyDocument) {
  JsonWriter w(true);
  w.BeginObject().Key("a").BeginArray().Int(1).Int(2).EndArray().Key("b").BeginObject().EndObject().EndObject();
  EXPECT_EQ(w.str(), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}");
}

// --- Input lines -------------------------------------------------------------------

TEST(SplitLine, StripsLineEndsAndSplitsPairs) {
  TextInput in = SplitLine("play jazz\r\n", 3);
  EXPECT_EQ(in.text, "play jazz");
  EXPECT_FALSE(in.has_pair);
  EXPECT_EQ(in.line, 3u);
  in = SplitLine("first\tsecond\tthird\n", 1);
  EXPECT_EQ(in.text, "first");
  EXPECT_TRUE(in.has_pair);
  EXPECT_EQ(in.pair, "second\tthird");
  in = SplitLine("\t\r\r\n", 1);
  EXPECT_EQ(in.text, "");
  EXPECT_TRUE(in.has_pair);
  EXPECT_EQ(in.pair, "");
  in = SplitLine("no newline", 1);
  EXPECT_EQ(in.text, "no newline");
  in = SplitLine("inner\rcr\n", 1);
  EXPECT_EQ(in.text, "inner\rcr");
  // ner and rerank: a line is one text, TABs included.
  in = SplitLine("Miles\tDavis\r\n", 2, /*split_pair=*/false);
  EXPECT_EQ(in.text, "Miles\tDavis");
  EXPECT_FALSE(in.has_pair);
  EXPECT_EQ(in.line, 2u);
}

TEST(Arena, RoundsUpToTheAlignment) {
  EXPECT_EQ(RoundUpToArenaAlignment(1), static_cast<size_t>(EMBERT_ARENA_ALIGNMENT));
  EXPECT_EQ(RoundUpToArenaAlignment(EMBERT_ARENA_ALIGNMENT), static_cast<size_t>(EMBERT_ARENA_ALIGNMENT));
  EXPECT_EQ(RoundUpToArenaAlignment(EMBERT_ARENA_ALIGNMENT + 1), static_cast<size_t>(2 * EMBERT_ARENA_ALIGNMENT));
  EXPECT_EQ(RoundUpToArenaAlignment(SIZE_MAX), 0u);
}

}  // namespace
}  // namespace embert_cli
