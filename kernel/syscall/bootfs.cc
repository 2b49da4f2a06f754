// Boot files: reading the boot archive (read-only), which is where
// programs and their configuration come from until fsd serves a disk.
#include "kernel/loader/boot_archive.h"
#include "kernel/loader/spawn.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {
namespace {

Result<loader::ArchiveEntry> file_arg(uint64_t path_address) {
  char path[VIPER_SPAWN_PATH_MAX];
  TRY(arch::copy_string_from_user(path, VirtAddr(path_address), sizeof(path)));
  const loader::BootArchive* archive = loader::boot_archive();
  if (archive == nullptr) return Error::kNotFound;
  const loader::ArchiveEntry entry = TRY(archive->find(path));
  if (!entry.is_regular_file()) return Error::kNotFound;
  return entry;
}

// (path, offset, buffer, size) -> bytes copied, 0 at or past the end.
Result<uint64_t> bootfs_read(CallContext&, const Arguments& a) {
  const loader::ArchiveEntry file = TRY(file_arg(a.value[0]));
  const uint64_t offset = a.value[1];
  if (a.value[3] > VIPER_BOOTFS_READ_MAX) return Error::kOutOfRange;
  if (offset >= file.contents.size()) return 0;
  const uint64_t left = file.contents.size() - offset;
  const uint64_t count = a.value[3] < left ? a.value[3] : left;
  TRY(arch::copy_to_user(VirtAddr(a.value[2]), file.contents.data() + offset, count));
  return count;
}

Result<uint64_t> bootfs_stat(CallContext&, const Arguments& a) {
  return TRY(file_arg(a.value[0])).contents.size();
}

// (index, name buffer, capacity) -> the length of entry `index`'s name,
// copied with its NUL: kOutOfRange past the last entry, kOverflow when the
// buffer cannot hold the name and its NUL (nothing is copied).
Result<uint64_t> bootfs_list(CallContext&, const Arguments& a) {
  const loader::BootArchive* archive = loader::boot_archive();
  if (archive == nullptr) return Error::kOutOfRange;  // no archive: no entries
  const loader::ArchiveEntry entry = TRY(archive->entry(a.value[0]));
  size_t length = 0;
  while (entry.name[length] != '\0') ++length;
  if (a.value[2] < length + 1) return Error::kOverflow;
  TRY(arch::copy_to_user(VirtAddr(a.value[1]), entry.name, length + 1));
  return length;
}

}  // namespace

void install_bootfs_calls() {
  install_call(VIPER_SYS_BOOTFS_READ, {"bootfs_read", &bootfs_read});
  install_call(VIPER_SYS_BOOTFS_STAT, {"bootfs_stat", &bootfs_stat});
  install_call(VIPER_SYS_BOOTFS_LIST, {"bootfs_list", &bootfs_list});
}

}  // namespace viper::syscall
