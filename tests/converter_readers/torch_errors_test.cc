// Legacy torch.save files assembled here from hand-written pickle opcodes
// (after the pickle and torch.serialization formats, not by the reader):
// layouts torch writes are read, and every hostile construct - globals
// outside the whitelist, unknown opcodes, lying sizes, cycles, deep
// nesting, oversized stacks - is a ConvertError, never executed or crashed on.
#include <gtest/gtest.h>

#include "readers/checkpoint.h"
#include "test_support.h"

namespace embert::test {
namespace {

using convert::OpenTorchBytes;

const std::string kF32x6 = PickleStorage("FloatStorage", "0", 6);

std::unique_ptr<convert::CheckpointReader> Legacy(const std::string& object, int64_t storage_elems = 6) {
  return OpenTorchBytes(MakeLegacyTorch(object, PickleKeys0(), LegacyStorageOfRange(storage_elems)), "m.bin");
}

void ExpectLegacyError(const std::string& object, const std::vector<std::string>& parts) {
  std::vector<std::string> all = parts;
  all.push_back("m.bin");
  ExpectConvertError([&] { Legacy(object); }, all);
}

// For pickles that name no storage: an empty key list and no data.
void ExpectBareError(const std::string& object, const std::vector<std::string>& parts) {
  std::vector<std::string> all = parts;
  all.push_back("m.bin");
  ExpectConvertError([&] { OpenTorchBytes(MakeLegacyTorch(object, std::string("\x80\x02]."), {}), "m.bin"); }, all);
}

TEST(TorchLegacyHandMade, ContiguousStridedOffsetAndExpandedViews) {
  // Storage holds 0..5. Views: [2,3] contiguous; its transpose; a row at
  // offset 3; [3,2] expanded from 2 elements with stride 0 (repeats rows).
  const std::string object =
      "\x80\x02}(" + PickleStr("c") + PickleTensor(kF32x6, 0, {2, 3}, {3, 1}) + PickleStr("t") +
      PickleTensor(kF32x6, 0, {3, 2}, {1, 3}) + PickleStr("r") + PickleTensor(kF32x6, 3, {3}, {1}) + PickleStr("x") +
      PickleTensor(kF32x6, 4, {3, 2}, {0, 1}) + PickleStr("s") + PickleTensor(kF32x6, 5, {}, {}) + PickleStr("e") +
      PickleTensor(kF32x6, 0, {0, 3}, {3, 1}) + "u.";
  const auto r = Legacy(object);
  EXPECT_EQ(r->format(), "torch-legacy");
  ASSERT_EQ(r->tensors().size(), 6u);
  EXPECT_EQ(r->ReadFloat32("c"), (std::vector<float>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(r->ReadFloat32("t"), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(r->ReadFloat32("r"), (std::vector<float>{3, 4, 5}));
  EXPECT_EQ(r->ReadFloat32("x"), (std::vector<float>{4, 5, 4, 5, 4, 5}));
  EXPECT_EQ(r->ReadFloat32("s"), (std::vector<float>{5}));
  EXPECT_TRUE(r->ReadFloat32("e").empty());
  EXPECT_EQ(r->tensors()[4].shape, std::vector<int64_t>{});
}

TEST(TorchLegacyHandMade, MemoizedObjectsAndParameters) {
  // The storage is memoized (BINPUT 1) and fetched again (BINGET 1), as
  // torch does for shared storages; "p" is an nn.Parameter.
  const std::string storage = kF32x6 + "q\x01";
  const std::string object = "\x80\x02}(" + PickleStr("a") + PickleTensor(storage, 0, {2}, {1}) + PickleStr("p") +
                             "ctorch._utils\n_rebuild_parameter\n(" + PickleTensor("h\x01", 2, {2}, {1}) +
                             "\x88"
                             "ccollections\nOrderedDict\n)RtR" +
                             "u.";
  const auto r = Legacy(object);
  EXPECT_EQ(r->ReadFloat32("a"), (std::vector<float>{0, 1}));
  EXPECT_EQ(r->ReadFloat32("p"), (std::vector<float>{2, 3}));
}

TEST(TorchLegacyHandMade, GlobalsOutsideTheWhitelistAreRefused) {
  ExpectLegacyError("\x80\x02}" + PickleStr("w") + "cos\nsystem\n(" + PickleStr("touch /tmp/x") + "tRs.",
                    {"refusing pickle global os.system", "nothing is executed"});
  ExpectLegacyError("\x80\x02" + std::string("\x8c\x08") + "builtins" + "\x8c\x04" + "eval" + "\x93.",
                    {"refusing pickle global builtins.eval"});
  ExpectLegacyError(
      "\x80\x02"
      "cnumpy.core.multiarray\n_reconstruct\n.",
      {"refusing pickle global numpy.core.multiarray._reconstruct"});
  ExpectLegacyError(
      "\x80\x02"
      "c__builtin__\ngetattr\n.",
      {"__builtin__.getattr"});
  // Whitelisted names may still not be called for anything else.
  ExpectLegacyError("\x80\x02}" + PickleStr("w") + "ctorch\nFloatStorage\n)Rs.",
                    {"refusing to call torch.FloatStorage"});
}

TEST(TorchLegacyHandMade, UnknownOpcodesAreNamed) {
  ExpectLegacyError("\x80\x02(i__main__\nX\n.", {"unsupported pickle opcode 0x69 ('i')"});  // INST
  ExpectLegacyError("\x80\x02\x82\x01.", {"unsupported pickle opcode 0x82"});               // EXT1
  ExpectLegacyError("\x80\x02P0\n.", {"unsupported pickle opcode 0x50 ('P')"});             // PERSID
  ExpectLegacyError("\x80\x02\x8b\xff\xff\xff\x7f.", {"unsupported pickle opcode 0x8b"});   // LONG4
  ExpectLegacyError("\x80\x07}.", {"unsupported pickle protocol 7"});
}

TEST(TorchLegacyHandMade, LyingLayoutsAreRefused) {
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, 0, {7}, {1})),
                    {"tensor w", "past the end of its storage (6 elements"});
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, 6, {1}, {1})), {"tensor w", "past the end"});
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, -1, {1}, {1})), {"tensor w", "negative storage offset"});
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, 0, {2}, {-1})), {"tensor w", "negative size or stride"});
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, 0, {-2}, {1})), {"tensor w", "negative size or stride"});
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, 0, {1LL << 62, 1LL << 62}, {0, 0})), {"tensor w", "overflows"});
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, 0, {2, 3}, {1LL << 62, 1LL << 62})), {"tensor w", "past the end"});
  // 2^40 elements all aliasing element 0 (stride 0): inside the storage, but a 4 TB allocation.
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, 0, {1 << 20, 1 << 20}, {0, 0})),
                    {"tensor w", "declares 1099511627776 elements"});
  ExpectLegacyError(PickleDictW(PickleTensor(kF32x6, 0, {2}, {1, 1})), {"size and stride differ in rank"});
}

TEST(TorchLegacyHandMade, StorageBookkeepingErrors) {
  const std::string w = PickleDictW(PickleTensor(kF32x6, 0, {6}, {1}));
  // The key list names a storage the pickle never used.
  ExpectConvertError(
      [&] {
        OpenTorchBytes(MakeLegacyTorch(w, "\x80\x02](" + PickleStr("9") + "e.", LegacyStorageOfRange(6)), "m.bin");
      },
      {"m.bin", "storage 9 is not used by the pickle"});
  // The tensor's storage has no data in the file.
  ExpectConvertError([&] { OpenTorchBytes(MakeLegacyTorch(w, "\x80\x02].", {}), "m.bin"); },
                     {"m.bin", "tensor w", "storage 0 is missing"});
  // A declared element count of 2^61 with 24 bytes behind it.
  std::vector<uint8_t> huge = LegacyStorageOfRange(6);
  huge[7] = 0x20;
  ExpectConvertError([&] { OpenTorchBytes(MakeLegacyTorch(w, PickleKeys0(), huge), "m.bin"); },
                     {"m.bin", "storage 0", "runs past the end of the file"});
  // One key used with two dtypes.
  ExpectLegacyError("\x80\x02}(" + PickleStr("a") + PickleTensor(kF32x6, 0, {1}, {1}) + PickleStr("b") +
                        PickleTensor(PickleStorage("HalfStorage", "0", 6), 0, {1}, {1}) + "u.",
                    {"storage 0 is used as both F32 and F16"});
  ExpectLegacyError("\x80\x02}" + PickleStr("w") + "(" + PickleStr("module") + PickleStr("x") + "tQs.",
                    {"unsupported persistent id"});
}

TEST(TorchLegacyHandMade, NotAStateDict) {
  ExpectBareError("\x80\x02](K\x01K\x02e.", {"no dict of tensors"});
  ExpectLegacyError("\x80\x02}(" + PickleStr("w") + PickleTensor(kF32x6, 0, {1}, {1}) + PickleStr("w") +
                        PickleTensor(kF32x6, 1, {1}, {1}) + "u.",
                    {"tensor w", "occurs twice"});
  ExpectConvertError([] { OpenTorchBytes(Bytes("not a checkpoint"), "m.bin"); }, {"m.bin", "not a torch.save file"});
  ExpectConvertError([] { OpenTorchBytes({}, "m.bin"); }, {"m.bin", "not a torch.save file"});
  ExpectConvertError([] { convert::OpenTorch("/nonexistent/pytorch_model.bin"); }, {"/nonexistent/pytorch_model.bin"});
}

TEST(TorchLegacyHandMade, HostileStructuresAreBounded) {
  // A dict that contains itself: the walk stops at its depth limit.
  ExpectBareError(std::string("\x80\x02}q\x00", 5) + PickleStr("a") + std::string("h\x00s.", 4),
                  {"nested deeper than 32"});
  // 4 million MARKs: the stack limit, not memory exhaustion.
  ExpectLegacyError("\x80\x02" + std::string(4 << 20, '('), {"pickle stack deeper than"});
  // 1.5 million lists: the object limit.
  std::string lists = "\x80\x02]";
  for (int i = 0; i < 1500000; ++i) lists += "]a";
  ExpectLegacyError(lists, {"objects"});
  // A 500k-deep chain of lists inside lists is freed without recursion.
  std::string chain = "\x80\x02}" + PickleStr("w");
  chain += std::string(500000, ']');
  chain += std::string(499999, 'a');
  const auto r = OpenTorchBytes(MakeLegacyTorch(chain + "s.", std::string("\x80\x02]."), {}), "m.bin");
  EXPECT_TRUE(r->tensors().empty());
  ExpectLegacyError("\x80\x02h\x05.", {"memo entry 5 is not set"});
  ExpectLegacyError("\x80\x02s.", {"stack underflow"});
  ExpectLegacyError("\x80\x02(K\x01s.", {"stack underflow"});
  ExpectLegacyError("\x80\x02K\x01K\x02s.", {"SETITEM on an object of the wrong type"});
  ExpectLegacyError("\x80\x02}(K\x01u.", {"odd number"});
  ExpectLegacyError(
      "\x80\x02"
      "c" +
          std::string(300, 'a') + "\n",
      {"GLOBAL name too long"});
  ExpectLegacyError("\x80\x02X\xff\xff\xff\x7f", {"truncated pickle"});
  ExpectLegacyError("\x80\x02\x8d\xff\xff\xff\xff\xff\xff\xff\xff", {"truncated pickle"});
}

}  // namespace
}  // namespace embert::test
