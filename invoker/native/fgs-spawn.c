/*
 * fgs-spawn: starts a function instance's bootstrap with its isolation applied before the first
 * instruction of user code runs, so that nothing the bootstrap forks can escape it:
 *
 *   fgs-spawn [--cgroup DIR]... [--uid UID --gid GID] -- PROGRAM [ARG]...
 *
 *   --cgroup DIR   join the cgroup DIR (writes this process's pid to DIR/cgroup.procs); repeat
 *                  once per cgroup v1 hierarchy (memory, cpu, freezer, pids) or once for v2
 *   --uid/--gid    drop to this user and group (supplementary groups cleared)
 *
 * It also resets its scheduling priority to nice 0 (the invoker itself may run at a higher
 * priority than the functions it serves). Then it becomes the leader of a new session and
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
#include <sys/types.h>
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

int main(int argc, char **argv)
{
    long uid = -1, gid = -1;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
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
