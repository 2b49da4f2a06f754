// USER-001: fsd serves many clients at once. N client threads run M
// operations each through the dispatch function, on private files, on one
// shared file (each thread its own region) and in one shared directory,
// all at the same time (run under TSan too: --config=tsan). Afterwards
// e2fsck finds the image clean and every file holds exactly what a model
// of the operations predicts.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "userland/servers/fsd/dispatch.h"
#include "userland/servers/fsd/test_image.h"

using namespace fsd_test;

namespace {

constexpr int kThreads = 8;
constexpr int kOps = 40;
constexpr size_t kRegion = 3000;  // each thread's part of the shared file

class Client {
 public:
  Client(ext2_fs* fs, const fsd_conn& root) : fs_(fs), root_(root), buffer_(FSD_REPLY_MAX) {}

  viper_fs_reply Call(const fsd_conn& conn, uint32_t op, const std::string& path,
                      uint32_t flags = 0, uint64_t offset = 0, uint64_t count = 0,
                      uint32_t mode = 0, const std::string& data = "", fsd_result* out = nullptr) {
    viper_fs_request h{op, flags, offset, count, mode, static_cast<uint32_t>(path.size())};
    std::string request(reinterpret_cast<char*>(&h), sizeof(h));
    request += path + data;
    fsd_result result;
    // As fsd serves it: the poller's cached answer when there is one
    // (reads), else a worker's.
    if (!fsd_dispatch_cached(fs_, &conn, request.data(), request.size(), buffer_.data(), &result))
      fsd_dispatch(fs_, &conn, request.data(), request.size(), buffer_.data(), &result);
    viper_fs_reply reply;
    memcpy(&reply, buffer_.data(), sizeof(reply));
    if (out) *out = result;
    return reply;
  }
  fsd_conn Open(const std::string& path, uint32_t flags) {
    fsd_result result;
    viper_fs_reply r = Call(root_, VIPER_FS_OPEN, path, flags, 0, 0, 0644, "", &result);
    EXPECT_EQ(r.status, 0) << path;
    return result.conn;
  }
  void Write(const fsd_conn& c, uint64_t offset, const std::string& data) {
    viper_fs_reply r = Call(c, VIPER_FS_WRITE, "", 0, offset, data.size(), 0, data);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.value, data.size());
  }
  const fsd_conn& root() const { return root_; }
  void Close(const fsd_conn& c) { fsd_conn_close(fs_, &c); }

 private:
  ext2_fs* fs_;
  fsd_conn root_;
  std::vector<uint8_t> buffer_;
};

std::string Bytes(int thread, int op, size_t size) {
  return Pattern(size, static_cast<uint32_t>(thread * 1000 + op));
}

// What thread `t` does; the model is built from the same rules.
void RunClient(Client& c, int t) {
  const std::string me = "private-" + std::to_string(t);
  fsd_conn mine = c.Open(me, O_CREAT | O_RDWR);
  fsd_conn shared = c.Open("shared", O_RDWR);
  for (int j = 0; j < kOps; ++j) {
    c.Write(mine, static_cast<uint64_t>(j) * 1500, Bytes(t, j, 1500));  // crosses blocks
    c.Write(shared, t * kRegion, Bytes(t, j, kRegion));
    std::string name = "common/" + std::to_string(t) + "-" + std::to_string(j);
    fsd_conn f = c.Open(name, O_CREAT | O_WRONLY | O_EXCL);
    c.Write(f, 0, name);
    c.Close(f);
    if (j % 2) EXPECT_EQ(c.Call(c.root(), VIPER_FS_UNLINK, name).status, 0);
    if (j % 5 == 0) {
      std::string from = "tmp-" + std::to_string(t), to = "final-" + std::to_string(t);
      fsd_conn tmp = c.Open(from, O_CREAT | O_WRONLY | O_TRUNC);
      c.Write(tmp, 0, Bytes(t, j, 700));
      c.Close(tmp);
      std::string paths = from + std::string(1, '\0') + to;
      EXPECT_EQ(c.Call(c.root(), VIPER_FS_RENAME, paths).status, 0);
    }
    viper_fs_reply r =
        c.Call(shared, VIPER_FS_READ, "", 0, ((t + 1) % kThreads) * kRegion, kRegion);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(c.Call(c.root(), VIPER_FS_STAT, "common").status, 0);
  }
  // The private file ends shorter than it grew: truncate frees the rest.
  EXPECT_EQ(c.Call(mine, VIPER_FS_TRUNCATE, "", 0, kOps * 1000).status, 0);
  c.Close(mine);
  c.Close(shared);
}

TEST(Concurrency, USER001_ManyClientsAtOnceLeaveACleanImageAndTheModelsBytes) {
  std::string image = MakeImage("concurrency", 1024, 32 * 1024, "");
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  ASSERT_NE(fs, nullptr);
  fsd_conn root;
  ASSERT_EQ(fsd_conn_root(fs, &root), 0);
  {
    Client setup(fs, root);
    ASSERT_EQ(setup.Call(root, VIPER_FS_MKDIR, "common", 0, 0, 0, 0755).status, 0);
    setup.Close(setup.Open("shared", O_CREAT | O_WRONLY));
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([fs, root, t] {
      Client c(fs, root);
      RunClient(c, t);
    });
  }
  for (auto& th : threads) th.join();
  fsd_conn_close(fs, &root);
  ASSERT_EQ(ext2_unmount(fs), 0);

  fsd_test::Run fsck = Fsck(image);
  EXPECT_EQ(fsck.status, 0) << fsck.out;
  std::string shared;
  for (int t = 0; t < kThreads; ++t) {
    std::string mine;
    for (int j = 0; j < kOps; ++j) mine += Bytes(t, j, 1500);
    mine.resize(kOps * 1000);
    EXPECT_TRUE(DebugfsCat(image, "/private-" + std::to_string(t)) == mine) << t;
    shared += Bytes(t, kOps - 1, kRegion);
    int last_rename = (kOps - 1) / 5 * 5;
    EXPECT_TRUE(DebugfsCat(image, "/final-" + std::to_string(t)) == Bytes(t, last_rename, 700));
  }
  EXPECT_TRUE(DebugfsCat(image, "/shared") == shared);
  std::vector<std::string> common = DebugfsLs(image, "/common");
  EXPECT_EQ(common.size(), static_cast<size_t>(kThreads * kOps / 2));
  for (int t = 0; t < kThreads; ++t) {
    for (int j = 0; j < kOps; j += 2) {
      std::string name = "common/" + std::to_string(t) + "-" + std::to_string(j);
      EXPECT_EQ(DebugfsCat(image, "/" + name), name);
    }
  }
}

}  // namespace
