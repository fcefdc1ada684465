/*
 * fgs-spawn: starts a function instance's bootstrap with its isolation applied before the first
 * instruction of user code runs, so that nothing the bootstrap forks can escape it:
 *
 *   fgs-spawn [--cgroup DIR]... [--uid UID --gid GID] [--fd N:MODE:PATH]... [--connect N:PATH]
 *             [--keep-nice] [--chdir DIR] [--env NAME=VALUE]... -- PROGRAM [ARG]...
 *   fgs-spawn --stdin-spec
 *
 *   --cgroup DIR       join the cgroup DIR (writes this process's pid to DIR/cgroup.procs); repeat
 *                      once per cgroup v1 hierarchy (memory, cpu, freezer, pids) or once for v2
 *   --uid/--gid        drop to this user and group (supplementary groups cleared)
 *   --fd N:MODE:PATH   open PATH onto descriptor N (3 or above) for PROGRAM: MODE r reads,
 *                      a appends (creating the file 0644)
 *   --connect N:PATH   connect a Unix SOCK_SEQPACKET socket to PATH onto descriptor N (3 or above)
 *   --keep-nice        keep the caller's scheduling priority (for helpers of the invoker itself)
 *   --chdir DIR        change to DIR before exec
 *   --env NAME=VALUE   with one or more of these, PROGRAM gets exactly these variables (not the
 *                      caller's environment)
 *   --stdin-spec       started ahead of need: wait for the rest of the command line on stdin, as
 *                      NUL-terminated fields ("fgs-spawn-spec/1", then the options above, "--",
 *                      PROGRAM and its arguments) ending at end of file; then go on as if they
 *                      had been given. End of file before any field (the invoker no longer needs
 *                      this launcher, or has gone) exits 0 quietly. PROGRAM's stdin is then at end
 *                      of file.
 *
 * Unless --keep-nice is given it resets its scheduling priority to nice 0 (the invoker itself may
 * run at a higher priority than the functions it serves). Then it becomes the leader of a new session and
 * process group (setsid) and execs PROGRAM, so
 * the pid its parent sees is the bootstrap's own. On failure it prints one line naming the step
 * to stderr and exits 127 (the invoker reports it as a load failure).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

static int fail(const char *step, const char *what)
{
    fprintf(stderr, "fgs-spawn: %s%s%s: %s\n", step, what ? " " : "", what ? what : "", strerror(errno));
    return 127;
}

static int join_cgroup(const char *dir)
{
    char path[4096];
    char pid[32];
    int n = snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    ssize_t w = write(fd, pid, (size_t)n);
    int saved = errno;
    close(fd);
    errno = saved;
    return w == n ? 0 : -1;
}

static int parse_id(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *s == '\0' || *end != '\0' || v < 0 || v > 0x7fffffffL) {
        errno = EINVAL;
        return -1;
    }
    *out = v;
    return 0;
}

/* Splits "N:REST" into a descriptor number (3 or above) and REST. */
static int parse_target_fd(char *spec, char **rest)
{
    char *colon = strchr(spec, ':');
    long fd;
    if (colon == NULL) {
        errno = EINVAL;
        return -1;
    }
    *colon = '\0';
    if (parse_id(spec, &fd) != 0 || fd < 3 || fd > 1023) {
        *colon = ':';
        errno = EINVAL;
        return -1;
    }
    *colon = ':';
    *rest = colon + 1;
    return (int)fd;
}

/* Moves descriptor from onto target (without close-on-exec). */
static int place_fd(int from, int target)
{
    if (from == target)
        return fcntl(from, F_SETFD, 0);
    if (dup2(from, target) < 0) {
        int saved = errno;
        close(from);
        errno = saved;
        return -1;
    }
    close(from);
    return 0;
}

static int open_fd(char *spec)
{
    char *rest;
    int target = parse_target_fd(spec, &rest);
    if (target < 0)
        return -1;
    if ((rest[0] != 'r' && rest[0] != 'a') || rest[1] != ':' || rest[2] == '\0') {
        errno = EINVAL;
        return -1;
    }
    int fd = rest[0] == 'r' ? open(rest + 2, O_RDONLY | O_CLOEXEC)
                            : open(rest + 2, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    return place_fd(fd, target);
}

static int connect_fd(char *spec)
{
    char *path;
    int target = parse_target_fd(spec, &path);
    if (target < 0)
        return -1;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return place_fd(fd, target);
}

#define SPEC_MAGIC "fgs-spawn-spec/1"
#define SPEC_MAX (8 * 1024 * 1024)
#define MAX_ENV 4096

/* Reads stdin to end of file and splits it into NUL-terminated fields, after a leading argv[0]:
 * returns the field count (with argv[0]) or -1; 0 when stdin ended at once. */
static int read_spec(char *self, char ***out)
{
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return -1;
    for (;;) {
        if (len == cap) {
            if (cap >= SPEC_MAX) {
                errno = E2BIG;
                return -1;
            }
            cap *= 2;
            char *grown = realloc(buf, cap);
            if (grown == NULL)
                return -1;
            buf = grown;
        }
        ssize_t n = read(0, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len == 0)
        return 0;
    if (buf[len - 1] != '\0') {
        errno = EINVAL;
        return -1;
    }
    size_t fields = 0;
    for (size_t k = 0; k < len; k++)
        fields += buf[k] == '\0';
    char **v = calloc(fields + 2, sizeof *v);
    if (v == NULL)
        return -1;
    v[0] = self;
    size_t at = 0;
    for (size_t f = 0; f < fields; f++) {
        v[f + 1] = buf + at;
        at += strlen(buf + at) + 1;
    }
    if (fields == 0 || strcmp(v[1], SPEC_MAGIC) != 0) {
        errno = EINVAL;
        return -1;
    }
    /* Drop the magic field: v[1..] are the options. */
    for (size_t f = 1; f <= fields; f++)
        v[f] = v[f + 1];
    *out = v;
    return (int)fields;
}

int main(int argc, char **argv)
{
    long uid = -1, gid = -1;
    int keep_nice = 0;
    const char *chdir_to = NULL;
    static char *envp[MAX_ENV + 1];
    int envc = 0;
    if (argc == 2 && strcmp(argv[1], "--stdin-spec") == 0) {
        char **spec;
        int n = read_spec(argv[0], &spec);
        if (n == 0)
            return 0;
        if (n < 0)
            return fail("reading the spec on stdin", NULL);
        /* The bootstrap must see end of file on stdin, as a directly started one does. */
        int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull < 0 || dup2(devnull, 0) < 0)
            return fail("reopening stdin", NULL);
        close(devnull);
        argc = n;
        argv = spec;
    }
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--keep-nice") == 0) {
            keep_nice = 1;
            continue;
        }
        if (i + 1 >= argc) {
            errno = EINVAL;
            return fail("option needs a value:", argv[i]);
        }
        if (strcmp(argv[i], "--cgroup") == 0) {
            if (join_cgroup(argv[++i]) != 0)
                return fail("joining cgroup", argv[i]);
        } else if (strcmp(argv[i], "--uid") == 0) {
            if (parse_id(argv[++i], &uid) != 0)
                return fail("bad --uid", argv[i]);
        } else if (strcmp(argv[i], "--gid") == 0) {
            if (parse_id(argv[++i], &gid) != 0)
                return fail("bad --gid", argv[i]);
        } else if (strcmp(argv[i], "--fd") == 0) {
            if (open_fd(argv[++i]) != 0)
                return fail("opening --fd", argv[i]);
        } else if (strcmp(argv[i], "--connect") == 0) {
            if (connect_fd(argv[++i]) != 0)
                return fail("connecting --connect", argv[i]);
        } else if (strcmp(argv[i], "--chdir") == 0) {
            chdir_to = argv[++i];
        } else if (strcmp(argv[i], "--env") == 0) {
            if (envc == MAX_ENV || strchr(argv[i + 1], '=') == NULL) {
                errno = EINVAL;
                return fail("bad --env", argv[i + 1]);
            }
            envp[envc++] = argv[++i];
        } else {
            errno = EINVAL;
            return fail("unknown option", argv[i]);
        }
    }
    if (i >= argc) {
        errno = EINVAL;
        return fail("no program given", NULL);
    }
    if (setsid() < 0)
        return fail("setsid", NULL);
    /* Raising the nice value back to 0 is always allowed; failure only means it stays as it was. */
    if (!keep_nice)
        (void)setpriority(PRIO_PROCESS, 0, 0);
    if (gid >= 0) {
        if (setgroups(0, NULL) != 0)
            return fail("setgroups", NULL);
        if (setgid((gid_t)gid) != 0)
            return fail("setgid", argv[i]);
    }
    if (uid >= 0 && setuid((uid_t)uid) != 0)
        return fail("setuid", NULL);
    if (chdir_to != NULL && chdir(chdir_to) != 0)
        return fail("chdir", chdir_to);
    if (envc > 0)
        execve(argv[i], &argv[i], envp);
    else
        execv(argv[i], &argv[i]);
    return fail("exec", argv[i]);
}
