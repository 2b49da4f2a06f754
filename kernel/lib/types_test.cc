// Host tests of kernel/lib's vocabulary types.
#include <type_traits>

#include "gtest/gtest.h"
#include "kernel/lib/addr.h"
#include "kernel/lib/bitmap.h"
#include "kernel/lib/list.h"
#include "kernel/lib/result.h"
#include "testing/host/expect_ok.h"

namespace viper {
namespace {

// ARCH-001 is a compile error: no implicit (or explicit) path from a
// physical address to a pointer or to a virtual address, and no mixing.
static_assert(!std::is_convertible_v<PhysAddr, VirtAddr>);
static_assert(!std::is_constructible_v<VirtAddr, PhysAddr>);
static_assert(!std::is_convertible_v<VirtAddr, PhysAddr>);
static_assert(!std::is_constructible_v<PhysAddr, VirtAddr>);
static_assert(!std::is_convertible_v<PhysAddr, void*>);
static_assert(!std::is_constructible_v<void*, PhysAddr>);
static_assert(!std::is_constructible_v<PhysAddr, const void*>);
static_assert(std::is_constructible_v<VirtAddr, const void*>);
static_assert(!std::is_convertible_v<uint64_t, PhysAddr>);
static_assert(!std::is_convertible_v<uint64_t, PageCount>);
static_assert(!std::is_convertible_v<PageCount, uint64_t>);

TEST(Addr, ARCH001_PhysicalAndVirtualAreDistinctTypes) {
  const PhysAddr phys(0x40001000);
  EXPECT_TRUE(phys.is_page_aligned());
  EXPECT_EQ((phys + 0x10).page_base(), phys);
  EXPECT_EQ((phys + 0x10).page_offset(), 0x10u);
  EXPECT_EQ(phys + PageCount(2), PhysAddr(0x40003000));
  int x = 7;
  const VirtAddr virt(&x);
  EXPECT_EQ(*virt.as<int>(), 7);
}

TEST(PageCount, RoundsBytesUp) {
  EXPECT_EQ(PageCount::for_bytes(0).value(), 0u);
  EXPECT_EQ(PageCount::for_bytes(1).value(), 1u);
  EXPECT_EQ(PageCount::for_bytes(4096).value(), 1u);
  EXPECT_EQ(PageCount::for_bytes(4097).value(), 2u);
  EXPECT_EQ(PageCount(3).bytes(), 3u * 4096);
}

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error::kInvalidArgument;
  return c - '0';
}

Result<int> sum_digits(const char* text) {
  int total = 0;
  for (; *text; ++text) total += TRY(parse_digit(*text));
  return total;
}

TEST(Result, TryPropagatesErrorsAndYieldsValues) {
  Result<int> good = sum_digits("123");
  ASSERT_OK(good);
  EXPECT_EQ(good.value(), 6);
  Result<int> bad = sum_digits("1x3");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), Error::kInvalidArgument);
  EXPECT_STREQ(error_name(bad.error()), "INVALID_ARGUMENT");
  Status status = Error::kTimedOut;
  EXPECT_FALSE(status.ok());
  EXPECT_OK(ok_status());
}

TEST(Result, HoldsMoveOnlyValues) {
  struct MoveOnly {
    explicit MoveOnly(int v) : value(v) {}
    MoveOnly(MoveOnly&& other) : value(other.value) { other.value = -1; }
    MoveOnly(const MoveOnly&) = delete;
    int value;
  };
  Result<MoveOnly> r = MoveOnly(5);
  ASSERT_OK(r);
  MoveOnly taken = move(r).value();
  EXPECT_EQ(taken.value, 5);
}

struct Item {
  explicit Item(int v) : value(v) {}
  int value;
  ListNode node;
};
using ItemList = List<Item, &Item::node>;

TEST(List, PushPopRemoveAndIterate) {
  ItemList list;
  Item a(1), b(2), c(3);
  EXPECT_TRUE(list.empty());
  list.push_back(a);
  list.push_back(b);
  list.push_front(c);
  EXPECT_EQ(list.size(), 3u);
  int seen[3], n = 0;
  for (Item& item : list) seen[n++] = item.value;
  EXPECT_EQ(seen[0], 3);
  EXPECT_EQ(seen[1], 1);
  EXPECT_EQ(seen[2], 2);
  list.remove(a);
  EXPECT_FALSE(a.node.linked());
  EXPECT_EQ(list.next(c), &b);
  EXPECT_EQ(list.next(b), nullptr);
  EXPECT_EQ(list.pop_front(), &c);
  EXPECT_EQ(list.pop_front(), &b);
  EXPECT_EQ(list.pop_front(), nullptr);
  EXPECT_TRUE(list.empty());
}

TEST(ListDeathTest, DoubleInsertAndStrayRemoveTrap) {
  ItemList list;
  Item a(1);
  list.push_back(a);
  EXPECT_DEATH(list.push_back(a), "");
  Item stray(2);
  EXPECT_DEATH(list.remove(stray), "");
  list.remove(a);
}

TEST(Bitmap, FindsSetAndClearBitsAcrossWords) {
  Bitmap<130> bits;
  EXPECT_TRUE(bits.none());
  EXPECT_EQ(bits.find_first_set(), Bitmap<130>::kNotFound);
  EXPECT_EQ(bits.find_first_clear(), 0u);
  bits.set(3);
  bits.set(64);
  bits.set(129);
  EXPECT_EQ(bits.count(), 3u);
  EXPECT_EQ(bits.find_first_set(), 3u);
  EXPECT_EQ(bits.find_first_set(4), 64u);
  EXPECT_EQ(bits.find_first_set(65), 129u);
  EXPECT_EQ(bits.find_last_set(), 129u);
  bits.clear(129);
  EXPECT_EQ(bits.find_first_set(65), Bitmap<130>::kNotFound);
  for (size_t i = 0; i < 130; ++i) bits.set(i);
  EXPECT_EQ(bits.find_first_clear(), Bitmap<130>::kNotFound) << "bits past capacity never count";
  bits.clear(100);
  EXPECT_EQ(bits.find_first_clear(), 100u);
}

}  // namespace
}  // namespace viper
