#include "bert/hf_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>

#include <fstream>
#include <sstream>

#include "readers/convert_error.h"

namespace embert::convert {

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> names;
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) throw ConvertError("cannot list " + dir);
  while (const dirent* e = readdir(d.get())) {
    const std::string name = e->d_name;
    if (name != "." && name != ".." && IsFile(dir + "/" + name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
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
