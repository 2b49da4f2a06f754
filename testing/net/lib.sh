# Helpers of the real-peer tests (testing/net/*.sh): ports, waits,
# checksums and Debian's nginx on loopback. Sourced, never run.

net_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A port nobody listens on now (the kernel's pick; tests run in parallel,
# so never a fixed number). A small race remains until the caller binds.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# Waits up to $2 seconds (default 10) until 127.0.0.1:$1 accepts.
wait_port() {
  local port=$1 seconds=${2:-10} i
  for ((i = 0; i < seconds * 10; i++)); do
    if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)))"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Waits up to $3 seconds until the file $1 has a line matching $2.
wait_line() {
  local file=$1 pattern=$2 seconds=${3:-10} i
  for ((i = 0; i < seconds * 10; i++)); do
    grep -qE "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# start_nginx ROOT WORK: serves ROOT on a free port of 127.0.0.1 (sets
# NGINX_PORT and NGINX_PID), with /redirect -> /big.bin, /redirect2 ->
# /redirect (two hops) and /loop -> /loop, as testing/remote_cache runs it.
start_nginx() {
  local root=$1 work=$2 user_line=""
  NGINX_PORT=$(free_port)
  mkdir -p "$work/nginx-tmp"
  # As root, nginx's workers would drop to `nobody` and not read ROOT.
  [[ $(id -u) -eq 0 ]] && user_line="user root;"
  cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
$user_line
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $root;
    location = /redirect { return 302 /big.bin; }
    location = /redirect2 { return 301 http://127.0.0.1:$NGINX_PORT/redirect; }
    location = /loop { return 302 /loop; }
  }
}
CONF
  # Tests run with a strict PATH, which may lack /usr/sbin.
  local nginx
  nginx=$(PATH=$PATH:/usr/sbin:/sbin command -v nginx) || net_fail "no nginx (./setup installs it)"
  "$nginx" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
  NGINX_PID=$!
  wait_port "$NGINX_PORT" || net_fail "nginx did not start: $(cat "$work/nginx-error.log")"
}

# The programs' host builds, from a sh_test's runfiles or the workspace.
net_program() {
  local name=$1 path
  for path in "${TEST_SRCDIR:-}/${TEST_WORKSPACE:-}/userland/net_utils/$1" \
              "$(dirname "${BASH_SOURCE[0]}")/../../bazel-bin/userland/net_utils/$1"; do
    [[ -x "$path" ]] && { echo "$path"; return 0; }
  done
  net_fail "no $name (bazel build //userland/net_utils:$name)"
}
