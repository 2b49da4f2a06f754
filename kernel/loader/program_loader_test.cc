// The program loader on the host, with a real ViperDOS program (hello.elf,
// built by the user toolchain) loaded into a real mm:vm address space over
// the host arena; copies reach it through the host user-access resolver,
// as they reach the MMU on the target.
#include "kernel/loader/program_loader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kernel/arch/arch.h"
#include "kernel/arch/host/user_access.h"
#include "mm/kheap/global.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::loader {
namespace {

VIPER_HOST_KERNEL_HEAP();

constexpr char kHello[] = "userland/programs/hello/hello.elf";

mm::AddressSpace* g_current = nullptr;  // the space the "thread" runs in

uint8_t* resolve(VirtAddr va, bool write) {
  for (int attempt = 0; attempt < 2 && g_current; ++attempt) {
    Result<mm::Translation> t = g_current->tables().lookup(va);
    if (t.ok() && (!write || (t.value().prot & mm::kProtWrite))) {
      return arch::phys_to_virt(t.value().frame + va.page_offset()).as<uint8_t>();
    }
    if (g_current->handle_fault(va, write ? mm::Access::kWrite : mm::Access::kRead) !=
        mm::FaultResult::kResolved) {
      return nullptr;
    }
  }
  return nullptr;
}

class ProgramLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(kHello, std::ios::binary);
    ASSERT_TRUE(in) << kHello;
    file_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const char* reason = nullptr;
    auto image = parse_elf(ConstBytes(file_.data(), file_.size()), kProgramRange, &reason);
    ASSERT_OK(image) << reason;
    image_ = image.value();
    space_ = mm::AddressSpace::create(mm::physical_memory()).value();
    g_current = space_;
    arch::host::set_user_byte_resolver(&resolve);
    free_before_ = mm::physical_memory().stats().free_pages;
  }
  void TearDown() override {
    arch::host::set_user_byte_resolver(nullptr);
    g_current = nullptr;
    space_->destroy(asids_);
  }

  ConstBytes file() const { return ConstBytes(file_.data(), file_.size()); }
  uint64_t read_word(uint64_t va) {
    uint64_t value = 0;
    EXPECT_OK(arch::copy_from_user(&value, VirtAddr(va), sizeof(value))) << std::hex << va;
    return value;
  }
  std::string read_string(uint64_t va) {
    char buffer[256];
    auto n = arch::copy_string_from_user(buffer, VirtAddr(va), sizeof(buffer));
    EXPECT_OK(n);
    return n.ok() ? std::string(buffer, n.value()) : "";
  }

  std::vector<uint8_t> file_;
  ElfImage image_;
  mm::AsidAllocator asids_{16};
  mm::AddressSpace* space_ = nullptr;
  uint64_t free_before_ = 0;
};

TEST_F(ProgramLoader, CopiesEverySegmentWithItsPermissions) {
  const char* argv[] = {"hello"};
  auto start = load_program(image_, file(), *space_, Span<const char* const>(argv, 1), {});
  ASSERT_OK(start) << error_name(start.error());
  EXPECT_EQ(start->entry.value(), image_.entry);
  ASSERT_GE(image_.segment_count, 3u);
  for (const LoadSegment& segment : image_.loads()) {
    std::vector<uint8_t> back(segment.file_size);
    ASSERT_OK(arch::copy_from_user(back.data(), VirtAddr(segment.vaddr), back.size()));
    EXPECT_EQ(0, std::memcmp(back.data(), file_.data() + segment.file_offset, back.size()))
        << "segment at 0x" << std::hex << segment.vaddr;
    auto t = space_->tables().lookup(VirtAddr(segment.page_start()));
    ASSERT_OK(t);
    EXPECT_EQ((t->prot & mm::kProtWrite) != 0, segment.access.write);
    EXPECT_EQ((t->prot & mm::kProtExec) != 0, segment.access.execute);
    EXPECT_FALSE((t->prot & mm::kProtWrite) && (t->prot & mm::kProtExec)) << "W^X";
    if (segment.memory_size > segment.file_size) {  // .bss and the heap read as zero
      EXPECT_EQ(read_word((segment.vaddr + segment.file_size + 4096) & ~uint64_t{7}), 0u);
    }
  }
  // The signal trampoline: mov x8, #SIGNAL_RETURN; svc #0 — executable, not writable.
  uint32_t trampoline[2] = {};
  ASSERT_OK(
      arch::copy_from_user(trampoline, VirtAddr(VIPER_SIGNAL_TRAMPOLINE), sizeof(trampoline)));
  EXPECT_EQ(trampoline[0], 0xd2800008u | (VIPER_SYS_SIGNAL_RETURN << 5));
  EXPECT_EQ(trampoline[1], 0xd4000001u);
  auto t = space_->tables().lookup(VirtAddr(VIPER_SIGNAL_TRAMPOLINE));
  ASSERT_OK(t);
  EXPECT_TRUE((t->prot & mm::kProtExec) && !(t->prot & mm::kProtWrite));
  // Text cannot be written through user access any more.
  const uint32_t nop = 0xd503201f;
  EXPECT_EQ(arch::copy_to_user(VirtAddr(image_.entry), &nop, 4).error(), Error::kFault);
}

TEST_F(ProgramLoader, BuildsTheStackStartReads) {
  const char* argv[] = {"hello", "--verbose"};
  const char* envp[] = {"HOME=/", "TERM=vt100", "LANG=C"};
  auto start = load_program(image_, file(), *space_, Span<const char* const>(argv, 2),
                            Span<const char* const>(envp, 3));
  ASSERT_OK(start) << error_name(start.error());
  const uint64_t sp = start->stack_pointer.value();
  EXPECT_EQ(sp % 16, 0u);
  EXPECT_LT(sp, kStackTop);
  EXPECT_EQ(read_word(sp), 2u);
  EXPECT_EQ(read_string(read_word(sp + 8)), "hello");
  EXPECT_EQ(read_string(read_word(sp + 16)), "--verbose");
  EXPECT_EQ(read_word(sp + 24), 0u);
  EXPECT_EQ(read_string(read_word(sp + 32)), "HOME=/");
  EXPECT_EQ(read_string(read_word(sp + 48)), "LANG=C");
  EXPECT_EQ(read_word(sp + 56), 0u);
  EXPECT_EQ(read_word(sp + 64), kAuxPageSize);
  EXPECT_EQ(read_word(sp + 72), 4096u);
  EXPECT_EQ(read_word(sp + 80), kAuxEntry);
  EXPECT_EQ(read_word(sp + 88), image_.entry);
  EXPECT_EQ(read_word(sp + 96), kAuxBootstrap);
  EXPECT_EQ(read_word(sp + 104), 0u) << "no bootstrap handle";
  EXPECT_EQ(read_word(sp + 112), kAuxNull);
}

// Read-only segments come from the cache: the second space maps the very
// frames the first one got (copy-on-write), and a write — after a protect
// that allows one — copies the page instead of changing the cache's.
TEST_F(ProgramLoader, ReadOnlySegmentsAreMappedFromTheCacheCopyOnWrite) {
  ProgramCache cache;
  mm::AddressSpace* second = mm::AddressSpace::create(mm::physical_memory()).value();
  const char* argv[] = {"hello"};
  ASSERT_OK(load_program(image_, file(), *space_, Span<const char* const>(argv, 1), {}, 0, &cache));
  ASSERT_OK(load_program(image_, file(), *second, Span<const char* const>(argv, 1), {}, 0, &cache));
  const LoadSegment& text = image_.segments[0];
  ASSERT_TRUE(text.access.execute && !text.access.write);
  auto mine = space_->tables().lookup(VirtAddr(text.page_start()));
  auto theirs = second->tables().lookup(VirtAddr(text.page_start()));
  ASSERT_OK(mine);
  ASSERT_OK(theirs);
  EXPECT_EQ(mine->frame, theirs->frame) << "one copy of the text";
  EXPECT_TRUE(mine->cow);
  EXPECT_FALSE(mine->prot & mm::kProtWrite);
  // Still the program's bytes, read through the first space.
  std::vector<uint8_t> back(text.file_size);
  ASSERT_OK(arch::copy_from_user(back.data(), VirtAddr(text.vaddr), back.size()));
  EXPECT_EQ(0, std::memcmp(back.data(), file_.data() + text.file_offset, back.size()));
  // Made writable and written: this space gets its own copy.
  ASSERT_OK(space_->protect(VirtAddr(text.page_start()), 4096, mm::kProtRead | mm::kProtWrite));
  const uint32_t nop = 0xd503201f;
  ASSERT_OK(arch::copy_to_user(VirtAddr(text.page_start()), &nop, 4));
  auto copied = space_->tables().lookup(VirtAddr(text.page_start()));
  ASSERT_OK(copied);
  EXPECT_NE(copied->frame, theirs->frame);
  uint32_t cached_word = 0;
  std::memcpy(&cached_word, arch::phys_to_virt(theirs->frame).as<uint8_t>(), 4);
  EXPECT_NE(cached_word, nop) << "the cache's page is unchanged";
  second->destroy(asids_);
  space_->destroy(asids_);
  space_ = mm::AddressSpace::create(mm::physical_memory()).value();  // for TearDown
  g_current = space_;
  cache.release_all(mm::physical_memory());
  mm::physical_memory().drain_this_cpu();
  EXPECT_EQ(mm::physical_memory().stats().free_pages, free_before_) << "every frame returned";
}

TEST_F(ProgramLoader, TheCacheRefusesSegmentsItCannotHold) {
  ProgramCache cache;
  LoadSegment huge = image_.segments[0];
  huge.memory_size = huge.file_size = (ProgramCache::kMaxPages + 1) * 4096;
  EXPECT_EQ(cache.frames(huge, file_.data(), mm::physical_memory()).size(), 0u) << "too big";
  LoadSegment empty = image_.segments[0];
  empty.memory_size = empty.file_size = 0;
  EXPECT_EQ(cache.frames(empty, file_.data(), mm::physical_memory()).size(), 0u) << "empty";
  EXPECT_EQ(cache.frames(image_.segments[0], nullptr, mm::physical_memory()).size(), 0u);
  EXPECT_EQ(mm::physical_memory().stats().free_pages, free_before_) << "nothing taken";
}

TEST_F(ProgramLoader, RefusesArgumentsBeyondTheLimits) {
  std::vector<const char*> many(kMaxArguments + 1, "x");
  EXPECT_EQ(
      build_initial_stack(*space_, Span<const char* const>(many.data(), many.size()), {}, image_)
          .error(),
      Error::kOutOfRange);
  std::string long_arg(kMaxArgumentBytes, 'a');
  const char* argv[] = {long_arg.c_str()};
  EXPECT_EQ(build_initial_stack(*space_, Span<const char* const>(argv, 1), {}, image_).error(),
            Error::kOutOfRange);
}

TEST_F(ProgramLoader, RefusesASpaceThatIsNotEmpty) {
  ASSERT_OK(space_->map_anonymous(VirtAddr(image_.segments[0].page_start()), 4096,
                                  mm::kProtRead | mm::kProtWrite));
  EXPECT_EQ(load_segments(image_, file(), *space_).error(), Error::kAlreadyExists);
}

}  // namespace
}  // namespace viper::loader
