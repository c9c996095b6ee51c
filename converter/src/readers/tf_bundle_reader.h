// Internal to the readers and their fuzzer: a TF bundle opened without
// checking block and tensor crc32c, so that mutated bytes reach the block,
// protobuf and entry parsers behind the checksums. Never used by bert-convert.
#ifndef EMBERT_CONVERTER_READERS_TF_BUNDLE_READER_H_
#define EMBERT_CONVERTER_READERS_TF_BUNDLE_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "readers/checkpoint.h"

namespace embert::convert {

std::unique_ptr<CheckpointReader> OpenTfBundleBytesUncheckedForFuzzing(std::vector<uint8_t> index,
                                                                       std::vector<std::vector<uint8_t>> shards,
                                                                       const std::string& name);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_TF_BUNDLE_READER_H_
