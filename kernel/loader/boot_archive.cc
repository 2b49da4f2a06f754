#include "kernel/loader/boot_archive.h"

namespace viper::loader {
namespace {

// The newc header: a six-byte magic, then thirteen 8-digit hex fields.
constexpr size_t kHeaderBytes = 110;
constexpr size_t kFieldCount = 13;
enum Field : size_t { kMode = 1, kFileSize = 6, kNameSize = 11 };
constexpr char kTrailerName[] = "TRAILER!!!";

constexpr size_t align4(size_t value) { return (value + 3) & ~size_t{3}; }

bool read_hex(const uint8_t* digits, uint32_t& value) {
  value = 0;
  for (size_t i = 0; i < 8; ++i) {
    const uint8_t c = digits[i];
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    value = value << 4 | digit;
  }
  return true;
}

struct Header {
  uint32_t fields[kFieldCount];
  const char* name;
  size_t name_bytes;  // with the NUL
  size_t contents_offset;
  size_t next_offset;
};

// Reads and checks the header at `offset`; nullptr or the reason it is bad.
const char* read_header(ConstBytes image, size_t offset, Header& header) {
  if (image.size() - offset < kHeaderBytes) return "archive ends inside a header";
  const uint8_t* at = image.data() + offset;
  if (__builtin_memcmp(at, "07070", 5) != 0 || (at[5] != '1' && at[5] != '2')) {
    return "bad cpio magic (not a newc archive)";
  }
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (!read_hex(at + 6 + 8 * i, header.fields[i])) return "bad hex digit in a cpio header";
  }
  const size_t name_bytes = header.fields[kNameSize];
  if (name_bytes < 2 || name_bytes > kMaxArchiveNameBytes) return "bad name size in a cpio header";
  if (image.size() - offset - kHeaderBytes < name_bytes) return "archive ends inside a name";
  const char* name = reinterpret_cast<const char*>(at + kHeaderBytes);
  for (size_t i = 0; i + 1 < name_bytes; ++i) {
    if (name[i] == '\0') return "NUL inside a cpio name";
  }
  if (name[name_bytes - 1] != '\0') return "cpio name is not NUL-terminated";
  header.name = name;
  header.name_bytes = name_bytes;
  header.contents_offset = align4(offset + kHeaderBytes + name_bytes);
  const size_t size = header.fields[kFileSize];
  if (header.contents_offset > image.size() || image.size() - header.contents_offset < size) {
    return "archive ends inside a file's contents";
  }
  header.next_offset = align4(header.contents_offset + size);
  return nullptr;
}

// "./bin/x" and "/bin/x" name "bin/x"; "." names the root.
const char* strip_prefix(const char* name) {
  while (name[0] == '.' && name[1] == '/') name += 2;
  while (name[0] == '/') ++name;
  return name;
}

bool same_name(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

ArchiveEntry entry_from(ConstBytes image, const Header& header) {
  return ArchiveEntry{
      .name = strip_prefix(header.name),
      .mode = header.fields[kMode],
      .contents = ConstBytes(image.data() + header.contents_offset, header.fields[kFileSize]),
  };
}

}  // namespace

ArchiveEntry ArchiveCursor::operator*() const {
  Header header;
  read_header(image_, offset_, header);  // checked by open()
  return entry_from(image_, header);
}

ArchiveCursor& ArchiveCursor::operator++() {
  Header header;
  read_header(image_, offset_, header);
  offset_ = header.next_offset;
  return *this;
}

Result<BootArchive> BootArchive::open(ConstBytes image, const char** reason) {
  auto refuse = [&](const char* why) -> Result<BootArchive> {
    if (reason != nullptr) *reason = why;
    return Error::kCorrupt;
  };
  BootArchive archive;
  archive.image_ = image;
  size_t offset = 0;
  for (;;) {
    if (offset >= image.size()) return refuse("archive has no trailer");
    Header header;
    if (const char* why = read_header(image, offset, header)) return refuse(why);
    if (same_name(header.name, kTrailerName)) {
      archive.trailer_offset_ = offset;
      break;
    }
    if (archive.count_ == kMaxArchiveEntries) return refuse("too many entries in the archive");
    // Names must be unique, or which file a lookup finds would depend on
    // the walk (quadratic, bounded by kMaxArchiveEntries).
    const char* name = strip_prefix(header.name);
    for (ArchiveCursor c(image, 0); c != ArchiveCursor(image, offset); ++c) {
      if (same_name((*c).name, name)) return refuse("two entries with one name");
    }
    ++archive.count_;
    offset = header.next_offset;
  }
  if (reason != nullptr) *reason = nullptr;
  return archive;
}

Result<ArchiveEntry> BootArchive::find(const char* path) const {
  const char* wanted = strip_prefix(path);
  for (ArchiveEntry entry : *this) {
    if (same_name(entry.name, wanted)) return entry;
  }
  return Error::kNotFound;
}

Result<ArchiveEntry> BootArchive::entry(size_t index) const {
  if (index >= count_) return Error::kOutOfRange;
  ArchiveCursor cursor = begin();
  for (size_t i = 0; i < index; ++i) ++cursor;
  return *cursor;
}

}  // namespace viper::loader
