#include "import/source_formats.h"

#include <fstream>

#include "import/hf_files.h"
#include "import/hf_loader.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

// "x.data-00000-of-00002" or "x.index" -> "x"; otherwise unchanged.
std::string BundlePrefix(const std::string& path) {
  if (EndsWith(path, ".index")) return path.substr(0, path.size() - 6);
  const size_t data = path.rfind(".data-");
  if (data != std::string::npos && path.find("-of-", data) != std::string::npos) return path.substr(0, data);
  return path;
}

std::string FirstBytes(const std::string& path, size_t n) {
  std::ifstream f(path, std::ios::binary);
  std::string s(n, '\0');
  f.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<size_t>(f.gcount()));
  return s;
}

// A TF bundle in `dir`: the SavedModel's variables, the prefix the
// "checkpoint" file names, or the only *.index there.
bool FindBundleInDirectory(const std::string& dir, Source* s) {
  if (IsFile(dir + "/variables/variables.index")) {
    s->weights = dir + "/variables/variables";
    s->dir = dir;
    return true;
  }
  std::vector<std::string> indexes;
  for (const auto& f : ListFiles(dir)) {
    if (EndsWith(f, ".index")) indexes.push_back(f);
  }
  if (indexes.empty()) return false;
  std::string chosen;
  if (indexes.size() == 1) {
    chosen = indexes[0];
  } else if (IsFile(dir + "/checkpoint")) {
    // TensorFlow's CheckpointState in text form: model_checkpoint_path: "ckpt-3"
    const std::string text = ReadText(dir + "/checkpoint");
    const size_t key = text.find("model_checkpoint_path:");
    const size_t open = key == std::string::npos ? key : text.find('"', key);
    const size_t close = open == std::string::npos ? open : text.find('"', open + 1);
    if (close != std::string::npos) {
      std::string name = text.substr(open + 1, close - open - 1);
      if (name.rfind('/') != std::string::npos) name = name.substr(name.rfind('/') + 1);
      for (const auto& f : indexes) {
        if (f == name + ".index") chosen = f;
      }
    }
  }
  if (chosen.empty()) {
    std::string list;
    for (const auto& f : indexes) list += (list.empty() ? "" : ", ") + f;
    throw ConvertError(dir + ": several TensorFlow checkpoints (" + list + "); name one, e.g. " + dir + "/" +
                       BundlePrefix(indexes.back()));
  }
  s->weights = dir + "/" + BundlePrefix(chosen);
  s->dir = dir;
  return true;
}

// A lone weights file: the configuration is looked for beside it.
bool Accept(const SniffInput& in, Source* s) {
  s->weights = in.path;
  s->dir = Parent(in.path);
  return true;
}

bool SniffHuggingFace(const SniffInput& in, bool forced, Source* s) {
  const std::string& d = in.path;
  if (!in.directory) {
    if (forced) throw ConvertError(d + ": --format huggingface needs a directory");
    return false;
  }
  const bool hf =
      IsFile(d + "/config.json") && (IsFile(d + "/model.safetensors") || IsFile(d + "/model.safetensors.index.json") ||
                                     IsFile(d + "/pytorch_model.bin"));
  if (!forced && !hf) return false;
  s->weights = s->dir = d;
  return true;
}

bool SniffTf(const SniffInput& in, bool forced, Source* s) {
  if (in.directory) return FindBundleInDirectory(in.path, s);
  const std::string prefix = BundlePrefix(in.path);
  if (!forced && !(IsFile(prefix + ".index") && (prefix != in.path || !in.file))) return false;
  if (!IsFile(prefix + ".index")) throw ConvertError(in.path + ": no TensorFlow index " + prefix + ".index");
  s->weights = prefix;
  s->dir = Parent(in.path);
  return true;
}

bool SniffSafetensors(const SniffInput& in, bool forced, Source* s) {
  return in.file && (forced || EndsWith(in.path, ".safetensors")) && Accept(in, s);
}

bool SniffTorch(const SniffInput& in, bool forced, Source* s) {
  // A zip (torch >= 1.6) or a pickle stream (protocol 2+).
  const bool magic =
      in.head.rfind("PK\x03\x04", 0) == 0 || (!in.head.empty() && static_cast<uint8_t>(in.head[0]) == 0x80);
  return in.file && (forced || magic) && Accept(in, s);
}

bool SniffMindSpore(const SniffInput& in, bool forced, Source* s) {
  if (in.directory) {
    std::vector<std::string> ckpts;
    for (const auto& f : ListFiles(in.path)) {
      if (EndsWith(f, ".ckpt")) ckpts.push_back(f);
    }
    if (ckpts.size() > 1) throw ConvertError(in.path + ": several .ckpt files; name one");
    if (ckpts.empty()) return false;
    s->weights = in.path + "/" + ckpts[0];
    s->dir = in.path;
    return true;
  }
  // protobuf: field 1 (Checkpoint.value), length-delimited
  return in.file && (forced || (!in.head.empty() && in.head[0] == 0x0a)) && Accept(in, s);
}

const std::vector<std::string> kBesideWeights = {"bert_config.json", "config.json", "assets/bert_config.json",
                                                 "config.yaml", "config.yml"};

}  // namespace

const std::vector<SourceFormat>& SourceFormats() {
  static const std::vector<SourceFormat> formats = {
      {"huggingface", SniffHuggingFace, OpenHuggingFaceWeights, {true, {"config.json"}}},
      {"tf", SniffTf, OpenTfBundle, {false, kBesideWeights}},
      // Before torch and mindspore: a safetensors file is known by its name
      // (its first byte is its header's length, which may look like theirs).
      {"safetensors", SniffSafetensors, OpenSafetensors, {false, kBesideWeights}},
      {"torch", SniffTorch, OpenTorch, {false, kBesideWeights}},
      {"mindspore", SniffMindSpore, OpenMindSpore, {false, kBesideWeights}},
  };
  return formats;
}

Source Resolve(const std::string& input, const std::string& forced) {
  bool known = forced.empty();
  for (const SourceFormat& f : SourceFormats()) known = known || forced == f.name;
  if (!known) {
    throw ConvertError("unknown --format " + forced + " (huggingface, tf, mindspore, safetensors or torch)");
  }
  SniffInput in;
  in.path = input;
  in.directory = IsDirectory(input);
  in.file = !in.directory && IsFile(input);
  if (in.file) in.head = FirstBytes(input, 8);
  for (const SourceFormat& f : SourceFormats()) {
    if (!forced.empty() && forced != f.name) continue;
    Source s;
    if (f.sniff(in, !forced.empty(), &s)) {
      s.format = &f;
      return s;
    }
  }
  if (in.directory) {
    if (IsFile(input + "/config.json")) {
      throw ConvertError(input +
                         ": no weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin "
                         "beside config.json; nor a TensorFlow or MindSpore checkpoint)");
    }
    throw ConvertError(input +
                       ": not a checkpoint directory: expected a Hugging Face directory (config.json with "
                       "model.safetensors, model.safetensors.index.json or pytorch_model.bin), a TensorFlow "
                       "checkpoint (*.index + *.data-*, or a SavedModel's variables/), or a MindSpore .ckpt");
  }
  if (!in.file) throw ConvertError(input + ": no such file or directory");
  throw ConvertError(input +
                     ": unrecognised checkpoint file (not safetensors, torch.save, a TensorFlow "
                     "index or a MindSpore .ckpt); --format names the format");
}

}  // namespace embert::convert
