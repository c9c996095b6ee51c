#include "import/hf_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
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
  while (true) {
    errno = 0;
    const dirent* e = readdir(d.get());
    if (e == nullptr) {
      // NULL is both the end and an error: an unreadable directory must not
      // look like an empty one.
      if (errno != 0) throw ConvertError("cannot list " + dir + ": " + std::strerror(errno));
      break;
    }
    const std::string name = e->d_name;
    if (name != "." && name != ".." && IsFile(dir + "/" + name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
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
