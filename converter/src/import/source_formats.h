// The file formats bert-convert reads, as one table: each entry recognises
// its INPUT (sniff), opens the weights (open) and says where the
// configuration lies beside them and in which dialect it is written
// (layout). The order of the table is the order of recognition. Adding a
// format is one entry here plus its tensor-name layout in source_layouts.h
// when its names are new (CONTRIBUTING.md, "Adding a checkpoint format").
#ifndef EMBERT_CONVERTER_IMPORT_SOURCE_FORMATS_H_
#define EMBERT_CONVERTER_IMPORT_SOURCE_FORMATS_H_

#include <memory>
#include <string>
#include <vector>

#include "readers/checkpoint.h"

namespace embert::convert {

// What sniff looks at: the path, whether it is a directory or a file, and
// a file's first 8 bytes.
struct SniffInput {
  std::string path;
  bool directory = false;
  bool file = false;
  std::string head;
};

// A recognised input: the weights to open (a file, a TF bundle prefix, a
// Hugging Face directory) and the directory in which the configuration and
// vocabulary are looked for.
struct SourceFormat;
struct Source {
  const SourceFormat* format = nullptr;
  std::string weights;
  std::string dir;
};

// Where the configuration is found beside the weights, and how it reads.
struct FileLayout {
  // A Hugging Face directory: config.json in Hugging Face's dialect (else
  // the dialect follows the tensor names: MindSpore's YAML or Google's
  // bert_config.json), tokenizer_config.json decides the lower-casing.
  bool huggingface = false;
  std::vector<std::string> configs;  // names tried in `dir`, the first found is read
};

struct SourceFormat {
  const char* name;  // --format NAME
  // True (and *out filled) when `input` is in this format. With `forced`
  // (--format NAME) the evidence (names, magic bytes) is not required, only
  // what opening needs. ConvertError when the input is this format but
  // unusable (several candidate checkpoints, a missing TF index).
  bool (*sniff)(const SniffInput& input, bool forced, Source* out);
  std::unique_ptr<CheckpointReader> (*open)(const std::string& weights);
  FileLayout layout;
};

// huggingface, tf, safetensors, torch, mindspore: in this order.
const std::vector<SourceFormat>& SourceFormats();

// The first format whose sniff accepts `input` (only `forced` when not
// empty); ConvertError naming what was looked for when none does.
Source Resolve(const std::string& input, const std::string& forced);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_SOURCE_FORMATS_H_
