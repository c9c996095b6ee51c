#include "json/yaml_subset.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace embert::json {
namespace {

struct Line {
  int number;
  size_t indent;
  std::string text;  // without indentation, comment and trailing spaces
};

[[noreturn]] void Fail(int line, const std::string& what) {
  throw ParseError("YAML line " + std::to_string(line) + ": " + what);
}

// Drops a comment: "#" at the start or after a space, outside quotes.
std::string StripComment(const std::string& s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (i == 0 || s[i - 1] == ' ')) {
      return s.substr(0, i);
    }
  }
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && s[b] == ' ') ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

Value Scalar(const std::string& s, int line) {
  if (s.size() >= 2 && (s[0] == '"' || s[0] == '\'')) {
    if (s.back() != s[0]) Fail(line, "unterminated quoted string");
    return Value(s.substr(1, s.size() - 2));
  }
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true" || lower == "yes" || lower == "on") return Value(true);
  if (lower == "false" || lower == "no" || lower == "off") return Value(false);
  if (lower.empty() || lower == "null" || lower == "~") return Value();
  // A number only when the whole scalar is one (mstype.float32 is a string).
  const char* begin = s.c_str();
  char* end = nullptr;
  if (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+' || s[0] == '.') {
    const double d = std::strtod(begin, &end);
    if (end == begin + s.size() && std::isfinite(d)) return Value(d);
  }
  return Value(s);
}

class Parser {
 public:
  explicit Parser(std::vector<Line> lines) : lines_(std::move(lines)) {}

  Value Document() {
    if (lines_.empty()) return Value(std::vector<Member>{});
    Value v = Block(lines_[0].indent, 0);
    if (pos_ < lines_.size()) Fail(lines_[pos_].number, "indentation does not match any enclosing block");
    return v;
  }

 private:
  // The block whose lines start at `indent`: a mapping or a sequence.
  Value Block(size_t indent, int depth) {
    if (depth > kMaxDepth) Fail(lines_[pos_].number, "nested too deeply");
    if (lines_[pos_].text.rfind("- ", 0) == 0 || lines_[pos_].text == "-") return Sequence(indent, depth);
    std::vector<Member> members;
    while (pos_ < lines_.size() && lines_[pos_].indent == indent) {
      const Line& l = lines_[pos_];
      const size_t colon = KeyColon(l);
      std::string key = Trim(l.text.substr(0, colon));
      if (key.size() >= 2 && (key[0] == '"' || key[0] == '\'') && key.back() == key[0]) {
        key = key.substr(1, key.size() - 2);
      }
      const std::string rest = Trim(l.text.substr(colon + 1));
      ++pos_;
      if (!rest.empty()) {
        members.emplace_back(key, Scalar(rest, l.number));
      } else if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
        members.emplace_back(key, Block(lines_[pos_].indent, depth + 1));
      } else if (pos_ < lines_.size() && lines_[pos_].indent == indent && lines_[pos_].text.rfind("- ", 0) == 0) {
        members.emplace_back(key, Sequence(indent, depth + 1));  // "key:\n- a" at the same indentation
      } else {
        members.emplace_back(key, Value());
      }
    }
    if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
      Fail(lines_[pos_].number, "unexpected indentation");
    }
    return Value(std::move(members));
  }

  Value Sequence(size_t indent, int depth) {
    if (depth > kMaxDepth) Fail(lines_[pos_].number, "nested too deeply");
    std::vector<Value> items;
    while (pos_ < lines_.size() && lines_[pos_].indent == indent &&
           (lines_[pos_].text.rfind("- ", 0) == 0 || lines_[pos_].text == "-")) {
      const Line& l = lines_[pos_++];
      items.push_back(Scalar(Trim(l.text.substr(1)), l.number));
    }
    return Value(std::move(items));
  }

  size_t KeyColon(const Line& l) {
    char quote = 0;
    for (size_t i = 0; i < l.text.size(); ++i) {
      const char c = l.text[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ':' && (i + 1 == l.text.size() || l.text[i + 1] == ' ')) {
        return i;
      }
    }
    Fail(l.number, "expected \"key: value\" or \"- item\"");
  }

  std::vector<Line> lines_;
  size_t pos_ = 0;
};

}  // namespace

Value ParseYamlSubset(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  size_t start = 0;
  bool in_document = false;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string raw(text.substr(start, end - start));
    start = end + 1;
    ++number;
    const std::string body = StripComment(raw);
    const std::string trimmed = Trim(body);
    if (trimmed == "---" || trimmed.rfind("--- ", 0) == 0) {
      if (in_document) break;  // the first document only
      in_document = true;
      continue;
    }
    if (trimmed == "...") break;
    if (trimmed.empty()) continue;
    in_document = true;
    size_t indent = 0;
    while (indent < body.size() && body[indent] == ' ') ++indent;
    if (body[indent] == '\t') Fail(number, "tab in indentation");
    lines.push_back({number, indent, trimmed});
    if (end == text.size()) break;
  }
  return Parser(std::move(lines)).Document();
}

}  // namespace embert::json
