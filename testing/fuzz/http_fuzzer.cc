// libFuzzer target: the HTTP parsers of fetch and httpd
// (userland/net_utils/lib/http.h) on arbitrary bytes, as a peer may send
// them. Nothing may crash or read past its input (ASan), and what is
// accepted must be sound: a head's length within the input, a request's
// target NUL-terminated inside its buffer, a served path that never
// climbs out of the directory, a chunked body never longer decoded than
// sent, and the same body decoded byte by byte and at once alike.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <string>

#include "userland/net_utils/lib/http.h"

namespace {

void require(bool condition) {
  if (!condition) abort();
}

void check_target_path(const std::string& target) {
  char out[HTTP_TARGET_MAX];
  int is_directory = 0;
  if (http_target_path(target.c_str(), out, sizeof(out), &is_directory) != 0) return;
  const size_t n = strlen(out);
  require(n < sizeof(out));
  require(n == 0 || (out[0] != '/' && out[n - 1] != '/'));
  // No segment is "..", ".", or empty: the path stays below the directory.
  size_t start = 0;
  for (size_t i = 0; i <= n; ++i) {
    if (i < n && out[i] != '/') continue;
    const std::string segment(out + start, i - start);
    require(n == 0 || (!segment.empty() && segment != "." && segment != ".."));
    start = i + 1;
  }
}

// Returns the decoded body, or "\xff" for a refusal.
std::string dechunk(const uint8_t* data, size_t size, size_t step) {
  http_chunked c;
  http_chunked_init(&c);
  std::string out;
  for (size_t at = 0; at < size; at += step) {
    std::string piece(reinterpret_cast<const char*>(data) + at, std::min(step, size - at));
    size_t data_len = 0, consumed = 0;
    const int status = http_chunked_decode(&c, piece.data(), piece.size(), &data_len, &consumed);
    if (status < 0) return "\xff";
    require(data_len <= consumed && consumed <= piece.size());
    require(status == 1 || consumed == piece.size());
    out.append(piece.data(), data_len);
    if (status == 1) return out + "<end>";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* text = reinterpret_cast<const char*>(data);
  const long head = http_head_length(text, size);
  require(head >= -1 && head <= static_cast<long>(size) && head <= HTTP_HEAD_MAX);

  http_request request;
  const int status = http_parse_request(text, size, &request);
  require(status == 0 || status == 400 || status == 414 || status == 501 || status == 505);
  if (status == 0) {
    require(memchr(request.target, '\0', sizeof(request.target)) != nullptr);
    require(!(request.chunked && request.content_length >= 0));
    check_target_path(request.target);
  }

  http_response response;
  if (http_parse_response(text, size, &response) == 0) {
    require(response.status >= 100 && response.status <= 599);
    require(memchr(response.location, '\0', sizeof(response.location)) != nullptr);
  }

  const std::string line(text, strnlen(text, size));
  check_target_path(line);
  http_url url, next;
  if (http_parse_url(line.c_str(), &url) == 0) {
    require(url.port != 0 && url.host[0] != '\0' && url.path[0] == '/');
    if (http_resolve_location(&url, "../x?y", &next) == 0) require(next.path[0] == '/');
  }
  http_url base;
  if (http_parse_url("http://h:8/a/b", &base) == 0 &&
      http_resolve_location(&base, line.c_str(), &next) == 0) {
    require(next.port != 0 && next.host[0] != '\0');
  }

  const std::string whole = dechunk(data, size, size == 0 ? 1 : size);
  require(whole == dechunk(data, size, 1));
  require(whole == dechunk(data, size, 7));
  require(whole.size() <= size + 5);
  return 0;
}
