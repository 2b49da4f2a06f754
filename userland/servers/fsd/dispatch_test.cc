// The request decoding and dispatch, called directly (no channels): every
// op works as fs_protocol.h says, and every malformed request is -EINVAL.
#include "userland/servers/fsd/dispatch.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "userland/servers/fsd/test_image.h"

using namespace fsd_test;

namespace {

struct Reply {
  viper_fs_reply header;
  std::string payload;
  fsd_result result;
};

std::vector<uint8_t> Request(uint32_t op, const std::string& path = "", uint32_t flags = 0,
                             uint64_t offset = 0, uint64_t count = 0, uint32_t mode = 0,
                             const std::string& data = "") {
  viper_fs_request h{op, flags, offset, count, mode, static_cast<uint32_t>(path.size())};
  std::vector<uint8_t> bytes(sizeof(h) + path.size() + data.size());
  memcpy(bytes.data(), &h, sizeof(h));
  memcpy(bytes.data() + sizeof(h), path.data(), path.size());
  memcpy(bytes.data() + sizeof(h) + path.size(), data.data(), data.size());
  return bytes;
}

class Dispatch : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tree = TempDir("dispatch-tree");
    WriteFile(tree + "/long", Pattern(10000, 5));
    image_ = MakeImage("dispatch", 1024, 8192, tree);
    device_ = std::make_unique<FileDevice>(image_);
    fs_ = Mount(*device_);
    ASSERT_NE(fs_, nullptr);
    ASSERT_EQ(fsd_conn_root(fs_, &root_), 0);
  }
  void TearDown() override {
    if (!fs_) return;
    for (auto& c : opened_) fsd_conn_close(fs_, &c);
    fsd_conn_close(fs_, &root_);
    ASSERT_EQ(ext2_unmount(fs_), 0);
    fsd_test::Run fsck = Fsck(image_);
    EXPECT_EQ(fsck.status, 0) << fsck.out;
  }

  Reply Call(const fsd_conn& conn, const std::vector<uint8_t>& request) {
    std::vector<uint8_t> buffer(FSD_REPLY_MAX);
    Reply r;
    fsd_dispatch(fs_, &conn, request.data(), request.size(), buffer.data(), &r.result);
    EXPECT_GE(r.result.reply_bytes, sizeof(viper_fs_reply));
    memcpy(&r.header, buffer.data(), sizeof(r.header));
    r.payload.assign(reinterpret_cast<char*>(buffer.data()) + sizeof(r.header),
                     r.result.reply_bytes - sizeof(r.header));
    if (r.result.has_conn) opened_.push_back(r.result.conn);
    return r;
  }
  int32_t Status(const fsd_conn& conn, const std::vector<uint8_t>& request) {
    return Call(conn, request).header.status;
  }
  fsd_conn OpenConn(const std::string& path, uint32_t flags) {
    Reply r = Call(root_, Request(VIPER_FS_OPEN, path, flags, 0, 0, flags & O_CREAT ? 0644 : 0));
    EXPECT_EQ(r.header.status, 0) << path;
    EXPECT_TRUE(r.result.has_conn);
    return r.result.conn;
  }
  void Close(const fsd_conn& c) {
    for (size_t i = 0; i < opened_.size(); ++i) {
      if (opened_[i].ino == c.ino && opened_[i].flags == c.flags) {
        fsd_conn_close(fs_, &opened_[i]);
        opened_.erase(opened_.begin() + static_cast<long>(i));
        return;
      }
    }
  }

  std::string image_;
  std::unique_ptr<FileDevice> device_;
  ext2_fs* fs_ = nullptr;
  fsd_conn root_;
  std::vector<fsd_conn> opened_;
};

TEST_F(Dispatch, REL006_OTruncLeavesNoTailOfTheLongerFile) {
  // A short file written over a long one with O_TRUNC: only the short bytes.
  fsd_conn f = OpenConn("long", O_WRONLY | O_TRUNC);
  Reply w = Call(f, Request(VIPER_FS_WRITE, "", 0, 0, 5, 0, "short"));
  EXPECT_EQ(w.header.status, 0);
  EXPECT_EQ(w.header.value, 5u);
  Close(f);
  fsd_conn r = OpenConn("long", O_RDONLY);
  Reply read = Call(r, Request(VIPER_FS_READ, "", 0, 0, 100));
  EXPECT_EQ(read.payload, "short");
  Reply st = Call(r, Request(VIPER_FS_STAT));
  viper_fs_stat s;
  memcpy(&s, st.payload.data(), sizeof(s));
  EXPECT_EQ(s.size, 5u);
  Close(r);
  for (auto& c : opened_) fsd_conn_close(fs_, &c);
  opened_.clear();
  fsd_conn_close(fs_, &root_);
  ASSERT_EQ(ext2_unmount(fs_), 0);
  fs_ = nullptr;
  EXPECT_EQ(DebugfsCat(image_, "/long"), "short");
  EXPECT_EQ(Fsck(image_).status, 0);
}

TEST_F(Dispatch, FileOpsFollowTheProtocol) {
  fsd_conn f = OpenConn("new", O_CREAT | O_RDWR);
  Reply w = Call(f, Request(VIPER_FS_WRITE, "", 0, 10, 3, 0, "abc"));
  EXPECT_EQ(w.header.value, 3u);
  EXPECT_EQ(w.header.offset, 13u);
  Reply a = Call(f, Request(VIPER_FS_WRITE, "", VIPER_FS_APPEND, 0, 2, 0, "de"));
  EXPECT_EQ(a.header.offset, 15u);
  Reply r = Call(f, Request(VIPER_FS_READ, "", 0, 0, VIPER_FS_IO_MAX));
  EXPECT_EQ(r.header.value, 15u);
  EXPECT_EQ(r.payload, std::string(10, '\0') + "abcde");
  EXPECT_EQ(Call(f, Request(VIPER_FS_READ, "", 0, 15, 10)).header.value, 0u) << "at the end";
  EXPECT_EQ(Status(f, Request(VIPER_FS_TRUNCATE, "", 0, 4)), 0);
  EXPECT_EQ(Call(f, Request(VIPER_FS_READ, "", 0, 0, 100)).payload.size(), 4u);
  EXPECT_EQ(Status(f, Request(VIPER_FS_SYNC)), 0);
  Reply clone = Call(f, Request(VIPER_FS_CLONE));
  ASSERT_TRUE(clone.result.has_conn);
  EXPECT_EQ(clone.result.conn.ino, f.ino);
  EXPECT_EQ(Call(root_, Request(VIPER_FS_OPEN, "", O_RDONLY)).header.value, 1u) << "a directory";

  fsd_conn ro = OpenConn("new", O_RDONLY);
  EXPECT_EQ(Status(ro, Request(VIPER_FS_WRITE, "", 0, 0, 1, 0, "x")), -EBADF);
  EXPECT_EQ(Status(ro, Request(VIPER_FS_TRUNCATE, "", 0, 0)), -EBADF);
  fsd_conn wo = OpenConn("new", O_WRONLY);
  EXPECT_EQ(Status(wo, Request(VIPER_FS_READ, "", 0, 0, 1)), -EBADF);
}

TEST_F(Dispatch, NamespaceOpsFollowTheProtocol) {
  EXPECT_EQ(Status(root_, Request(VIPER_FS_MKDIR, "d", 0, 0, 0, 0755)), 0);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_MKDIR, "d", 0, 0, 0, 0755)), -EEXIST);
  OpenConn("d/f", O_CREAT | O_WRONLY);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_RMDIR, "d")), -ENOTEMPTY);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_RENAME, std::string("d/f\0g", 5))), 0);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_LINK, std::string("g\0h", 3))), 0);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_SYMLINK, std::string("g\0s", 3))), 0);
  Reply link = Call(root_, Request(VIPER_FS_READLINK, "s"));
  EXPECT_EQ(link.payload, "g");
  EXPECT_EQ(Status(root_, Request(VIPER_FS_READLINK, "g")), -EINVAL) << "not a link";
  EXPECT_EQ(Status(root_, Request(VIPER_FS_UNLINK, "d")), -EISDIR);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_RMDIR, "d")), 0);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_UNLINK, "h")), 0);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_UNLINK, "h")), -ENOENT);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_CHMOD, "g", 0, 0, 0, 0600)), 0);
  EXPECT_EQ(Status(root_, Request(VIPER_FS_UTIMES, "g", 0, 1, 2)), 0);
  Reply st = Call(root_, Request(VIPER_FS_STAT, "g", VIPER_FS_NOFOLLOW));
  ASSERT_EQ(st.payload.size(), sizeof(viper_fs_stat));
  viper_fs_stat s;
  memcpy(&s, st.payload.data(), sizeof(s));
  EXPECT_EQ(s.mode, 0x8000u | 0600);
  EXPECT_EQ(s.nlink, 1u);
  EXPECT_EQ(s.atime_ns, 1);
  EXPECT_EQ(s.mtime_ns, 2);
  Reply sf = Call(root_, Request(VIPER_FS_STATFS));
  ASSERT_EQ(sf.payload.size(), sizeof(viper_fs_statfs));
  viper_fs_statfs f;
  memcpy(&f, sf.payload.data(), sizeof(f));
  EXPECT_EQ(f.block_size, 1024u);
  EXPECT_EQ(f.read_only, 0u);
  EXPECT_GT(f.free_blocks, 0u);
}

TEST_F(Dispatch, ReaddirCookiesVisitEveryEntryOnce) {
  std::set<std::string> expected = {".", "..", "lost+found", "long"};
  for (int i = 0; i < 300; ++i) {
    std::string name = "file-" + std::to_string(i);
    Close(OpenConn(name, O_CREAT | O_WRONLY));
    expected.insert(name);
  }
  std::multiset<std::string> seen;
  uint64_t cookie = 0;
  int calls = 0;
  do {
    Reply r = Call(root_, Request(VIPER_FS_READDIR, "", 0, cookie, 256));  // a few at a time
    ASSERT_EQ(r.header.status, 0);
    size_t at = 0;
    for (uint64_t i = 0; i < r.header.value; ++i) {
      viper_fs_dirent e;
      ASSERT_LE(at + sizeof(e), r.payload.size());
      memcpy(&e, r.payload.data() + at, sizeof(e));
      ASSERT_EQ(e.record_bytes % 8, 0u);
      seen.insert(r.payload.substr(at + sizeof(e), e.name_bytes));
      at += e.record_bytes;
    }
    EXPECT_EQ(at, r.payload.size());
    cookie = r.header.offset;
    ASSERT_LT(++calls, 1000);
  } while (cookie != 0);
  EXPECT_GT(calls, 10);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size()) << "no entry twice";
  EXPECT_EQ(Status(root_, Request(VIPER_FS_READDIR, "", 0, 0, 8)), -EINVAL) << "no record fits";
}

TEST_F(Dispatch, MalformedRequestsAreInvalid) {
  fsd_conn file = OpenConn("long", O_RDWR);
  std::vector<uint8_t> ok = Request(VIPER_FS_STAT, "long");
  auto shortened = [](std::vector<uint8_t> r, size_t n) {
    r.resize(n);
    return r;
  };
  auto with_path_bytes = [](std::vector<uint8_t> r, uint32_t n) {
    memcpy(r.data() + offsetof(viper_fs_request, path_bytes), &n, sizeof(n));
    return r;
  };
  auto extra = [](std::vector<uint8_t> r) {
    r.push_back('x');
    return r;
  };
  struct Case {
    const char* what;
    const fsd_conn* conn;
    std::vector<uint8_t> request;
  } cases[] = {
      {"empty", &root_, {}},
      {"shorter than the header", &root_, shortened(ok, sizeof(viper_fs_request) - 1)},
      {"path_bytes past the end", &root_, with_path_bytes(ok, 5)},
      {"bytes the header does not count", &root_, extra(ok)},
      {"unknown op", &root_, Request(99)},
      {"op 0", &root_, Request(0)},
      {"READ on a directory", &root_, Request(VIPER_FS_READ, "", 0, 0, 10)},
      {"READDIR on a file", &file, Request(VIPER_FS_READDIR, "", 0, 0, 100)},
      {"OPEN on a file", &file, Request(VIPER_FS_OPEN, "x")},
      {"a path on a file connection", &file, Request(VIPER_FS_STAT, "x")},
      {"WRITE count not the data", &file, Request(VIPER_FS_WRITE, "", 0, 0, 9, 0, "abc")},
      {"WRITE over the limit", &file,
       Request(VIPER_FS_WRITE, "", 0, 0, VIPER_FS_IO_MAX + 1, 0,
               std::string(VIPER_FS_IO_MAX + 1, 'w'))},
      {"READ over the limit", &file, Request(VIPER_FS_READ, "", 0, 0, VIPER_FS_IO_MAX + 1)},
      {"READDIR over the limit", &root_, Request(VIPER_FS_READDIR, "", 0, 0, VIPER_FS_IO_MAX + 1)},
      {"RENAME without a NUL", &root_, Request(VIPER_FS_RENAME, "long")},
      {"RENAME with two NULs", &root_, Request(VIPER_FS_RENAME, std::string("a\0b\0c", 5))},
      {"a NUL in a path", &root_, Request(VIPER_FS_UNLINK, std::string("lo\0ng", 5))},
      {"flags MKDIR does not take", &root_, Request(VIPER_FS_MKDIR, "m", 1)},
      {"NOFOLLOW on OPEN", &root_, Request(VIPER_FS_OPEN, "long", VIPER_FS_NOFOLLOW)},
      {"mode beyond permissions", &root_, Request(VIPER_FS_MKDIR, "m", 0, 0, 0, 0170755)},
      {"mode on UNLINK", &root_, Request(VIPER_FS_UNLINK, "long", 0, 0, 0, 0644)},
      {"a path on STATFS", &root_, Request(VIPER_FS_STATFS, "x")},
      {"an empty component", &root_, Request(VIPER_FS_MKDIR, "a//b", 0, 0, 0, 0755)},
      {"a leading slash", &root_, Request(VIPER_FS_STAT, "/long")},
      {"a dot", &root_, Request(VIPER_FS_STAT, ".")},
      {"a dot-dot", &root_, Request(VIPER_FS_OPEN, "../long")},
      {"a symlink with no target", &root_, Request(VIPER_FS_SYMLINK, std::string("\0s", 2))},
  };
  for (auto& c : cases) {
    Reply r = Call(*c.conn, c.request);
    EXPECT_EQ(r.header.status, -EINVAL) << c.what;
    EXPECT_FALSE(r.result.has_conn) << c.what;
    EXPECT_EQ(r.payload.size(), 0u) << c.what;
  }
  EXPECT_EQ(Status(root_, Request(VIPER_FS_STAT, std::string(256, 'n'))), -ENAMETOOLONG);
  std::vector<uint8_t> buffer(FSD_REPLY_MAX);
  fsd_result result;
  fsd_dispatch(fs_, nullptr, ok.data(), ok.size(), buffer.data(), &result);
  viper_fs_reply header;
  memcpy(&header, buffer.data(), sizeof(header));
  EXPECT_EQ(header.status, -EINVAL) << "no connection";
  // Nothing changed: the file is intact.
  EXPECT_EQ(Call(file, Request(VIPER_FS_READ, "", 0, 0, 20000)).payload, Pattern(10000, 5));
}

}  // namespace

// The shared buffer (VIPER_FS_SHARE): READ_SHARED and WRITE_SHARED move
// their bytes through conn.shared, the reply is the header alone.
TEST_F(Dispatch, SharedReadsAndWritesUseTheConnectionsBuffer) {
  std::vector<uint8_t> buffer(VIPER_FS_SHARED_MIN * 4, 0xee);
  fsd_conn f = OpenConn("long", O_RDWR);
  f.shared = buffer.data();
  f.shared_bytes = buffer.size();
  Reply r = Call(f, Request(VIPER_FS_READ_SHARED, "", 0, 0, buffer.size()));
  EXPECT_EQ(r.header.status, 0);
  EXPECT_EQ(r.header.value, 10000u) << "short at the end of the file";
  EXPECT_EQ(r.payload, "") << "no data in the reply";
  EXPECT_EQ(std::string(buffer.begin(), buffer.begin() + 10000), Pattern(10000, 5));
  EXPECT_EQ(buffer[10000], 0xee) << "nothing past what was read";

  memcpy(buffer.data(), "shared", 6);
  Reply w = Call(f, Request(VIPER_FS_WRITE_SHARED, "", 0, 9998, 6));
  EXPECT_EQ(w.header.status, 0);
  EXPECT_EQ(w.header.value, 6u);
  EXPECT_EQ(w.header.offset, 10004u);
  Reply a = Call(f, Request(VIPER_FS_WRITE_SHARED, "", VIPER_FS_APPEND, 0, 2));
  EXPECT_EQ(a.header.offset, 10006u) << "appended at the end";
  Reply back = Call(f, Request(VIPER_FS_READ, "", 0, 9998, 100));
  EXPECT_EQ(back.payload, "sharedsh");

  Reply clone = Call(f, Request(VIPER_FS_CLONE));
  ASSERT_TRUE(clone.result.has_conn);
  EXPECT_EQ(clone.result.conn.shared, nullptr) << "a clone does not inherit the buffer";
  EXPECT_EQ(Status(clone.result.conn, Request(VIPER_FS_READ_SHARED, "", 0, 0, 1)), -ENOBUFS);
  Close(f);
}

TEST_F(Dispatch, SharedRequestsRefuseBadInput) {
  std::vector<uint8_t> buffer(VIPER_FS_SHARED_MIN);
  fsd_conn none = OpenConn("long", O_RDWR);
  EXPECT_EQ(Status(none, Request(VIPER_FS_READ_SHARED, "", 0, 0, 1)), -ENOBUFS);
  EXPECT_EQ(Status(none, Request(VIPER_FS_WRITE_SHARED, "", 0, 0, 1)), -ENOBUFS);
  EXPECT_EQ(Status(none, Request(VIPER_FS_SHARE)), -EINVAL)
      << "a SHARE without the server's handle";
  fsd_conn f = none;
  f.shared = buffer.data();
  f.shared_bytes = buffer.size();
  EXPECT_EQ(Status(f, Request(VIPER_FS_READ_SHARED, "", 0, 0, buffer.size() + 1)), -EINVAL)
      << "a count beyond the buffer";
  EXPECT_EQ(Status(f, Request(VIPER_FS_WRITE_SHARED, "", 0, 0, buffer.size() + 1)), -EINVAL);
  EXPECT_EQ(Status(f, Request(VIPER_FS_WRITE_SHARED, "", 0, 0, 1, 0, "x")), -EINVAL)
      << "data in the message";
  EXPECT_EQ(Status(f, Request(VIPER_FS_READ_SHARED, "", O_APPEND, 0, 1)), -EINVAL);
  fsd_conn ro = OpenConn("long", O_RDONLY), wo = OpenConn("long", O_WRONLY);
  ro.shared = wo.shared = buffer.data();
  ro.shared_bytes = wo.shared_bytes = buffer.size();
  EXPECT_EQ(Status(ro, Request(VIPER_FS_WRITE_SHARED, "", 0, 0, 1)), -EBADF);
  EXPECT_EQ(Status(wo, Request(VIPER_FS_READ_SHARED, "", 0, 0, 1)), -EBADF);
  fsd_conn dir = root_;
  dir.shared = buffer.data();
  dir.shared_bytes = buffer.size();
  EXPECT_EQ(Status(dir, Request(VIPER_FS_READ_SHARED, "", 0, 0, 1)), -EINVAL) << "a directory";
  Close(none);
  Close(ro);
  Close(wo);
}

TEST_F(Dispatch, ShareChecksTheHandleItCarries) {
  fsd_conn f = OpenConn("long", O_RDWR);
  const std::vector<uint8_t> share = Request(VIPER_FS_SHARE);
  auto check = [&](const fsd_conn& c, const std::vector<uint8_t>& request, size_t handles,
                   int is_vmo, int read_write, uint64_t size) {
    return fsd_share_check(&c, request.data(), request.size(), handles, is_vmo, read_write, size);
  };
  EXPECT_EQ(check(f, share, 1, 1, 1, VIPER_FS_SHARED_MIN), 0);
  EXPECT_EQ(check(f, share, 1, 1, 1, VIPER_FS_SHARED_MAX), 0);
  EXPECT_EQ(check(f, share, 0, 0, 0, 0), -EINVAL) << "no handle";
  EXPECT_EQ(check(f, share, 2, 1, 1, VIPER_FS_SHARED_MIN), -EINVAL) << "two handles";
  EXPECT_EQ(check(f, share, 1, 0, 1, VIPER_FS_SHARED_MIN), -EINVAL) << "not a VMO";
  EXPECT_EQ(check(f, share, 1, 1, 0, VIPER_FS_SHARED_MIN), -EACCES) << "without READ and WRITE";
  EXPECT_EQ(check(f, share, 1, 1, 1, VIPER_FS_SHARED_MIN - 1), -EINVAL) << "too small";
  EXPECT_EQ(check(f, share, 1, 1, 1, VIPER_FS_SHARED_MAX + 4096), -EINVAL) << "too large";
  EXPECT_EQ(check(root_, share, 1, 1, 1, VIPER_FS_SHARED_MIN), -EINVAL) << "a directory";
  EXPECT_EQ(check(f, Request(VIPER_FS_SHARE, "", 0, 0, 1), 1, 1, 1, VIPER_FS_SHARED_MIN), -EINVAL)
      << "a count";
  EXPECT_EQ(check(f, Request(VIPER_FS_READ), 1, 1, 1, VIPER_FS_SHARED_MIN), -EINVAL) << "not SHARE";
  EXPECT_EQ(
      check(f, std::vector<uint8_t>(share.begin(), share.end() - 1), 1, 1, 1, VIPER_FS_SHARED_MIN),
      -EINVAL)
      << "too short";
  uint8_t byte = 0;
  fsd_conn has = f;
  has.shared = &byte;
  has.shared_bytes = VIPER_FS_SHARED_MIN;
  EXPECT_EQ(check(has, share, 1, 1, 1, VIPER_FS_SHARED_MIN), -EBUSY) << "a second buffer";
  Close(f);
}

// fsd_dispatch_cached (the poller's): a cached READ or READ_SHARED is
// answered as fsd_dispatch answers it; anything else is left alone.
TEST_F(Dispatch, CachedDispatchAnswersOnlyReadsTheCacheHolds) {
  fsd_conn f = OpenConn("long", O_RDWR);
  std::vector<uint8_t> reply(FSD_REPLY_MAX);
  fsd_result out;
  auto cached = [&](const std::vector<uint8_t>& request) {
    return fsd_dispatch_cached(fs_, &f, request.data(), request.size(), reply.data(), &out);
  };
  Reply plain = Call(f, Request(VIPER_FS_READ, "", 0, 0, 20000)); /* now cached */
  ASSERT_EQ(cached(Request(VIPER_FS_READ, "", 0, 0, 20000)), 1);
  EXPECT_EQ(out.reply_bytes, sizeof(viper_fs_reply) + 10000);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(reply.data()) + sizeof(viper_fs_reply), 10000),
            plain.payload);
  std::vector<uint8_t> buffer(VIPER_FS_SHARED_MIN * 4);
  f.shared = buffer.data();
  f.shared_bytes = buffer.size();
  ASSERT_EQ(cached(Request(VIPER_FS_READ_SHARED, "", 0, 100, 50)), 1);
  EXPECT_EQ(out.reply_bytes, sizeof(viper_fs_reply));
  EXPECT_EQ(std::string(buffer.begin(), buffer.begin() + 50), plain.payload.substr(100, 50));
  ASSERT_EQ(cached(Request(VIPER_FS_READ_SHARED, "", 0, 0, buffer.size() + 1)), 1)
      << "bad input is answered too";
  viper_fs_reply header;
  memcpy(&header, reply.data(), sizeof(header));
  EXPECT_EQ(header.status, -EINVAL);
  EXPECT_EQ(cached(Request(VIPER_FS_STAT)), 0) << "not a read";
  EXPECT_EQ(cached(Request(VIPER_FS_WRITE, "", 0, 0, 1, 0, "x")), 0) << "not a read";
  EXPECT_EQ(cached(Request(VIPER_FS_READ, "x", 0, 0, 1)), 0) << "malformed: fsd_dispatch says why";
  EXPECT_EQ(cached(std::vector<uint8_t>(3)), 0) << "too short";
  Close(f);
}

// The write generations (fs_protocol.h): every request that changes a
// node's data adds one to its slot before the reply; reads do not.
TEST_F(Dispatch, WritesBumpTheNodesGenerationReadsDoNot) {
  std::vector<uint32_t> slots(VIPER_FS_GENERATION_SLOTS, 0);
  fsd_set_generations(slots.data());
  fsd_conn f = OpenConn("long", O_RDWR);
  uint32_t& mine = slots[VIPER_FS_GENERATION_SLOT(f.ino)];
  std::vector<uint8_t> buffer(VIPER_FS_SHARED_MIN);
  f.shared = buffer.data();
  f.shared_bytes = buffer.size();
  Call(f, Request(VIPER_FS_READ, "", 0, 0, 100));
  Call(f, Request(VIPER_FS_READ_SHARED, "", 0, 0, 100));
  Call(f, Request(VIPER_FS_STAT));
  EXPECT_EQ(mine, 0u) << "reads change nothing";
  Call(f, Request(VIPER_FS_WRITE, "", 0, 0, 1, 0, "x"));
  EXPECT_EQ(mine, 1u);
  Call(f, Request(VIPER_FS_WRITE_SHARED, "", 0, 0, 1));
  EXPECT_EQ(mine, 2u);
  Call(f, Request(VIPER_FS_TRUNCATE, "", 0, 5000));
  EXPECT_EQ(mine, 3u);
  fsd_conn t = OpenConn("long", O_WRONLY | O_TRUNC);
  EXPECT_EQ(mine, 4u) << "O_TRUNC empties it";
  fsd_conn other = OpenConn("other", O_CREAT | O_RDWR);
  Call(other, Request(VIPER_FS_WRITE, "", 0, 0, 1, 0, "y"));
  EXPECT_EQ(mine, VIPER_FS_GENERATION_SLOT(other.ino) == VIPER_FS_GENERATION_SLOT(f.ino) ? 5u : 4u)
      << "another node's write touches only its own slot";
  fsd_set_generations(nullptr);
  Close(f);
  Close(t);
  Close(other);
}
