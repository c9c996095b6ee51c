#include "bert/hf_files.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "readers/convert_error.h"

namespace embert::convert {

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string ReadText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConvertError("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

json::Value ReadJson(const std::string& path) {
  try {
    return json::Parse(ReadText(path));
  } catch (const json::ParseError& e) {
    throw ConvertError(path + ": " + e.what());
  }
}

}  // namespace embert::convert
