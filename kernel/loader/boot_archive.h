// The boot archive: the programs and configuration the kernel starts with,
// a cpio "newc" archive (what `cpio -o -H newc` writes) that QEMU loads
// with -initrd. The kernel serves it read-only.
//
// open() checks the whole archive once — every header's magic and hex
// fields, names NUL-terminated and inside the archive, contents inside,
// the trailer present, names unique — so lookups afterwards trust it. A
// damaged archive is refused as a whole (kCorrupt, with the reason), never
// read half-way.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/span.h"

namespace viper::loader {

inline constexpr size_t kMaxArchiveEntries = 1024;
inline constexpr size_t kMaxArchiveNameBytes = 256;  // with the NUL

struct ArchiveEntry {
  const char* name;  // NUL-terminated, without a leading "./" or "/"
  uint32_t mode;     // the cpio mode: file type and permission bits
  ConstBytes contents;

  bool is_regular_file() const { return (mode & 0170000) == 0100000; }
  bool is_directory() const { return (mode & 0170000) == 0040000; }
};

// One entry's header as the walk over a checked archive sees it.
class ArchiveCursor {
 public:
  ArchiveCursor(ConstBytes image, size_t offset) : image_(image), offset_(offset) {}
  ArchiveEntry operator*() const;
  ArchiveCursor& operator++();
  bool operator!=(const ArchiveCursor& other) const { return offset_ != other.offset_; }

 private:
  ConstBytes image_;
  size_t offset_;
};

class BootArchive {
 public:
  BootArchive() = default;

  // Checks `image` (all of it) and returns the archive over it; the bytes
  // must stay where they are. `reason`, when given, says what was wrong.
  static Result<BootArchive> open(ConstBytes image, const char** reason = nullptr);

  // The entry named `path` ("bin/init", "/bin/init" and "./bin/init" are
  // the same): kNotFound. A walk: boot archives hold tens of files.
  Result<ArchiveEntry> find(const char* path) const;

  // Entry `index` in archive order (the listing of VIPER_SYS_BOOTFS_LIST):
  // kOutOfRange past the last. A walk, as find() is.
  Result<ArchiveEntry> entry(size_t index) const;

  size_t size() const { return count_; }
  // Whether `bytes` lie inside the archive (whose bytes never change).
  // (Compared as integers: `bytes` may point anywhere.)
  bool holds(ConstBytes bytes) const {
    const uintptr_t at = reinterpret_cast<uintptr_t>(bytes.data());
    const uintptr_t base = reinterpret_cast<uintptr_t>(image_.data());
    return at >= base && bytes.size() <= image_.size() && at - base <= image_.size() - bytes.size();
  }
  // Entries in archive order (the trailer excluded).
  ArchiveCursor begin() const { return ArchiveCursor(image_, 0); }
  ArchiveCursor end() const { return ArchiveCursor(image_, trailer_offset_); }

 private:
  ConstBytes image_;
  size_t count_ = 0;
  size_t trailer_offset_ = 0;
};

}  // namespace viper::loader
