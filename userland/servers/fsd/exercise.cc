#include "userland/servers/fsd/exercise.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace fsd_test {

MemoryDevice::MemoryDevice(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {
  dev_ = fs_blockdev{this, bytes_.size(), 0, Read, Write, Flush};
}

int MemoryDevice::Read(void* context, uint64_t offset, void* buffer, size_t bytes) {
  auto* self = static_cast<MemoryDevice*>(context);
  if (offset > self->bytes_.size() || bytes > self->bytes_.size() - offset) return -EIO;
  memcpy(buffer, self->bytes_.data() + offset, bytes);
  return 0;
}

int MemoryDevice::Write(void* context, uint64_t offset, const void* buffer, size_t bytes) {
  auto* self = static_cast<MemoryDevice*>(context);
  if (offset > self->bytes_.size() || bytes > self->bytes_.size() - offset) return -EIO;
  memcpy(self->bytes_.data() + offset, buffer, bytes);
  return 0;
}

int MemoryDevice::Flush(void*) { return 0; }

static void Put(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

const std::vector<uint8_t>& TemplateImage() {
  static const std::vector<uint8_t> image = [] {
    const char* base = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : getenv("TMPDIR");
    std::string dir =
        std::string(base ? base : "/tmp") + "/fsd-template-" + std::to_string(getpid());
    std::string tree = dir + "/tree", file = dir + "/image";
    mkdir(dir.c_str(), 0755);
    mkdir(tree.c_str(), 0755);
    mkdir((tree + "/dir").c_str(), 0755);
    Put(tree + "/small", "small file");
    Put(tree + "/indirect", std::string(300 * 1024, 'i'));
    for (int i = 0; i < 60; ++i) Put(tree + "/dir/entry" + std::to_string(i), std::to_string(i));
    link((tree + "/small").c_str(), (tree + "/dir/hard").c_str());
    symlink("small", (tree + "/link").c_str());
    std::string mke2fs =
        access("/usr/sbin/mke2fs", X_OK) == 0 ? "/usr/sbin/mke2fs" : "/sbin/mke2fs";
    std::string command =
        mke2fs + " -q -F -t ext2 -b 1024 -N 128 -d " + tree + " " + file + " 512k >/dev/null 2>&1";
    if (system(command.c_str()) != 0) abort();  // e2fsprogs is required (./setup)
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    system(("rm -rf " + dir).c_str());
    return bytes;
  }();
  return image;
}

namespace {

struct Walker {
  ext2_fs* fs;
  int failures = 0;
  int budget = 3000;  // entries visited at most: a corrupt tree can be huge

  void Check(int64_t r) { failures += r < 0; }

  void Walk(uint32_t dir, int depth) {
    struct Entry {
      uint32_t ino;
      uint8_t type;
      std::string name;
    };
    std::vector<Entry> entries;
    auto collect = [](void* c, uint32_t ino, uint8_t type, const char* name, size_t len) {
      auto* v = static_cast<std::vector<Entry>*>(c);
      if (v->size() >= 200) return 1;
      v->push_back({ino, type, std::string(name, len)});
      return 0;
    };
    uint64_t next = 0;
    Check(ext2_readdir(fs, dir, 0, collect, &entries, &next));
    for (auto& e : entries) {
      if (--budget < 0) return;
      if (e.name == "." || e.name == ".." || e.name.empty() ||
          e.name.find('/') != std::string::npos || e.name.find('\0') != std::string::npos)
        continue;
      viper_fs_stat st;
      int r = ext2_stat(fs, dir, e.name.data(), e.name.size(), &st);
      Check(r);
      if (r < 0) continue;
      uint32_t ino;
      int is_dir;
      if ((st.mode & 0xF000) == 0xA000) {
        char target[VIPER_FS_PATH_MAX];
        Check(ext2_readlink(fs, dir, e.name.data(), e.name.size(), target, sizeof(target)));
        continue;
      }
      r = ext2_open(fs, dir, e.name.data(), e.name.size(), O_RDONLY, 0, &ino, &is_dir);
      Check(r);
      if (r < 0) continue;
      if (is_dir) {
        if (depth < 6) Walk(ino, depth + 1);
      } else {
        std::vector<char> buffer(16384);
        for (uint64_t at = 0; at < (1u << 20);) {
          int64_t n = ext2_read(fs, ino, at, buffer.data(), buffer.size());
          Check(n);
          if (n <= 0) break;
          at += static_cast<uint64_t>(n);
        }
      }
      Check(ext2_close(fs, ino));
    }
  }
};

}  // namespace

int Exercise(const fs_blockdev* dev) {
  ext2_fs* fs = nullptr;
  char why[128];
  ext2_mount_options options{0, 48, nullptr, nullptr, 0};
  if (ext2_mount(dev, &options, &fs, why, sizeof(why)) < 0) return 1;
  Walker w{fs};
  w.Walk(2, 0);
  // Changes: each may fail on a corrupt image, none may crash.
  uint32_t ino;
  int is_dir;
  if (ext2_open(fs, 2, "new", 3, O_CREAT | O_RDWR | O_TRUNC, 0644, &ino, &is_dir) == 0) {
    std::string data(5000, 'n');
    uint64_t end;
    w.Check(ext2_write(fs, ino, 0, data.data(), data.size(), 0, &end));
    w.Check(ext2_truncate(fs, ino, 100));
    w.Check(ext2_fsync(fs, ino));
    w.Check(ext2_close(fs, ino));
  }
  w.Check(ext2_rename(fs, 2, "new", 3, "dir/renamed", 11));
  w.Check(ext2_mkdir(fs, 2, "made", 4, 0755));
  w.Check(ext2_rename(fs, 2, "made", 4, "dir/made", 8));
  w.Check(ext2_rmdir(fs, 2, "dir/made", 8));
  w.Check(ext2_unlink(fs, 2, "dir/renamed", 11));
  w.Check(ext2_unlink(fs, 2, "indirect", 8));
  w.Check(ext2_link(fs, 2, "small", 5, "small2", 6));
  w.Check(ext2_unmount(fs));
  return w.failures;
}

}  // namespace fsd_test
