#!/usr/bin/env bash
# Proves --config=remote caching against a real HTTP cache: Debian's nginx
# with WebDAV PUT on 127.0.0.1. Build, `bazel clean`, rebuild; the rebuild
# must report remote cache hits (Bazel silently builds without the cache if
# uploads fail, so the exit code alone proves nothing).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"

work=$(mktemp -d "${TMPDIR:-/tmp}/viperdos-cache.XXXXXX")
nginx_pid=""
cleanup() {
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  cleanup_output_bases
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/cache" "$work/tmp"
# Workers run as the invoking user, who owns the cache directory (as root,
# nginx would otherwise drop to `nobody` and every PUT would fail).
user_line=""
[[ $(id -u) -eq 0 ]] && user_line="user root;"
cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
$user_line
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    location / {
      root $work/cache;
      dav_methods PUT;
      create_full_put_path on;
      client_max_body_size 0;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
for _ in $(seq 50); do
  listening=$(python3 -c "import socket; s=socket.socket(); print(s.connect_ex(('127.0.0.1', $port)) == 0)")
  [[ "$listening" == "True" ]] && break
  sleep 0.1
done
[[ "$listening" == "True" ]] || fail "nginx did not start: $(cat "$work/error.log")"

new_output_base ob
targets=(//kernel:image //testing/qemu:qemu_command)
export VIPER_REMOTE_CACHE="http://127.0.0.1:$port"
# --disk_cache= : a local disk cache (--config=ci) would answer first.
build() { bazel --output_base="$ob" build --config=remote --disk_cache= "${targets[@]}" 2>&1; }

build >"$work/first.log" || { cat "$work/first.log"; fail "first build failed"; }
uploaded=$(find "$work/cache" -type f | wc -l)
[[ "$uploaded" -gt 0 ]] || { cat "$work/error.log"; fail "nothing was uploaded to the cache"; }
bazel --output_base="$ob" clean >/dev/null 2>&1
build >"$work/second.log" || { cat "$work/second.log"; fail "rebuild failed"; }
hits=$(grep -oE '[0-9]+ remote cache hit' "$work/second.log" | grep -oE '^[0-9]+' || echo 0)
grep -E 'processes:' "$work/second.log" || true
[[ "$hits" -gt 0 ]] || fail "the rebuild after bazel clean had no remote cache hits"
echo "PASS: $uploaded cache entries uploaded; rebuild after clean: $hits remote cache hits"
