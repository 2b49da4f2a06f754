#include "mm/vm/vma.h"

#include "gtest/gtest.h"
#include "testing/host/expect_ok.h"

namespace viper::mm {
namespace {

Vma anon(uint64_t start, uint64_t end, uint32_t prot = kProtRead | kProtWrite) {
  Vma v;
  v.start = VirtAddr(start);
  v.end = VirtAddr(end);
  v.prot = prot;
  return v;
}

// REL-001: the seed checked only whether the new VMA's start fell inside
// an existing one. Every way of overlapping is refused here, including a
// new VMA that swallows an existing one whole.
TEST(VmaSet, REL001_EveryKindOfOverlapIsRefused) {
  VmaSet set;
  ASSERT_OK(set.insert(anon(0x10000, 0x20000, kProtRead)));
  EXPECT_EQ(set.insert(anon(0x18000, 0x19000)).error(), Error::kAlreadyExists) << "inside";
  EXPECT_EQ(set.insert(anon(0x08000, 0x11000)).error(), Error::kAlreadyExists) << "tail overlaps";
  EXPECT_EQ(set.insert(anon(0x1f000, 0x30000)).error(), Error::kAlreadyExists) << "head overlaps";
  EXPECT_EQ(set.insert(anon(0x08000, 0x30000)).error(), Error::kAlreadyExists)
      << "swallows it: the seed's missed case";
  EXPECT_EQ(set.insert(anon(0x10000, 0x20000)).error(), Error::kAlreadyExists) << "identical";
  EXPECT_OK(set.insert(anon(0x20000, 0x21000))) << "adjacent above";
  EXPECT_OK(set.insert(anon(0x0f000, 0x10000))) << "adjacent below";
  EXPECT_EQ(set.size(), 3u) << "different permissions do not merge";
}

TEST(VmaSet, BadRangesAreNamedErrors) {
  VmaSet set;
  EXPECT_EQ(set.insert(anon(0x2000, 0x2000)).error(), Error::kInvalidArgument) << "empty";
  EXPECT_EQ(set.insert(anon(0x3000, 0x2000)).error(), Error::kInvalidArgument) << "reversed";
  EXPECT_EQ(set.insert(anon(0x2001, 0x3000)).error(), Error::kInvalidArgument) << "unaligned";
  EXPECT_EQ(set.protect(VirtAddr(0x1000), VirtAddr(0x2000), kProtRead).error(), Error::kNotFound);
}

TEST(VmaSet, LookupFindsTheRightVmaAmongMany) {
  VmaSet set;
  for (uint64_t i = 0; i < 100; ++i) {
    // Alternating permissions so nothing merges.
    ASSERT_TRUE(set.insert(anon(0x100000 + i * 0x3000, 0x100000 + i * 0x3000 + 0x2000,
                                i % 2 ? kProtRead : kProtRead | kProtWrite))
                    .ok());
  }
  EXPECT_EQ(set.size(), 100u);
  for (uint64_t i = 0; i < 100; ++i) {
    const Vma* v = set.find(VirtAddr(0x100000 + i * 0x3000 + 0x1fff));
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->start.value(), 0x100000 + i * 0x3000);
    EXPECT_EQ(set.find(VirtAddr(0x100000 + i * 0x3000 + 0x2000)), nullptr) << "the hole";
  }
}

TEST(VmaSet, RemoveSplitsAndTrims) {
  VmaSet set;
  ASSERT_OK(set.insert(anon(0x10000, 0x20000)));
  ASSERT_OK(set.remove(VirtAddr(0x14000), VirtAddr(0x15000)));  // a hole in the middle
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.at(0).end.value(), 0x14000u);
  EXPECT_EQ(set.at(1).start.value(), 0x15000u);
  ASSERT_OK(set.remove(VirtAddr(0x0f000), VirtAddr(0x11000)));  // trims the head
  EXPECT_EQ(set.at(0).start.value(), 0x11000u);
  ASSERT_OK(set.remove(VirtAddr(0x12000), VirtAddr(0x30000)));  // everything above
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.at(0).end.value(), 0x12000u);
}

TEST(VmaSet, ProtectSplitsAtTheEdgesAndMergesBack) {
  VmaSet set;
  ASSERT_OK(set.insert(anon(0x10000, 0x20000)));
  ASSERT_OK(set.protect(VirtAddr(0x14000), VirtAddr(0x16000), kProtRead));
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set.find(VirtAddr(0x15000))->prot, kProtRead);
  EXPECT_EQ(set.find(VirtAddr(0x13000))->prot, kProtRead | kProtWrite);
  ASSERT_OK(set.protect(VirtAddr(0x14000), VirtAddr(0x16000), kProtRead | kProtWrite));
  EXPECT_EQ(set.size(), 1u) << "equal neighbours merge again";
  EXPECT_EQ(set.at(0).start.value(), 0x10000u);
  EXPECT_EQ(set.at(0).end.value(), 0x20000u);
}

TEST(VmaSet, FullSetsRefuseWithoutChanging) {
  VmaSet set;
  for (uint64_t i = 0; i < VmaSet::kCapacity; ++i) {
    ASSERT_TRUE(set.insert(anon(0x100000 + i * 0x4000, 0x100000 + i * 0x4000 + 0x3000,
                                i % 2 ? kProtRead : kProtRead | kProtWrite))
                    .ok());
  }
  EXPECT_EQ(set.insert(anon(0x10000, 0x11000)).error(), Error::kNoSpace);
  EXPECT_EQ(set.remove(VirtAddr(0x100000 + 0x1000), VirtAddr(0x100000 + 0x1000 + 0x1000)).error(),
            Error::kNoSpace)
      << "a split needs a slot";
  EXPECT_EQ(set.size(), VmaSet::kCapacity);
}

}  // namespace
}  // namespace viper::mm
