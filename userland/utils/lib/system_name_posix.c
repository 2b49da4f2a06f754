/* fs_system_name (fs.h) on the host: uname(2). */
#include <stdio.h>
#include <sys/utsname.h>

#include "userland/utils/lib/fs.h"

int fs_system_name(struct fs_system_name* name) {
  struct utsname u;
  if (uname(&u) != 0) return -1;
  snprintf(name->sysname, sizeof(name->sysname), "%s", u.sysname);
  snprintf(name->nodename, sizeof(name->nodename), "%s", u.nodename);
  snprintf(name->release, sizeof(name->release), "%s", u.release);
  snprintf(name->version, sizeof(name->version), "%s", u.version);
  snprintf(name->machine, sizeof(name->machine), "%s", u.machine);
  return 0;
}
