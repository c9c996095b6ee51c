// Checkpoint readers: named tensors out of the files people have
// (safetensors, sharded safetensors, torch.save zip and legacy pickle,
// TensorFlow tensor bundles, MindSpore .ckpt),
// read natively without Python. Every reader validates all offsets and sizes
// against the file when it opens it; ReadFloat32 then cannot fail on bounds.
#ifndef EMBERT_CONVERTER_READERS_CHECKPOINT_H_
#define EMBERT_CONVERTER_READERS_CHECKPOINT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "readers/convert_error.h"

namespace embert::convert {

// The safetensors dtypes BERT checkpoints use, plus the unsigned ones the
// spec also has (U16/U32/U64 appear in real files).
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, U16, U32, U64 };
const char* DTypeName(DType dtype);  // safetensors spelling: "F32", "BF16", "BOOL", ...
size_t DTypeSize(DType dtype);       // bytes per element

struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;  // [] for a scalar; may contain 0 (empty tensor)
};

class CheckpointReader {
 public:
  virtual ~CheckpointReader() = default;
  // In file order: safetensors header order; torch dict insertion order.
  virtual const std::vector<TensorInfo>& tensors() const = 0;
  // Row-major contiguous data converted to float32 (views are materialized).
  // Throws ConvertError for an unknown name.
  virtual std::vector<float> ReadFloat32(const std::string& name) const = 0;
  // "safetensors", "safetensors-sharded", "torch-zip", "torch-legacy",
  // "tf-bundle" or "mindspore".
  virtual std::string format() const = 0;
  // Files read (for provenance): the path opened, then any shards.
  virtual std::vector<std::string> files() const = 0;
  // Names of entries deliberately not exposed by tensors() (string tensors,
  // the TF object graph, MindSpore map tensors), in file order.
  virtual std::vector<std::string> skipped() const { return {}; }
  // The name a tensor has in the file, for messages: differs from `name`
  // when a layout adapter (import/source_layouts.h) renamed it.
  virtual std::string source_name(const std::string& name) const { return name; }
};

std::unique_ptr<CheckpointReader> OpenSafetensors(const std::string& path);
// model.safetensors.index.json {"weight_map": {tensor: shard file}}; shards
// are looked up next to the index and must be plain file names.
std::unique_ptr<CheckpointReader> OpenShardedSafetensors(const std::string& index_json_path);
// pytorch_model.bin: the zip format (torch >= 1.6) or the legacy pickle
// format, told apart by content. A pickle is never executed: only the
// objects torch writes for state dicts are understood, anything else is a
// ConvertError naming it. Tensors of nested dicts are named by their dotted
// path ({"state_dict": {"w": t}} gives "state_dict.w").
std::unique_ptr<CheckpointReader> OpenTorch(const std::string& path);

// TensorFlow tensor bundle: `prefix` is e.g. "dir/bert_model.ckpt" or
// "savedmodel/variables/variables" (a trailing ".index" is also accepted);
// reads prefix.index (an SSTable of BundleEntryProto) and every
// prefix.data-NNNNN-of-NNNNN the header counts. format() = "tf-bundle".
// Numeric entries (float32/float16/bfloat16/float64/int8..int64/uint8..uint64/
// bool) are listed in tensors(), in index (key) order; string, complex,
// quantized, resource and variant entries are not (skipped()), nor is the
// bundle header. The index (block crc32c, handles, key order), every entry's
// shard, offset and size against its shard are checked at open; a tensor's
// masked crc32c is verified when it is read (ReadFloat32), so a corrupt
// tensor is a ConvertError naming it. Sliced (partitioned) entries are refused.
std::unique_ptr<CheckpointReader> OpenTfBundle(const std::string& prefix);
// MindSpore .ckpt (protobuf Checkpoint{repeated Value{tag, TensorProto{dims,
// tensor_type, tensor_content}}}); records with the same tag are concatenated
// in file order (they must agree on dims and type, and the total must fill
// the dims); dims [0] with one element = scalar (shape []); dims packed or
// not. format() = "mindspore". "str" tensors and map tensors are skipped().
std::unique_ptr<CheckpointReader> OpenMindSpore(const std::string& path);

// The same readers over bytes already in memory (fuzzers, tests); `name`
// stands for the path in error messages.
std::unique_ptr<CheckpointReader> OpenSafetensorsBytes(std::vector<uint8_t> bytes, const std::string& name);
std::unique_ptr<CheckpointReader> OpenTorchBytes(std::vector<uint8_t> bytes, const std::string& name);
// `name` stands for the prefix: the index is "<name>.index", shard i of n
// "<name>.data-0000i-of-0000n"; shards.size() must equal the header's count.
std::unique_ptr<CheckpointReader> OpenTfBundleBytes(std::vector<uint8_t> index,
                                                    std::vector<std::vector<uint8_t>> shards, const std::string& name);
std::unique_ptr<CheckpointReader> OpenMindSporeBytes(std::vector<uint8_t> bytes, const std::string& name);

// Converts `count` little-endian elements of `dtype` at `data` (any
// alignment) to float32. 64-bit integers beyond 2^24 round to nearest.
void ToFloat32(DType dtype, const uint8_t* data, size_t count, float* out);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_CHECKPOINT_H_
