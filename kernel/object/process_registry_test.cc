// The process registry: who may open whom (docs/userspace.md), lookups of
// processes on their way out, and listing.
#include "kernel/object/process_registry.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/object/testing_object.h"

namespace viper::object {
namespace {

using testing::TestObject;

// A registered stand-in for a process: a test object and its link.
class Family {
 public:
  ~Family() {
    for (auto& member : members_) registry_.remove(member->link);
  }
  // A process whose parent is `parent` (0: a root); its ID.
  ObjectId add(ObjectId parent) {
    auto member = std::make_unique<Member>();
    member->object = TestObject::create();
    member->link.object = member->object.get();
    member->link.id = member->object->id();
    member->link.parent = parent;
    registry_.add(member->link);
    members_.push_back(std::move(member));
    return members_.back()->link.id;
  }
  ProcessRegistry& registry() { return registry_; }

 private:
  struct Member {
    Ref<TestObject> object;
    ProcessLink link;
  };
  ProcessRegistry registry_;
  std::vector<std::unique_ptr<Member>> members_;
};

TEST(ProcessRegistry, ACallerOpensItselfAndItsDescendants) {
  Family f;
  const ObjectId init = f.add({});
  const ObjectId shell = f.add(init);
  const ObjectId job = f.add(shell);
  const ObjectId grandchild = f.add(job);
  EXPECT_TRUE(f.registry().may_open(shell, shell));
  EXPECT_TRUE(f.registry().may_open(shell, job));
  EXPECT_TRUE(f.registry().may_open(shell, grandchild));
  EXPECT_TRUE(f.registry().may_open(init, grandchild)) << "init is everyone's ancestor";
}

TEST(ProcessRegistry, AKillRunByTheShellReachesTheShellsJobsButNotTheShell) {
  Family f;
  const ObjectId init = f.add({});
  const ObjectId shell = f.add(init);
  const ObjectId job = f.add(shell);
  const ObjectId jobs_child = f.add(job);
  const ObjectId kill = f.add(shell);
  EXPECT_TRUE(f.registry().may_open(kill, job));
  EXPECT_TRUE(f.registry().may_open(kill, jobs_child));
  EXPECT_FALSE(f.registry().may_open(kill, shell)) << "never the parent itself";
  EXPECT_FALSE(f.registry().may_open(kill, init));
}

TEST(ProcessRegistry, InitsChildrenCannotOpenEachOtherNorInit) {
  Family f;
  const ObjectId init = f.add({});
  const ObjectId consoled = f.add(init);
  const ObjectId shell = f.add(init);
  const ObjectId job = f.add(shell);
  EXPECT_FALSE(f.registry().may_open(shell, consoled))
      << "a root parent opens nothing for its children";
  EXPECT_FALSE(f.registry().may_open(consoled, job));
  EXPECT_FALSE(f.registry().may_open(shell, init));
  EXPECT_FALSE(f.registry().may_open(job, init));
  EXPECT_FALSE(f.registry().may_open(job, consoled));
}

TEST(ProcessRegistry, OpenSaysNotFoundOrAccessDeniedAndCountsTheReference) {
  Family f;
  const ObjectId init = f.add({});
  const ObjectId child = f.add(init);
  EXPECT_EQ(f.registry().open(child, init).error(), Error::kAccessDenied);
  EXPECT_EQ(f.registry().open(init, ObjectId{~uint64_t{0}}).error(), Error::kNotFound);
  EXPECT_EQ(f.registry().open(ObjectId{~uint64_t{0}}, child).error(), Error::kAccessDenied)
      << "an unregistered caller opens nothing";
  Result<Ref<KernelObject>> opened = f.registry().open(init, child);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened.value()->id(), child);
  EXPECT_EQ(opened.value()->references(), 2u) << "the member's and the opener's";
}

TEST(ProcessRegistry, AnOrphanIsOutOfReachOfItsFormerAncestors) {
  ProcessRegistry registry;
  Ref<TestObject> objects[3] = {TestObject::create(), TestObject::create(), TestObject::create()};
  ProcessLink links[3];
  for (int i = 0; i < 3; ++i) {
    links[i].object = objects[i].get();
    links[i].id = objects[i]->id();
    links[i].parent = i == 0 ? ObjectId{} : objects[i - 1]->id();
    registry.add(links[i]);
  }
  EXPECT_TRUE(registry.may_open(links[0].id, links[2].id));
  registry.remove(links[1]);  // the middle one ends
  EXPECT_FALSE(registry.may_open(links[0].id, links[2].id));
  EXPECT_TRUE(registry.may_open(links[2].id, links[2].id));
  registry.remove(links[0]);
  registry.remove(links[2]);
}

// An object that stays in memory after its last reference, so the test can
// look at the moment a real process's destroy() is about to unregister it.
class Dying final : public KernelObject {
 public:
  Dying() : KernelObject(ObjectType::kTest, testing::g_test_ids.next().value()) {}
  bool destroyed = false;

 private:
  void destroy() override { destroyed = true; }
};

TEST(ProcessRegistry, AProcessWhoseLastReferenceIsGoneCannotBeOpened) {
  ProcessRegistry registry;
  Dying dying;
  ProcessLink link;
  link.object = &dying;
  link.id = dying.id();
  registry.add(link);
  dying.release();  // the last reference: destroy() runs, not yet unregistered
  ASSERT_TRUE(dying.destroyed);
  EXPECT_EQ(registry.open(link.id, link.id).error(), Error::kNotFound)
      << "a lookup must not revive an object being destroyed";
  EXPECT_EQ(dying.references(), 0u);
  registry.remove(link);
}

TEST(ProcessRegistry, ForEachVisitsEveryProcessOldestFirst) {
  Family f;
  const ObjectId a = f.add({});
  const ObjectId b = f.add(a);
  const ObjectId c = f.add(b);
  std::vector<uint64_t> seen;
  EXPECT_EQ(f.registry().for_each([&](const ProcessLink& link) { seen.push_back(link.id.value); }),
            3u);
  EXPECT_EQ(seen, (std::vector<uint64_t>{a.value, b.value, c.value}));
  EXPECT_EQ(f.registry().count(), 3u);
}

}  // namespace
}  // namespace viper::object
