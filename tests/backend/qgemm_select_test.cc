// Run-time choice of the x86 level: the best level is one this CPU runs and
// the one BestKernels() hands to engines; every level's table is complete.
#include <cstdio>

#include "core/cpu_features.h"
#include "qgemm_test_util.h"

namespace embert::qgemm {
namespace {

TEST(QgemmSelect, BestIsTheFastestAvailableLevel) {
  const Kernels* best = BestX86Kernels();
  const Kernels* expected = nullptr;
  for (int level : {kX86Avx512Vnni, kX86AvxVnni, kX86Avx512Bw, kX86Avx2}) {
    if ((expected = X86KernelsForLevel(level)) != nullptr) break;
  }
  EXPECT_EQ(best, expected);
  if (best != nullptr) {
    EXPECT_EQ(&BestKernels(), best);
  }
  char cpu[256];
  DescribeCpu(cpu, sizeof(cpu));
  std::printf("CPU %s -> %s\n", cpu, best ? best->name : "reference");
}

TEST(QgemmSelect, OutOfRangeLevelsAreNull) {
  EXPECT_EQ(X86KernelsForLevel(-1), nullptr);
  EXPECT_EQ(X86KernelsForLevel(kX86LevelCount), nullptr);
}

using QgemmTable = LevelTest;

TEST_P(QgemmTable, IsComplete) {
  EXPECT_NE(k().name, nullptr);
  EXPECT_NE(k().pack, nullptr);
  EXPECT_NE(k().quantize, nullptr);
  EXPECT_NE(k().gemm, nullptr);
  EXPECT_GE(k().n_block, 1u);
  EXPECT_GT(k().packed_size(1, 1), 0u);
  // The same level twice is the same table (engines compare pointers).
  EXPECT_EQ(X86KernelsForLevel(GetParam()), &k());
}

INSTANTIATE_TEST_SUITE_P(X86, QgemmTable, testing::Range(0, static_cast<int>(kX86LevelCount)), LevelName);

}  // namespace
}  // namespace embert::qgemm
