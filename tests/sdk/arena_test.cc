#include <gtest/gtest.h>

#include "memory/arena.h"

namespace embert {
namespace {

TEST(Arena, MeasuringCountsWhatBuildingUses) {
  alignas(64) static uint8_t buffer[4096];
  Arena measuring;
  Arena real(buffer, sizeof buffer);
  for (Arena* a : {&measuring, &real}) {
    a->Allocate(10, 4);
    a->Allocate(100, 64);
    a->AllocateArray<float>(33, 16);
  }
  EXPECT_EQ(measuring.used(), real.used());
  EXPECT_FALSE(real.overflowed());
}

TEST(Arena, AlignsAndReportsOverflowWithTheSizeNeeded) {
  alignas(64) static uint8_t buffer[256];
  Arena a(buffer, sizeof buffer);
  void* p = a.Allocate(3, 1);
  void* q = a.Allocate(8, 64);
  EXPECT_EQ(p, buffer);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(q) % 64, 0u);
  EXPECT_EQ(a.Allocate(1000, 64), nullptr);
  EXPECT_TRUE(a.overflowed());
  EXPECT_EQ(a.used(), 128u + 1000u);
}

TEST(Arena, HugeRequestsDoNotWrapAround) {
  Arena measuring;
  measuring.Allocate(100);
  EXPECT_EQ(measuring.AllocateArray<double>(SIZE_MAX / 4), nullptr);
  EXPECT_TRUE(measuring.overflowed());
}

}  // namespace
}  // namespace embert
