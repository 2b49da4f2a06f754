// The fd table (fd_table.h) on the host: the same C file libc links, with
// real threads for the lock and Linux's futex behind viper_futex_*.
#include "userland/libc/fd_table.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

extern "C" int64_t viper_futex_wait(const uint32_t* word, uint32_t expected, uint64_t) {
  return syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}
extern "C" int64_t viper_futex_wake(const uint32_t* word, uint32_t count) {
  return syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
}

namespace {

struct File {
  fd_counted counted{1};
};

class FdTable : public ::testing::Test {
 protected:
  fd_table table{};
  File files[FD_TABLE_SIZE + 1];
  fd_counted* file(int i) { return &files[i].counted; }
};

TEST_F(FdTable, HandsOutTheLowestFreeFd) {
  EXPECT_EQ(fd_table_allocate(&table, 0, file(0), 0), 0);
  EXPECT_EQ(fd_table_allocate(&table, 0, file(1), 0), 1);
  EXPECT_EQ(fd_table_allocate(&table, 0, file(2), 0), 2);
  EXPECT_EQ(fd_table_remove(&table, 1), file(1));
  EXPECT_EQ(fd_table_allocate(&table, 0, file(3), 0), 1) << "a freed fd is the lowest again";
  EXPECT_EQ(fd_table_allocate(&table, 10, file(4), 0), 10) << "F_DUPFD: lowest at or above";
  EXPECT_EQ(fd_table_allocate(&table, 64, file(5), 0), 64) << "a lowest in a later word";
  EXPECT_EQ(fd_table_allocate(&table, 63, file(6), 0), 63);
  EXPECT_EQ(fd_table_allocate(&table, 63, file(7), 0), 65) << "63 and 64 taken: across words";
  EXPECT_EQ(fd_table_count(&table), 7);
}

TEST_F(FdTable, RefusesBadInput) {
  EXPECT_EQ(fd_table_allocate(&table, -1, file(0), 0), -EINVAL);
  EXPECT_EQ(fd_table_allocate(&table, FD_TABLE_SIZE, file(0), 0), -EINVAL);
  EXPECT_EQ(fd_table_allocate(&table, 0, nullptr, 0), -EINVAL);
  fd_counted* replaced = file(0);
  EXPECT_EQ(fd_table_install(&table, FD_TABLE_SIZE, file(0), 0, &replaced), -EBADF);
  EXPECT_EQ(replaced, nullptr);
  EXPECT_EQ(fd_table_install(&table, -1, file(0), 0, &replaced), -EBADF);
  EXPECT_EQ(fd_table_remove(&table, 3), nullptr) << "not open";
  EXPECT_EQ(fd_table_remove(&table, -5), nullptr);
  EXPECT_EQ(fd_table_get(&table, 3, nullptr), nullptr);
  EXPECT_EQ(fd_table_get(&table, 1 << 20, nullptr), nullptr);
  EXPECT_EQ(fd_table_set_flags(&table, 3, FD_TABLE_CLOEXEC), -EBADF);
  EXPECT_EQ(fd_table_count(&table), 0);
}

TEST_F(FdTable, FullTableIsEmfile) {
  for (int i = 0; i < FD_TABLE_SIZE; ++i) ASSERT_EQ(fd_table_allocate(&table, 0, file(i), 0), i);
  EXPECT_EQ(fd_table_allocate(&table, 0, file(FD_TABLE_SIZE), 0), -EMFILE);
  EXPECT_EQ(fd_table_allocate(&table, FD_TABLE_SIZE - 1, file(FD_TABLE_SIZE), 0), -EMFILE);
  EXPECT_EQ(fd_table_count(&table), FD_TABLE_SIZE);
}

TEST_F(FdTable, InstallReplacesAndReturnsWhatWasThere) {
  ASSERT_EQ(fd_table_allocate(&table, 0, file(0), 0), 0);
  fd_counted* replaced = nullptr;
  EXPECT_EQ(fd_table_install(&table, 0, file(1), FD_TABLE_CLOEXEC, &replaced), 0);
  EXPECT_EQ(replaced, file(0)) << "dup2 over an open fd hands back the old description";
  EXPECT_EQ(fd_table_install(&table, 200, file(2), 0, &replaced), 0);
  EXPECT_EQ(replaced, nullptr);
  uint32_t flags = 99;
  EXPECT_EQ(fd_table_get(&table, 0, &flags), file(1));
  EXPECT_EQ(flags, FD_TABLE_CLOEXEC);
  EXPECT_EQ(fd_table_allocate(&table, 199, file(3), 0), 199);
  EXPECT_EQ(fd_table_allocate(&table, 199, file(4), 0), 201) << "200 is in use after install";
}

TEST_F(FdTable, GetTakesAReferenceAndFlagsStayWithTheFd) {
  ASSERT_EQ(fd_table_allocate(&table, 0, file(0), 0), 0);
  EXPECT_EQ(fd_table_get(&table, 0, nullptr), file(0));
  EXPECT_EQ(files[0].counted.references, 2u) << "the table's and the caller's";
  EXPECT_EQ(fd_table_set_flags(&table, 0, FD_TABLE_CLOEXEC), 0);
  uint32_t flags = 0;
  fd_table_get(&table, 0, &flags);
  EXPECT_EQ(flags, FD_TABLE_CLOEXEC);
  EXPECT_EQ(fd_table_remove(&table, 0), file(0));
  EXPECT_EQ(fd_table_allocate(&table, 0, file(1), 0), 0);
  fd_table_get(&table, 0, &flags);
  EXPECT_EQ(flags, 0u) << "a new fd starts without the old one's FD_CLOEXEC";
}

TEST_F(FdTable, NextOpenWalksTheOpenFdsInOrder) {
  for (int fd : {0, 5, 63, 64, 130, 255}) {
    fd_counted* replaced;
    ASSERT_EQ(fd_table_install(&table, fd, file(fd), 0, &replaced), 0);
  }
  std::vector<int> seen;
  for (int fd = fd_table_next_open(&table, 0); fd >= 0; fd = fd_table_next_open(&table, fd + 1)) {
    seen.push_back(fd);
  }
  EXPECT_EQ(seen, (std::vector<int>{0, 5, 63, 64, 130, 255}));
  EXPECT_EQ(fd_table_next_open(&table, FD_TABLE_SIZE), -1);
}

// PERF-008: the predecessor walked the entries to find a free fd. Here an
// allocation reads at most one bitmap word per 64 fds, whatever is open.
TEST_F(FdTable, PERF008_LowestFreeFdIsFoundAWordAtATime) {
  for (int i = 0; i < FD_TABLE_SIZE - 1; ++i) {
    const uint64_t before = table.words_examined;
    ASSERT_EQ(fd_table_allocate(&table, 0, file(i), 0), i);
    EXPECT_LE(table.words_examined - before, static_cast<uint64_t>(i / 64 + 1))
        << "allocating fd " << i << " read more than the words up to it";
  }
  const uint64_t before = table.words_examined;
  EXPECT_EQ(fd_table_allocate(&table, 0, file(FD_TABLE_SIZE - 1), 0), FD_TABLE_SIZE - 1);
  EXPECT_LE(table.words_examined - before, static_cast<uint64_t>(FD_TABLE_WORDS))
      << "the last free fd of a nearly full table costs " << FD_TABLE_WORDS << " words";
  const uint64_t full = table.words_examined;
  EXPECT_EQ(fd_table_allocate(&table, 0, file(FD_TABLE_SIZE), 0), -EMFILE);
  EXPECT_LE(table.words_examined - full, static_cast<uint64_t>(FD_TABLE_WORDS));
}

// Threads allocating and closing at once: no fd is ever handed to two
// owners, and the table ends empty.
TEST_F(FdTable, ConcurrentAllocateAndRemoveNeverShareAnFd) {
  std::atomic<int> owner[FD_TABLE_SIZE] = {};
  std::atomic<int> collisions{0};
  std::vector<std::thread> threads;
  for (int t = 1; t <= 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20000; ++round) {
        const int fd = fd_table_allocate(&table, 0, file(t), 0);
        if (fd < 0) continue;
        int free = 0;
        if (!owner[fd].compare_exchange_strong(free, t)) collisions.fetch_add(1);
        owner[fd].store(0);
        fd_table_remove(&table, fd);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(collisions.load(), 0);
  EXPECT_EQ(fd_table_count(&table), 0);
}

// A reader's get() racing close and dup2 always comes back with a counted
// description or none: every reference it took is one it can drop, and
// when all are dropped each description has exactly the table's.
TEST_F(FdTable, GetRacingRemoveAndInstallCountsEveryReference) {
  std::atomic<bool> stop{false};
  std::atomic<long> taken{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        for (int fd = 0; fd < 4; ++fd) {
          fd_counted* file = fd_table_get(&table, fd, nullptr);
          if (!file) continue;
          taken.fetch_add(1);
          EXPECT_GE(__atomic_load_n(&file->references, __ATOMIC_RELAXED), 2u);
          __atomic_fetch_sub(&file->references, 1, __ATOMIC_RELEASE);
        }
      }
    });
  }
  for (int round = 0; round < 20000 || taken.load() < 10000; ++round) {
    const int fd = round % 4;
    fd_counted* replaced = nullptr;
    ASSERT_EQ(fd_table_install(&table, fd, file(round % 8), 0, &replaced), 0);
    if (round % 3 == 0) fd_table_remove(&table, fd);
  }
  stop.store(true);
  for (auto& reader : readers) reader.join();
  EXPECT_GT(taken.load(), 0) << "the readers never found a description";
  for (int i = 0; i < 8; ++i) EXPECT_EQ(files[i].counted.references, 1u) << "file " << i;
}

}  // namespace
