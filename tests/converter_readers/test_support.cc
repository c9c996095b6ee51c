#include "test_support.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace embert::test {

std::string DataPath(const std::string& relative) { return std::string(EMBERT_CHECKPOINT_DATA) + "/" + relative; }

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::vector<uint8_t> Bytes(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

namespace {
void AppendLe(std::vector<uint8_t>* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
std::string Le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>(static_cast<uint8_t>(v >> (8 * i)));
  return s;
}
}  // namespace

std::vector<uint8_t> MakeSafetensors(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out;
  AppendLe(&out, header.size(), 8);
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::vector<uint8_t> Float32Bytes(const std::vector<float>& values) {
  std::vector<uint8_t> out;
  for (float v : values) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    AppendLe(&out, bits, 4);
  }
  return out;
}

std::vector<uint8_t> MakeLegacyTorch(const std::string& object_pickle, const std::string& keys_pickle,
                                     const std::vector<uint8_t>& storages) {
  // LONG1 of 10 bytes: the magic number 0x1950a86a20f9469cfc6c.
  const std::string magic = std::string("\x80\x02\x8a\x0a", 4) + "\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19" + ".";
  const std::string protocol = std::string("\x80\x02M", 3) + Le(1001, 2) + ".";
  const std::string sys_info = std::string("\x80\x02}(", 4) + PickleStr("little_endian") + "\x88" + "u.";
  std::vector<uint8_t> out = Bytes(magic + protocol + sys_info + object_pickle + keys_pickle);
  out.insert(out.end(), storages.begin(), storages.end());
  return out;
}

std::string PickleStr(const std::string& s) { return "X" + Le(s.size(), 4) + s; }

std::string PickleInt(int64_t v) {
  if (v >= INT32_MIN && v <= INT32_MAX) return "J" + Le(static_cast<uint64_t>(v), 4);
  return std::string("\x8a\x08", 2) + Le(static_cast<uint64_t>(v), 8);
}

std::string PickleStorage(const std::string& type, const std::string& key, int64_t numel) {
  return "(" + PickleStr("storage") + "ctorch\n" + type + "\n" + PickleStr(key) + PickleStr("cpu") + PickleInt(numel) +
         "tQ";
}

std::string PickleTensor(const std::string& storage, int64_t offset, const std::vector<int64_t>& size,
                         const std::vector<int64_t>& stride) {
  std::string s = "ctorch._utils\n_rebuild_tensor_v2\n(" + storage + PickleInt(offset) + "(";
  for (int64_t v : size) s += PickleInt(v);
  s += "t(";
  for (int64_t v : stride) s += PickleInt(v);
  s += "t\x89"
       "ccollections\nOrderedDict\n)RtR";
  return s;
}

std::string PickleDictW(const std::string& value) { return "\x80\x02}" + PickleStr("w") + value + "s."; }

std::string PickleKeys0() { return "\x80\x02](" + PickleStr("0") + "e."; }

std::vector<uint8_t> LegacyStorageOfRange(int64_t count) {
  std::vector<uint8_t> out;
  AppendLe(&out, static_cast<uint64_t>(count), 8);
  std::vector<float> values;
  for (int64_t i = 0; i < count; ++i) values.push_back(static_cast<float>(i));
  const auto bytes = Float32Bytes(values);
  out.insert(out.end(), bytes.begin(), bytes.end());
  return out;
}

void ExpectConvertError(const std::function<void()>& open, const std::vector<std::string>& parts) {
  try {
    open();
    ADD_FAILURE() << "no ConvertError (expected one mentioning \"" << (parts.empty() ? "" : parts[0]) << "\")";
  } catch (const convert::ConvertError& e) {
    const std::string message = e.what();
    for (const auto& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "\"" << part << "\" not in: " << message;
    }
  }
}

bool OpenAndReadAll(const std::function<std::unique_ptr<convert::CheckpointReader>()>& open) {
  try {
    const auto reader = open();
    for (const auto& t : reader->tensors()) reader->ReadFloat32(t.name);
    return true;
  } catch (const convert::ConvertError&) {
    return false;
  }
}

}  // namespace embert::test
