#include "kernel/loader/boot_archive.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "testing/host/expect_ok.h"

namespace viper::loader {
namespace {

// Written by GNU cpio at build time (BUILD: the genrule "sample_archive").
constexpr char kSample[] = "kernel/loader/sample.cpio";

std::vector<uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

ConstBytes bytes(const std::vector<uint8_t>& v) { return ConstBytes(v.data(), v.size()); }

std::string text(ConstBytes contents) {
  return std::string(reinterpret_cast<const char*>(contents.data()), contents.size());
}

// A newc header for `name` with `size` bytes of contents.
std::string header(const std::string& name, size_t size, uint32_t mode = 0100644) {
  char fields[111];
  snprintf(fields, sizeof(fields), "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
           1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, name.size() + 1, 0);
  std::string out(fields, 110);
  out += name;
  out.push_back('\0');
  while (out.size() % 4) out.push_back('\0');
  return out;
}

std::string member(const std::string& name, const std::string& contents) {
  std::string out = header(name, contents.size()) + contents;
  while (out.size() % 4) out.push_back('\0');
  return out;
}

std::vector<uint8_t> archive(const std::string& members) {
  const std::string all = members + member("TRAILER!!!", "");
  return std::vector<uint8_t>(all.begin(), all.end());
}

void expect_corrupt(const std::vector<uint8_t>& image, const char* words) {
  const char* reason = nullptr;
  auto opened = BootArchive::open(bytes(image), &reason);
  ASSERT_FALSE(opened.ok()) << "accepted; expected: " << words;
  EXPECT_EQ(opened.error(), Error::kCorrupt);
  ASSERT_NE(reason, nullptr);
  EXPECT_NE(std::strstr(reason, words), nullptr) << reason << " (expected: " << words << ")";
}

TEST(BootArchive, ReadsWhatGnuCpioWrites) {
  const auto image = read_file(kSample);
  const char* reason = nullptr;
  auto archive = BootArchive::open(bytes(image), &reason);
  ASSERT_OK(archive) << reason;
  auto hello = archive->find("bin/hello.txt");
  ASSERT_OK(hello);
  EXPECT_TRUE(hello->is_regular_file());
  EXPECT_EQ(text(hello->contents), "hello from the boot archive\n");
  auto same = archive->find("/bin/hello.txt");
  ASSERT_OK(same);
  EXPECT_EQ(same->contents.data(), hello->contents.data());
  auto config = archive->find("./etc/init.conf");
  ASSERT_OK(config);
  EXPECT_EQ(text(config->contents).substr(0, 6), "# init");
  auto bin = archive->find("bin");
  ASSERT_OK(bin);
  EXPECT_TRUE(bin->is_directory());
  EXPECT_EQ(archive->find("bin/missing").error(), Error::kNotFound);
  size_t walked = 0;
  for (ArchiveEntry entry : *archive) {
    EXPECT_NE(std::string(entry.name), "TRAILER!!!");
    ++walked;
  }
  EXPECT_EQ(walked, archive->size());
  EXPECT_GE(walked, 4u);  // ".", bin, etc, and the files
}

TEST(BootArchive, EntriesAreListedByIndexInArchiveOrder) {
  const auto image = archive(member("bin", "") + member("bin/a", "1") + member("etc/b", "22"));
  auto opened = BootArchive::open(bytes(image));
  ASSERT_OK(opened);
  ASSERT_EQ(opened->size(), 3u);
  const char* names[] = {"bin", "bin/a", "etc/b"};
  for (size_t i = 0; i < 3; ++i) {
    auto entry = opened->entry(i);
    ASSERT_OK(entry);
    EXPECT_STREQ(entry->name, names[i]);
  }
  EXPECT_EQ(text(opened->entry(2)->contents), "22");
  EXPECT_EQ(opened->entry(3).error(), Error::kOutOfRange)
      << "past the last: the trailer is no entry";
  EXPECT_EQ(opened->entry(~size_t{0}).error(), Error::kOutOfRange);
  auto empty = BootArchive::open(bytes(archive("")));
  ASSERT_OK(empty);
  EXPECT_EQ(empty->entry(0).error(), Error::kOutOfRange);
}

// The loader caches program text only for bytes the archive holds.
TEST(BootArchive, HoldsItsOwnBytesAndNothingElse) {
  const auto image = archive(member("bin/a", "1234"));
  auto opened = BootArchive::open(bytes(image));
  ASSERT_OK(opened);
  const ConstBytes contents = opened->find("bin/a")->contents;
  EXPECT_TRUE(opened->holds(contents));
  EXPECT_TRUE(opened->holds(ConstBytes(image.data(), image.size())));
  const std::vector<uint8_t> elsewhere(image);
  EXPECT_FALSE(opened->holds(ConstBytes(elsewhere.data(), 4)));
  EXPECT_FALSE(opened->holds(ConstBytes(image.data() + image.size() - 2, 4))) << "runs past";
  EXPECT_FALSE(opened->holds(ConstBytes(image.data(), image.size() + 1)));
}

TEST(BootArchive, AnEmptyArchiveHasOnlyItsTrailer) {
  const auto image = archive("");
  auto opened = BootArchive::open(bytes(image));
  ASSERT_OK(opened);
  EXPECT_EQ(opened->size(), 0u);
  EXPECT_EQ(opened->find("x").error(), Error::kNotFound);
}

TEST(BootArchive, RefusesTruncatedArchives) {
  const auto image = archive(member("a", "contents of a") + member("b", "bee"));
  expect_corrupt({}, "no trailer");
  for (size_t cut : {size_t{50}, size_t{112}, size_t{130}, image.size() - 40}) {
    std::vector<uint8_t> part(image.begin(), image.begin() + cut);
    const char* reason = nullptr;
    ASSERT_FALSE(BootArchive::open(bytes(part), &reason).ok()) << "cut at " << cut;
    EXPECT_NE(reason, nullptr);
  }
  std::vector<uint8_t> no_trailer(image.begin(), image.end() - 124);
  expect_corrupt(no_trailer, "no trailer");
}

TEST(BootArchive, RefusesMalformedHeaders) {
  auto bad_magic = archive(member("a", "x"));
  bad_magic[5] = '7';  // 070707 is the old binary-ish "odc" format
  expect_corrupt(bad_magic, "magic");
  auto bad_digit = archive(member("a", "x"));
  bad_digit[6 + 8 * 6 + 3] = 'g';  // inside the file size
  expect_corrupt(bad_digit, "hex digit");
  auto huge_size = archive(member("a", "x"));
  std::memcpy(&huge_size[6 + 8 * 6], "7fffffff", 8);
  expect_corrupt(huge_size, "inside a file's contents");
  auto no_nul = archive(member("abc", "x"));
  no_nul[110 + 3] = 'd';
  expect_corrupt(no_nul, "not NUL-terminated");
  auto nul_inside = archive(member("abc", "x"));
  nul_inside[110 + 1] = '\0';
  expect_corrupt(nul_inside, "NUL inside");
  auto long_name = archive(member(std::string(kMaxArchiveNameBytes, 'n'), "x"));
  expect_corrupt(long_name, "name size");
  auto zero_name = archive(member("a", "x"));
  std::memcpy(&zero_name[6 + 8 * 11], "00000000", 8);
  expect_corrupt(zero_name, "name size");
}

TEST(BootArchive, RefusesDuplicateNames) {
  expect_corrupt(archive(member("bin/init", "one") + member("./bin/init", "two")),
                 "two entries with one name");
}

TEST(BootArchive, RefusesTooManyEntries) {
  std::string members;
  for (size_t i = 0; i <= kMaxArchiveEntries; ++i) members += member("f" + std::to_string(i), "");
  expect_corrupt(archive(members), "too many entries");
}

}  // namespace
}  // namespace viper::loader
