// Flattened device tree (DTB) reader. Parsing validates the whole blob
// once — header, bounds, token stream, string offsets, nesting — so a
// malformed DTB is an error with a reason, never a crash or a hang; after
// that, walking it cannot fail.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

namespace viper::fdt {

inline constexpr uint32_t kMagic = 0xd00dfeed;
inline constexpr size_t kMaxDepth = 16;

// Big-endian cell access for property values.
inline uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

struct Property {
  const char* name;
  const uint8_t* data;
  uint32_t length;

  bool is(const char* other) const;
  // The value as a NUL-terminated string (or nullptr if it is not one).
  const char* as_string() const;
  // Whether a string-list value (like "compatible") contains `entry`.
  bool contains_string(const char* entry) const;
  // Number of `cells`-sized values; reads value `index` of `cells` cells.
  uint32_t count(uint32_t cells) const { return cells ? length / (4 * cells) : 0; }
  // Reads `cells` cells (at most 2) starting `cell_offset` cells in; the
  // caller checks count() first.
  uint64_t read(uint32_t cell_offset, uint32_t cells) const;
};

// Receives the tree in document order.
class Visitor {
 public:
  virtual void begin_node(const char* name, uint32_t depth) = 0;
  virtual void property(const Property& property, uint32_t depth) = 0;
  virtual void end_node(uint32_t depth) = 0;

 protected:
  ~Visitor() = default;
};

class Tree {
 public:
  // Validates `blob` (at most `available` bytes readable). On failure,
  // `*reason` (if given) says what is wrong.
  static Result<Tree> parse(const void* blob, size_t available, const char** reason = nullptr);

  uint32_t total_size() const { return total_size_; }
  void walk(Visitor& visitor) const;

 private:
  Tree(const uint8_t* base, uint32_t total_size, uint32_t struct_offset, uint32_t struct_size,
       uint32_t strings_offset, uint32_t strings_size)
      : base_(base),
        total_size_(total_size),
        struct_offset_(struct_offset),
        struct_size_(struct_size),
        strings_offset_(strings_offset),
        strings_size_(strings_size) {}

  // Walks the token stream; with `visitor` null it only validates.
  const char* scan(Visitor* visitor) const;

  const uint8_t* base_;
  uint32_t total_size_;
  uint32_t struct_offset_;
  uint32_t struct_size_;
  uint32_t strings_offset_;
  uint32_t strings_size_;
};

}  // namespace viper::fdt
