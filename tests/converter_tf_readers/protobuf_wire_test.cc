// The protobuf wire reader: varint limits, every wire type skipped or
// refused, lengths past the end, nesting bound.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bundle_builder.h"
#include "readers/convert_error.h"
#include "readers/protobuf_wire.h"
#include "test_support.h"

namespace embert::test {
namespace {

namespace pb = convert::pb;

std::vector<pb::Field> Fields(const std::string& bytes) {
  pb::Message m(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "msg");
  std::vector<pb::Field> out;
  pb::Field f;
  while (m.Next(&f)) out.push_back(f);
  return out;
}

TEST(ProtobufWire, Varints) {
  const std::string max = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";  // 2^64 - 1 in ten bytes
  const auto* p = reinterpret_cast<const uint8_t*>(max.data());
  uint64_t v = 0;
  ASSERT_TRUE(pb::ReadVarint(&p, p + max.size(), &v));
  EXPECT_EQ(v, ~uint64_t{0});
  const std::string over = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02";  // bit 64
  p = reinterpret_cast<const uint8_t*>(over.data());
  EXPECT_FALSE(pb::ReadVarint(&p, p + over.size(), &v));
  const std::string eleven = "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00";
  p = reinterpret_cast<const uint8_t*>(eleven.data());
  EXPECT_FALSE(pb::ReadVarint(&p, p + eleven.size(), &v));
  const std::string truncated = "\x80";
  p = reinterpret_cast<const uint8_t*>(truncated.data());
  EXPECT_FALSE(pb::ReadVarint(&p, p + truncated.size(), &v));
  const std::string three_hundred = "\xac\x02";  // protobuf.dev's example: 300
  p = reinterpret_cast<const uint8_t*>(three_hundred.data());
  ASSERT_TRUE(pb::ReadVarint(&p, p + 2, &v));
  EXPECT_EQ(v, 300u);
}

TEST(ProtobufWire, EveryNonGroupWireTypeIsReadAndSkippable) {
  const std::string msg = VarintField(1, 150) + std::string("\x11", 1) +
                          std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8) + LenField(3, "abc") +
                          Fixed32Field(4, 0xDEADBEEF);
  const auto f = Fields(msg);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].value, 150u);
  EXPECT_EQ(f[1].value, 0x0807060504030201u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(f[2].data), f[2].size), "abc");
  EXPECT_EQ(f[3].value, 0xDEADBEEFu);
}

TEST(ProtobufWire, MalformedInputIsAConvertError) {
  ExpectConvertError([] { Fields(std::string("\x0b", 1)); }, {"msg", "group"});  // start group
  ExpectConvertError([] { Fields(std::string("\x0c", 1)); }, {"msg", "group"});  // end group
  ExpectConvertError([] { Fields(std::string("\x0e", 1)); }, {"msg", "wire type 6"});
  ExpectConvertError([] { Fields(std::string("\x00\x00", 2)); }, {"msg", "field number 0"});
  ExpectConvertError(
      [] {
        Fields(
            "\x1a\x05"
            "abc");
      },
      {"msg", "field 3", "past the end"});
  ExpectConvertError([] { Fields("\x1a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"); }, {"past the end"});
  ExpectConvertError([] { Fields("\x25\x01\x02"); }, {"truncated fixed32"});
  ExpectConvertError([] { Fields("\x11\x01\x02"); }, {"truncated fixed64"});
  ExpectConvertError([] { Fields("\x08\x80"); }, {"field 1", "varint"});
}

TEST(ProtobufWire, NestingIsBounded) {
  std::string msg = VarintField(1, 1);
  for (int i = 0; i < 40; ++i) msg = LenField(1, msg);
  std::function<void(pb::Message)> descend = [&](pb::Message m) {
    pb::Field f;
    while (m.Next(&f)) {
      if (f.type == pb::WireType::kLen) descend(m.Sub(f, "inner"));
    }
  };
  ExpectConvertError([&] { descend(pb::Message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), "msg")); },
                     {"nested deeper than 16"});
}

TEST(ProtobufWire, PackedAndUnpackedRepeatedVarints) {
  std::vector<uint64_t> got;
  const std::string msg = VarintField(1, 3) + LenField(1, Varint(4) + Varint(300));
  for (const auto& f : Fields(msg)) {
    pb::ForEachVarint(f, "msg", "dims", [&](uint64_t v) { got.push_back(v); });
  }
  EXPECT_EQ(got, (std::vector<uint64_t>{3, 4, 300}));
  const std::string truncated = LenField(1, "\x80");
  const auto bad = Fields(truncated);
  ExpectConvertError([&] { pb::ForEachVarint(bad[0], "msg", "dims", [](uint64_t) {}); }, {"dims", "packed"});
}

}  // namespace
}  // namespace embert::test
