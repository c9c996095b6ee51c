// Writers of small TensorFlow bundles and MindSpore checkpoints for the
// error tests, written from the format descriptions (LevelDB
// table_format.md, tensor_bundle.proto, MindSpore checkpoint.proto), not
// from the readers under test.
#ifndef EMBERT_TESTS_CONVERTER_TF_READERS_BUNDLE_BUILDER_H_
#define EMBERT_TESTS_CONVERTER_TF_READERS_BUNDLE_BUILDER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace embert::test {

// Protobuf wire-format pieces.
std::string Varint(uint64_t v);
std::string VarintField(uint32_t number, uint64_t v);
std::string LenField(uint32_t number, const std::string& payload);
std::string Fixed32Field(uint32_t number, uint32_t v);

// BundleHeaderProto{num_shards, endianness, version{producer 1}}.
std::string BundleHeader(uint64_t num_shards, uint64_t endianness = 0);
// BundleEntryProto; `extra` is appended verbatim (e.g. a slices field).
std::string BundleEntry(uint64_t dtype, const std::vector<int64_t>& shape, uint64_t shard, uint64_t offset,
                        uint64_t size, uint32_t masked_crc, const std::string& extra = "");

// A LevelDB table of the given entries, in the order given (sorted or not):
// one data block (restart interval `restart_interval`), an index block with
// one handle, an empty metaindex block, the footer. `snappy` compresses the
// data block.
std::vector<uint8_t> SsTable(const std::vector<std::pair<std::string, std::string>>& entries, bool snappy = false,
                             int restart_interval = 16);
// A table whose one data block is `data` verbatim, of compression `type`.
std::vector<uint8_t> SsTableFromBlock(const std::string& data, uint8_t type, const std::string& separator);
// The block trailer for `contents` of compression `type`: type byte and
// masked crc32c (independent crc computed bit by bit).
std::string BlockTrailer(const std::string& contents, uint8_t type);
uint32_t BitwiseMaskedCrc32c(const std::string& bytes);

// A one-shard bundle of float32 tensors {name: values} with correct crcs.
struct FloatTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};
void FloatBundle(const std::vector<FloatTensor>& tensors, std::vector<uint8_t>* index, std::vector<uint8_t>* shard,
                 bool snappy = false);

// MindSpore: one Checkpoint.Value record.
std::string MsRecord(const std::string& tag, const std::vector<int64_t>& dims, const std::string& type,
                     const std::string& content, bool packed_dims = false);
std::string FloatContent(const std::vector<float>& values);

}  // namespace embert::test

#endif  // EMBERT_TESTS_CONVERTER_TF_READERS_BUNDLE_BUILDER_H_
