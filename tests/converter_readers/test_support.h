// Shared helpers of the reader tests: fixture paths, file bytes, builders of
// small safetensors and legacy torch.save files, and error expectations.
#ifndef EMBERT_TESTS_CONVERTER_READERS_TEST_SUPPORT_H_
#define EMBERT_TESTS_CONVERTER_READERS_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "readers/checkpoint.h"

namespace embert::test {

// tests/data/checkpoint-formats/<relative>
std::string DataPath(const std::string& relative);
std::vector<uint8_t> ReadBytes(const std::string& path);
void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> Bytes(const std::string& s);

// u64 header length + header + data.
std::vector<uint8_t> MakeSafetensors(const std::string& header, const std::vector<uint8_t>& data);
std::vector<uint8_t> Float32Bytes(const std::vector<float>& values);

// A legacy torch.save file (pickle protocol 2): magic, protocol version and
// sys_info pickles, then `object_pickle` and `keys_pickle` as given, then
// `storages` (each: u64 element count + bytes) verbatim.
std::vector<uint8_t> MakeLegacyTorch(const std::string& object_pickle, const std::string& keys_pickle,
                                     const std::vector<uint8_t>& storages);
// Pickle fragments, written out by hand after the pickle spec (not by the reader).
std::string PickleStr(const std::string& s);  // BINUNICODE
std::string PickleInt(int64_t v);             // BININT or LONG1
// ('storage', torch.<type>, key, 'cpu', numel) BINPERSID
std::string PickleStorage(const std::string& type, const std::string& key, int64_t numel);
// torch._utils._rebuild_tensor_v2(<storage>, offset, size, stride, False, OrderedDict())
std::string PickleTensor(const std::string& storage, int64_t offset, const std::vector<int64_t>& size,
                         const std::vector<int64_t>& stride);
// {"w": <value>} STOP
std::string PickleDictW(const std::string& value);
// ["0"] STOP
std::string PickleKeys0();
// u64 count + float32 values 0, 1, ..., count-1
std::vector<uint8_t> LegacyStorageOfRange(int64_t count);

// Runs `open`, which must throw a ConvertError whose message contains every
// one of `parts`.
void ExpectConvertError(const std::function<void()>& open, const std::vector<std::string>& parts);

// Opens and reads every tensor; true on success, false on a ConvertError.
// Any other exception fails the test (readers throw nothing else).
bool OpenAndReadAll(const std::function<std::unique_ptr<convert::CheckpointReader>()>& open);

}  // namespace embert::test

#endif  // EMBERT_TESTS_CONVERTER_READERS_TEST_SUPPORT_H_
