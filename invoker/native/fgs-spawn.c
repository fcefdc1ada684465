/*
 * fgs-spawn: starts a function instance's bootstrap with its isolation applied before the first
 * instruction of user code runs, so that nothing the bootstrap forks can escape it:
 *
 *   fgs-spawn [--cgroup DIR]... [--uid UID --gid GID] [--fd N:MODE:PATH]... [--connect N:PATH]
 *             [--keep-nice] -- PROGRAM [ARG]...
 *
 *   --cgroup DIR       join the cgroup DIR (writes this process's pid to DIR/cgroup.procs); repeat
 *                      once per cgroup v1 hierarchy (memory, cpu, freezer, pids) or once for v2
 *   --uid/--gid        drop to this user and group (supplementary groups cleared)
 *   --fd N:MODE:PATH   open PATH onto descriptor N (3 or above) for PROGRAM: MODE r reads,
 *                      a appends (creating the file 0644)
 *   --connect N:PATH   connect a Unix SOCK_SEQPACKET socket to PATH onto descriptor N (3 or above)
 *   --keep-nice        keep the caller's scheduling priority (for helpers of the invoker itself)
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

int main(int argc, char **argv)
{
    long uid = -1, gid = -1;
    int keep_nice = 0;
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
    execv(argv[i], &argv[i]);
    return fail("exec", argv[i]);
}
