#include "userland/servers/fsd/test_image.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fsd_test {

std::string Tool(const std::string& name) {
  for (const char* dir : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
    std::string path = std::string(dir) + name;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  ADD_FAILURE() << name << " not found in /usr/sbin or /sbin (./setup installs e2fsprogs)";
  return name;
}

Run Shell(const std::string& command) {
  Run run{-1, ""};
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, n);
  int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

static std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string TempDir(const std::string& name) {
  const char* base = getenv("TEST_TMPDIR");
  std::string dir = std::string(base ? base : "/tmp") + "/" + name;
  Shell("rm -rf " + Quote(dir));
  mkdir(dir.c_str(), 0755);
  return dir;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string Pattern(size_t size, uint32_t seed) {
  std::string s(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s[i] = static_cast<char>(x);
  }
  return s;
}

std::string MakeImage(const std::string& name, uint32_t block, uint32_t kib,
                      const std::string& tree, const std::string& extra) {
  const char* base = getenv("TEST_TMPDIR");
  std::string image = std::string(base ? base : "/tmp") + "/" + name + ".img";
  unlink(image.c_str());
  std::string command = Tool("mke2fs") + " -q -F -t ext2 -b " + std::to_string(block) + " " +
                        extra + (tree.empty() ? "" : " -d " + Quote(tree)) + " " + Quote(image) +
                        " " + std::to_string(kib) + "k";
  Run run = Shell(command);
  EXPECT_EQ(run.status, 0) << command << "\n" << run.out;
  return image;
}

Run Fsck(const std::string& image) { return Shell(Tool("e2fsck") + " -fn " + Quote(image)); }

std::string DebugfsCat(const std::string& image, const std::string& path) {
  std::string command = Tool("debugfs") + " -R " + Quote("cat " + path) + " " + Quote(image);
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  std::string out;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

std::vector<std::string> DebugfsLs(const std::string& image, const std::string& path) {
  std::string command = Tool("debugfs") + " -R " + Quote("ls -p " + path) + " " + Quote(image);
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  std::string out;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  // ls -p: /inode/mode/uid/gid/name/size/ per line.
  std::vector<std::string> names;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream parts(line);
    while (std::getline(parts, field, '/')) fields.push_back(field);
    if (fields.size() >= 6 && fields[5] != "." && fields[5] != ".." && fields[1] != "0")
      names.push_back(fields[5]);
  }
  return names;
}

FileDevice::FileDevice(const std::string& path, bool read_only) {
  fd_ = open(path.c_str(), read_only ? O_RDONLY : O_RDWR);
  EXPECT_GE(fd_, 0) << path;
  struct stat st{};
  if (fd_ < 0 || fstat(fd_, &st) != 0) st.st_size = 0;
  dev_ = fs_blockdev{this, static_cast<uint64_t>(st.st_size), read_only, Read, Write, Flush};
}

FileDevice::~FileDevice() { close(fd_); }

int FileDevice::Read(void* context, uint64_t offset, void* buffer, size_t bytes) {
  auto* self = static_cast<FileDevice*>(context);
  return pread(self->fd_, buffer, bytes, static_cast<off_t>(offset)) == static_cast<ssize_t>(bytes)
             ? 0
             : -EIO;
}

int FileDevice::Write(void* context, uint64_t offset, const void* buffer, size_t bytes) {
  auto* self = static_cast<FileDevice*>(context);
  if (self->dev_.read_only) return -EROFS;
  return pwrite(self->fd_, buffer, bytes, static_cast<off_t>(offset)) == static_cast<ssize_t>(bytes)
             ? 0
             : -EIO;
}

int FileDevice::Flush(void* context) {
  auto* self = static_cast<FileDevice*>(context);
  self->flushes_++;
  return fsync(self->fd_) == 0 ? 0 : -EIO;
}

ext2_fs* Mount(const FileDevice& device, std::string* message) {
  char why[256];
  ext2_fs* fs = nullptr;
  ext2_mount_options options{0, 256, nullptr, nullptr, 0};
  int r = ext2_mount(device.dev(), &options, &fs, why, sizeof(why));
  EXPECT_EQ(r, 0) << why;
  if (message) *message = why;
  return fs;
}

}  // namespace fsd_test
