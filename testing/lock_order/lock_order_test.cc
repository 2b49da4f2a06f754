// docs/lock-order.md's table is the lock order people read; the packages'
// lock_classes.h headers are the classes the kernel runs with. This test
// keeps them one fact: a class renamed or re-levelled in a header fails
// here until the doc says the same, and so does a row of the doc that no
// header declares.
//
// The table's third column declares a class as "`name` (level" followed by
// ")" or ","; any other backticked dotted name there ("`sched.run_queue`")
// refers to a class and must be declared somewhere in the table.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/lock_classes.h"
#include "ipc/lock_classes.h"
#include "kernel/arch/aarch64/lock_classes.h"
#include "kernel/cap/lock_classes.h"
#include "kernel/lib/lock_classes.h"
#include "kernel/object/lock_classes.h"
#include "mm/pmm/lock_classes.h"
#include "mm/slab/lock_classes.h"
#include "mm/vm/lock_classes.h"
#include "mm/vmm/lock_classes.h"
#include "sched/lock_classes.h"

namespace viper {
namespace {

const char* g_doc_path = nullptr;

struct DocClass {
  int level;
  int layer;  // the table row it is declared in
};

struct DocTable {
  std::map<std::string, DocClass> classes;
  std::set<std::string> references;
  std::vector<std::string> conflicts;  // a name declared twice with different levels
  int rows = 0;
};

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string cell;
  std::getline(in, cell, '|');  // before the first bar
  while (std::getline(in, cell, '|')) out.push_back(cell);
  return out;
}

DocTable parse(const std::string& path) {
  DocTable table;
  std::ifstream in(path);
  const std::regex row(R"(^\| *([0-9]+) *\|)");
  const std::regex declaration(R"(`([a-z_.]+)` \(([0-9]+)[,)])");
  const std::regex reference(R"(`([a-z_]+(\.[a-z_]+)+)`)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    const int layer = std::stoi(m[1]);
    const std::vector<std::string> c = cells(line);
    if (c.size() < 3) continue;
    ++table.rows;
    const std::string& locks = c[2];
    for (std::sregex_iterator it(locks.begin(), locks.end(), declaration), end; it != end; ++it) {
      const std::string name = (*it)[1];
      const int level = std::stoi((*it)[2]);
      auto [entry, added] = table.classes.emplace(name, DocClass{level, layer});
      if (!added && entry->second.level != level) table.conflicts.push_back(name);
    }
    for (std::sregex_iterator it(locks.begin(), locks.end(), reference), end; it != end; ++it) {
      table.references.insert((*it)[1]);
    }
  }
  return table;
}

std::map<std::string, int> declared_classes(std::vector<std::string>* duplicates) {
  std::map<std::string, int> out;
  auto add = [&](const auto& list) {
    for (const LockClassId& id : list) {
      if (!out.emplace(id.name, id.level).second) duplicates->push_back(id.name);
    }
  };
  add(kLibLockClasses);
  add(arch::mmu::kMmuLockClasses);
  add(mm::kPmmLockClasses);
  add(mm::kSlabLockClasses);
  add(mm::kVmmLockClasses);
  add(sched::kSchedLockClasses);
  add(mm::kVmLockClasses);
  add(ipc::kIpcLockClasses);
  add(object::kObjectLockClasses);
  add(cap::kCapLockClasses);
  add(drivers::kDriverLockClasses);
  return out;
}

class LockOrderDoc : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(g_doc_path, nullptr) << "pass docs/lock-order.md as the first argument";
    doc_ = parse(g_doc_path);
    ASSERT_EQ(doc_.rows, 10) << g_doc_path << ": expected the table of layers 0-9";
    declared_ = declared_classes(&duplicates_);
  }

  DocTable doc_;
  std::map<std::string, int> declared_;
  std::vector<std::string> duplicates_;
};

TEST_F(LockOrderDoc, EveryDeclaredClassIsInTheTableWithItsLevel) {
  for (const auto& [name, level] : declared_) {
    auto it = doc_.classes.find(name);
    if (it == doc_.classes.end()) {
      ADD_FAILURE() << "lock class `" << name << "` (" << level
                    << ") is declared in a lock_classes.h but not in docs/lock-order.md";
      continue;
    }
    EXPECT_EQ(it->second.level, level) << "`" << name << "`: docs/lock-order.md says level "
                                       << it->second.level << ", its lock_classes.h says " << level;
  }
}

TEST_F(LockOrderDoc, EveryClassInTheTableIsDeclared) {
  for (const auto& [name, doc_class] : doc_.classes) {
    EXPECT_TRUE(declared_.contains(name))
        << "docs/lock-order.md lists `" << name << "` (" << doc_class.level
        << ") but no lock_classes.h declares it";
  }
}

TEST_F(LockOrderDoc, EveryClassTheTableMentionsIsDeclared) {
  for (const std::string& name : doc_.references) {
    EXPECT_TRUE(declared_.contains(name))
        << "docs/lock-order.md mentions `" << name << "`, which no lock_classes.h declares";
  }
}

TEST_F(LockOrderDoc, EachClassIsInTheRowOfItsLayer) {
  for (const auto& [name, doc_class] : doc_.classes) {
    EXPECT_EQ(doc_class.level / 10, doc_class.layer)
        << "`" << name << "` (" << doc_class.level << ") is in the row of layer "
        << doc_class.layer;
  }
}

TEST_F(LockOrderDoc, NamesAreUniqueAndLevelsAgree) {
  EXPECT_TRUE(duplicates_.empty()) << "declared twice: " << ::testing::PrintToString(duplicates_);
  EXPECT_TRUE(doc_.conflicts.empty())
      << "docs/lock-order.md gives two levels to: " << ::testing::PrintToString(doc_.conflicts);
}

}  // namespace
}  // namespace viper

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc > 1) viper::g_doc_path = argv[1];
  return RUN_ALL_TESTS();
}
