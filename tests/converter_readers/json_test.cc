// embert::json on RFC 8259 documents, the accessors the converter uses, and
// input meant to break it (deep nesting, bad escapes, huge numbers).
#include <gtest/gtest.h>

#include <string>

#include "json/json.h"

namespace embert::json {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    Parse(text);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(parsed)";
}

TEST(Json, ParsesEveryKindAndKeepsKeyOrder) {
  const Value v =
      Parse(R"( {"z": null, "b": true, "f": false, "n": -12.5e1, "s": "x", "a": [1, [2], {}], "o": {"k": "v"}} )");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.size(), 7u);
  const char* order[] = {"z", "b", "f", "n", "s", "a", "o"};
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(v.items()[i].first, order[i]);
  EXPECT_TRUE(v.find("z")->is_null());
  EXPECT_TRUE(v.find("b")->as_bool());
  EXPECT_FALSE(v.find("f")->as_bool());
  EXPECT_EQ(v.find("n")->as_number(), -125.0);
  EXPECT_EQ(v.find("s")->as_string(), "x");
  ASSERT_EQ(v.find("a")->size(), 3u);
  EXPECT_EQ(v.find("a")->as_array()[1].as_array()[0].as_int(), 2);
  EXPECT_TRUE(v.find("a")->as_array()[2].is_object());
  EXPECT_EQ((*v["o"])["k"]->as_string(), "v");
}

TEST(Json, FindReturnsNullWhenMissingOrNotAnObject) {
  const Value v = Parse(R"({"a": [1]})");
  EXPECT_EQ(v.find("b"), nullptr);
  EXPECT_EQ(v["b"], nullptr);
  EXPECT_EQ(v.find("a")->find("x"), nullptr);
  EXPECT_EQ(Parse("3").find("a"), nullptr);
}

TEST(Json, DuplicateKeysLastWinsLikePython) {
  const Value v = Parse(R"({"a": 1, "a": 2})");
  EXPECT_EQ(v.size(), 2u);
  EXPECT_EQ(v.find("a")->as_int(), 2);
}

TEST(Json, IntegersAreExactInt64) {
  EXPECT_EQ(Parse("9007199254740993").as_int(), 9007199254740993LL);  // 2^53 + 1: not a double
  EXPECT_EQ(Parse("-9223372036854775808").as_int(), INT64_MIN);
  EXPECT_EQ(Parse("9223372036854775807").as_int(), INT64_MAX);
  EXPECT_EQ(Parse("1e3").as_int(), 1000);  // integral value, exponent syntax
  EXPECT_EQ(Parse("2.0").as_int(), 2);
  EXPECT_FALSE(Parse("1.5").is_int());
  EXPECT_THROW(Parse("1.5").as_int(), ParseError);
  const Value big = Parse("9223372036854775808");  // 2^63: beyond int64, still a number
  EXPECT_FALSE(big.is_int());
  EXPECT_EQ(big.as_number(), 9223372036854775808.0);
  EXPECT_EQ(Parse("0.1").as_number(), 0.1);
  EXPECT_EQ(Parse("-0").as_int(), 0);
  EXPECT_EQ(Parse("1E-2").as_number(), 0.01);
}

TEST(Json, StringEscapesAndSurrogatePairsBecomeUtf8) {
  EXPECT_EQ(Parse(R"("a\"b\\c\/d\b\f\n\r\t")").as_string(), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(Parse(R"("\u00e9\u4e2d")").as_string(), "\xc3\xa9\xe4\xb8\xad");
  EXPECT_EQ(Parse(R"("\ud83d\ude00")").as_string(), "\xf0\x9f\x98\x80");  // U+1F600
  EXPECT_EQ(Parse(R"("\u0000")").as_string(), std::string(1, '\0'));
  EXPECT_EQ(Parse("\"\xc3\xa9\"").as_string(), "\xc3\xa9");  // raw UTF-8 passes through
}

TEST(Json, ErrorsGiveLineAndColumn) {
  EXPECT_NE(ErrorOf("{\n  \"a\": tru\n}").find("JSON 2:8"), std::string::npos) << ErrorOf("{\n  \"a\": tru\n}");
  EXPECT_NE(ErrorOf("[1,\n2,\n]").find("JSON 3:1"), std::string::npos) << ErrorOf("[1,\n2,\n]");
}

TEST(Json, RejectsWhatIsNotJson) {
  for (const char* bad : {"",
                          " ",
                          "[1,]",
                          "{\"a\":1,}",
                          "{'a':1}",
                          "// c\n1",
                          "NaN",
                          "Infinity",
                          "-Infinity",
                          "01",
                          "1.",
                          ".5",
                          "1e",
                          "+1",
                          "[1 2]",
                          "{\"a\" 1}",
                          "{1:2}",
                          "\"abc",
                          "\"a\nb\"",
                          "\"\\x\"",
                          "\"\\u12\"",
                          "\"\\u12g4\"",
                          "\"\\ud83d\"",
                          "\"\\ud83d\\u0041\"",
                          "\"\\ude00\"",
                          "tru",
                          "nul",
                          "[",
                          "{",
                          "1 2",
                          "[1]]",
                          "1e999",
                          "\"\\"}) {
    EXPECT_THROW(Parse(bad), ParseError) << bad;
  }
}

TEST(Json, NestingIsLimitedWithoutStackOverflow) {
  const std::string ok = std::string(200, '[') + std::string(200, ']');
  EXPECT_NO_THROW(Parse(ok));
  EXPECT_THROW(Parse(std::string(1000000, '[')), ParseError);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_NE(ErrorOf(objects).find("nesting deeper than 256"), std::string::npos);
}

TEST(Json, TypeMismatchIsAParseError) {
  const Value v = Parse(R"({"a": "s"})");
  EXPECT_THROW(v.find("a")->as_int(), ParseError);
  EXPECT_THROW(v.find("a")->as_array(), ParseError);
  EXPECT_THROW(v.as_string(), ParseError);
  EXPECT_THROW(v.find("a")->items(), ParseError);
}

TEST(Json, ValuesCopyAndMoveDeeply) {
  Value copy;
  {
    const Value v = Parse(R"({"a": [1, {"b": "c"}]})");
    copy = v;
    Value moved(std::move(copy));
    copy = moved;
  }
  EXPECT_EQ(copy.find("a")->as_array()[1].find("b")->as_string(), "c");
}

TEST(Json, LargeFlatDocuments) {
  std::string text = "[";
  for (int i = 0; i < 200000; ++i) text += std::to_string(i) + ",";
  text += "0]";
  const Value v = Parse(text);
  ASSERT_EQ(v.size(), 200001u);
  EXPECT_EQ(v.as_array()[123456].as_int(), 123456);
}

}  // namespace
}  // namespace embert::json
