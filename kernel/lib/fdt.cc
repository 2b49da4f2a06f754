#include "kernel/lib/fdt.h"

namespace viper::fdt {
namespace {

constexpr uint32_t kBeginNode = 1;
constexpr uint32_t kEndNode = 2;
constexpr uint32_t kProp = 3;
constexpr uint32_t kNop = 4;
constexpr uint32_t kEnd = 9;
constexpr uint32_t kHeaderSize = 40;
constexpr uint32_t kMinVersion = 16;

bool streq(const char* a, const char* b) {
  while (*a && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

// Length of a NUL-terminated string within [p, p + limit), or -1.
int64_t bounded_strlen(const uint8_t* p, uint64_t limit) {
  for (uint64_t i = 0; i < limit; ++i) {
    if (p[i] == 0) return static_cast<int64_t>(i);
  }
  return -1;
}

uint32_t align4(uint32_t value) { return (value + 3) & ~3u; }

}  // namespace

bool Property::is(const char* other) const { return streq(name, other); }

const char* Property::as_string() const {
  if (length == 0 || data[length - 1] != 0) return nullptr;
  return reinterpret_cast<const char*>(data);
}

bool Property::contains_string(const char* entry) const {
  uint32_t at = 0;
  while (at < length) {
    const int64_t n = bounded_strlen(data + at, length - at);
    if (n < 0) return false;
    if (streq(reinterpret_cast<const char*>(data + at), entry)) return true;
    at += static_cast<uint32_t>(n) + 1;
  }
  return false;
}

uint64_t Property::read(uint32_t cell_offset, uint32_t cells) const {
  uint64_t value = 0;
  const uint8_t* p = data + cell_offset * 4;
  for (uint32_t i = 0; i < cells; ++i) value = (value << 32) | read_be32(p + 4 * i);
  return value;
}

Result<Tree> Tree::parse(const void* blob, size_t available, const char** reason) {
  const char* why = nullptr;
  auto fail = [&](const char* what) -> Result<Tree> {
    if (reason) *reason = what;
    return Error::kCorrupt;
  };
  if (!blob) return fail("no device tree");
  const auto* base = static_cast<const uint8_t*>(blob);
  if (available < kHeaderSize) return fail("device tree shorter than its header");
  if (read_be32(base) != kMagic) return fail("bad device tree magic");
  const uint32_t total = read_be32(base + 4);
  const uint32_t struct_offset = read_be32(base + 8);
  const uint32_t strings_offset = read_be32(base + 12);
  const uint32_t version = read_be32(base + 20);
  const uint32_t strings_size = read_be32(base + 32);
  const uint32_t struct_size = read_be32(base + 36);
  if (total < kHeaderSize || total > available) return fail("device tree size out of range");
  if (version < kMinVersion) return fail("device tree version older than 16");
  if ((struct_offset & 3) != 0) return fail("misaligned structure block");
  if (uint64_t{struct_offset} + struct_size > total || struct_offset < kHeaderSize) {
    return fail("structure block outside the device tree");
  }
  if (uint64_t{strings_offset} + strings_size > total || strings_offset < kHeaderSize) {
    return fail("strings block outside the device tree");
  }
  Tree tree(base, total, struct_offset, struct_size, strings_offset, strings_size);
  why = tree.scan(nullptr);
  if (why) return fail(why);
  return tree;
}

void Tree::walk(Visitor& visitor) const { scan(&visitor); }

const char* Tree::scan(Visitor* visitor) const {
  const uint8_t* p = base_ + struct_offset_;
  const uint8_t* end = p + struct_size_;
  const uint8_t* strings = base_ + strings_offset_;
  uint32_t depth = 0;
  bool seen_root = false;
  for (;;) {
    if (end - p < 4) return "structure block ends without FDT_END";
    const uint32_t token = read_be32(p);
    p += 4;
    switch (token) {
      case kBeginNode: {
        if (seen_root && depth == 0) return "more than one root node";
        if (depth == kMaxDepth) return "device tree nested too deeply";
        const int64_t n = bounded_strlen(p, static_cast<uint64_t>(end - p));
        if (n < 0) return "unterminated node name";
        if (visitor) visitor->begin_node(reinterpret_cast<const char*>(p), depth);
        p += align4(static_cast<uint32_t>(n) + 1);
        seen_root = true;
        ++depth;
        break;
      }
      case kEndNode:
        if (depth == 0) return "unbalanced end of node";
        --depth;
        if (visitor) visitor->end_node(depth);
        break;
      case kProp: {
        if (depth == 0) return "property outside any node";
        if (end - p < 8) return "truncated property header";
        const uint32_t length = read_be32(p);
        const uint32_t name_offset = read_be32(p + 4);
        p += 8;
        if (length > static_cast<uint64_t>(end - p)) return "property value runs past the block";
        if (name_offset >= strings_size_) return "property name outside the strings block";
        if (bounded_strlen(strings + name_offset, strings_size_ - name_offset) < 0) {
          return "unterminated property name";
        }
        if (visitor) {
          visitor->property({reinterpret_cast<const char*>(strings + name_offset), p, length},
                            depth - 1);
        }
        p += align4(length);
        break;
      }
      case kNop:
        break;
      case kEnd:
        if (depth != 0) return "device tree ends inside a node";
        if (!seen_root) return "device tree has no root node";
        return nullptr;
      default:
        return "unknown structure token";
    }
    if (p > end) return "structure block overrun";
  }
}

}  // namespace viper::fdt
