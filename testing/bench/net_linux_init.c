/* /init of net_bench.py's Linux guest: what ViperDOS's init, netd and
 * guest_peer_test.sh's peer.sh do for the bench, on Debian's kernel.
 *
 * Loads the modules /etc/modules names (virtio-mmio and virtio-net with
 * their dependencies, in that order: Debian builds them as modules),
 * gives eth0 netd's static configuration (10.0.2.15/24, default route via
 * QEMU's gateway 10.0.2.2), writes /www/big.bin (16 MiB) and
 * /www/hello.txt into the initramfs, and runs the project's httpd on
 * port 80 over /www, as peer.sh does. Once the host PUTs /www/done it
 * powers off, as peer.sh's loop ends the ViperDOS run.
 *
 * Built static with Debian's aarch64-linux-gnu-gcc by net_bench.py. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BIG_BYTES (16 << 20) /* guest_peer_test.sh's big.bin */
#define LINK_WAIT_TENTHS 100 /* eth0 appears while virtio_net loads; 10 s is plenty */

static const char kIface[] = "eth0";

/* The host reads NET-LINUX-FAIL from the console and stops waiting. */
static void die(const char* format, ...) {
  va_list args;
  va_start(args, format);
  fprintf(stderr, "NET-LINUX-FAIL ");
  vfprintf(stderr, format, args);
  fprintf(stderr, ": %s\n", strerror(errno));
  va_end(args);
  sync();
  reboot(RB_POWER_OFF);
  _exit(1);
}

static void load_modules(void) {
  FILE* list = fopen("/etc/modules", "r");
  if (list == NULL) die("open /etc/modules");
  char name[128];
  while (fgets(name, sizeof(name), list) != NULL) {
    name[strcspn(name, "\n")] = '\0';
    if (name[0] == '\0') continue;
    char path[192];
    snprintf(path, sizeof(path), "/lib/modules/%s.ko", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open %s", path);
    /* EEXIST: built in after all, or loaded twice; either way it is there. */
    if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST) die("finit_module %s", path);
    close(fd);
  }
  fclose(list);
}

static void set_addr(int sock, unsigned long request, const char* iface, const char* address) {
  struct ifreq ifr = {0};
  snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
  struct sockaddr_in* sin = (struct sockaddr_in*)&ifr.ifr_addr;
  sin->sin_family = AF_INET;
  if (inet_pton(AF_INET, address, &sin->sin_addr) != 1) die("bad address %s", address);
  if (ioctl(sock, request, &ifr) != 0) die("ioctl %#lx %s %s", request, iface, address);
}

static void bring_up(int sock, const char* iface) {
  struct ifreq ifr = {0};
  snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0) die("SIOCGIFFLAGS %s", iface);
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(sock, SIOCSIFFLAGS, &ifr) != 0) die("SIOCSIFFLAGS %s", iface);
}

static void wait_for_link(int sock) {
  const struct timespec tenth = {0, 100 * 1000 * 1000};
  for (int i = 0; i < LINK_WAIT_TENTHS; i++) {
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", kIface);
    if (ioctl(sock, SIOCGIFINDEX, &ifr) == 0) return;
    nanosleep(&tenth, NULL);
  }
  die("no %s after loading the modules", kIface);
}

static void add_default_route(int sock, const char* gateway) {
  struct rtentry route = {0};
  struct sockaddr_in* dst = (struct sockaddr_in*)&route.rt_dst;
  struct sockaddr_in* mask = (struct sockaddr_in*)&route.rt_genmask;
  struct sockaddr_in* gw = (struct sockaddr_in*)&route.rt_gateway;
  dst->sin_family = mask->sin_family = gw->sin_family = AF_INET;
  if (inet_pton(AF_INET, gateway, &gw->sin_addr) != 1) die("bad gateway %s", gateway);
  route.rt_flags = RTF_UP | RTF_GATEWAY;
  if (ioctl(sock, SIOCADDRT, &route) != 0) die("SIOCADDRT via %s", gateway);
}

static void configure_network(void) {
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) die("socket");
  bring_up(sock, "lo");
  wait_for_link(sock);
  set_addr(sock, SIOCSIFADDR, kIface, "10.0.2.15");
  set_addr(sock, SIOCSIFNETMASK, kIface, "255.255.255.0");
  bring_up(sock, kIface);
  add_default_route(sock, "10.0.2.2");
  close(sock);
}

static void write_file(const char* path, size_t bytes, const char* text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) die("create %s", path);
  static char chunk[64 * 1024];
  for (size_t i = 0; i < sizeof(chunk); i++) chunk[i] = (char)(i * 131 + 7);
  size_t left = text != NULL ? strlen(text) : bytes;
  const char* from = text != NULL ? text : chunk;
  while (left > 0) {
    size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
    ssize_t written = write(fd, from, n);
    if (written <= 0) die("write %s", path);
    left -= (size_t)written;
  }
  if (close(fd) != 0) die("close %s", path);
}

/* TCP's counters, beside those ViperDOS's netstat -s prints at the end:
 * retransmissions and timeouts are where a download's time can go. */
static void print_counters(void) {
  static const char* const kFiles[] = {"/proc/net/snmp", "/proc/net/netstat"};
  fprintf(stderr, "NET-LINUX-COUNTERS\n");
  for (size_t i = 0; i < sizeof(kFiles) / sizeof(kFiles[0]); i++) {
    FILE* f = fopen(kFiles[i], "r");
    if (f == NULL) die("open %s", kFiles[i]);
    char line[4096];
    while (fgets(line, sizeof(line), f) != NULL) {
      if (strncmp(line, "Tcp:", 4) == 0 || strncmp(line, "TcpExt:", 7) == 0) fputs(line, stderr);
    }
    fclose(f);
  }
}

static pid_t start_httpd(void) {
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    /* peer.sh's line: `httpd -p 80 -r /www &`, a request line each on the console. */
    char* argv[] = {"/bin/httpd", "-p", "80", "-r", "/www", NULL};
    execv(argv[0], argv);
    die("exec %s", argv[0]);
  }
  return pid;
}

int main(void) {
  if (mkdir("/proc", 0555) != 0 && errno != EEXIST) die("mkdir /proc");
  if (mount("proc", "/proc", "proc", 0, NULL) != 0) die("mount /proc");
  load_modules();
  configure_network();
  if (mkdir("/www", 0755) != 0 && errno != EEXIST) die("mkdir /www");
  write_file("/www/big.bin", BIG_BYTES, NULL);
  write_file("/www/hello.txt", 0, "hello\n");
  pid_t httpd = start_httpd();
  fprintf(stderr, "NET-LINUX-READY %s 10.0.2.15/24 via 10.0.2.2, httpd pid %d\n", kIface, httpd);
  /* peer.sh's loop: a second's sleep between looks for the host's marker. */
  struct stat st;
  while (stat("/www/done", &st) != 0) {
    if (waitpid(httpd, NULL, WNOHANG) == httpd) {
      errno = 0;
      die("httpd ended");
    }
    sleep(1);
  }
  print_counters();
  fprintf(stderr, "NET-PEER-END\n");
  kill(httpd, SIGTERM);
  sync();
  reboot(RB_POWER_OFF);
  return 0;
}
