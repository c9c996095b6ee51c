// Small file, path and name helpers shared by the checkpoint loaders.
#ifndef EMBERT_CONVERTER_IMPORT_HF_FILES_H_
#define EMBERT_CONVERTER_IMPORT_HF_FILES_H_

#include <string>
#include <vector>

#include "json/json.h"

namespace embert::convert {

// A regular file (not a directory) exists at `path`.
bool IsFile(const std::string& path);
// A directory exists at `path`.
bool IsDirectory(const std::string& path);
// Names (not paths) of the regular files in `dir`, sorted.
std::vector<std::string> ListFiles(const std::string& dir);
// The directory part of `path` ("." for a bare name).
std::string Parent(const std::string& path);
bool StartsWith(const std::string& s, const std::string& prefix);
bool EndsWith(const std::string& s, const std::string& suffix);
// The whole file; ConvertError naming it if it cannot be read.
std::string ReadText(const std::string& path);
// The file parsed as JSON; parse errors become ConvertError naming the file.
json::Value ReadJson(const std::string& path);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_HF_FILES_H_
