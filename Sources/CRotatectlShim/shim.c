#define _GNU_SOURCE
#include "CRotatectlShim.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <linux/falloc.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/eventfd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int rotatectl_renameat2_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, RENAME_NOREPLACE);
}

int rotatectl_renameat2_exchange(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, RENAME_EXCHANGE);
}

int rotatectl_ofd_setlk(int fd, short type, int wait) {
    struct flock fl = {0};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0;
    return fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
}

int rotatectl_ofd_getlk(int fd, pid_t *holder) {
    struct flock fl = {0};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_OFD_GETLK, &fl) != 0) return -1;
    if (fl.l_type == F_UNLCK) return 0;
    if (holder) *holder = fl.l_pid;
    return 1;
}

/* Whether any process (this one included) has the file of `fd` (opened read-only) open for writing:
 * a read lease (F_SETLEASE F_RDLCK) is granted only when none has; it is dropped at once. 1: open for
 * writing, 0: not, -1: leases unsupported here (errno). A lease break would send SIGIO, which is
 * ignored first (its default action ends the process). */
int rotatectl_open_for_writing(int fd) {
    static int ignored = 0;
    if (!ignored) { signal(SIGIO, SIG_IGN); ignored = 1; }
    if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
        fcntl(fd, F_SETLEASE, F_UNLCK);
        return 0;
    }
    return errno == EAGAIN ? 1 : -1;
}

/* A write lease (F_SETLEASE F_WRLCK) on `fd`: granted only while no other open file description of
 * the file exists, and while held, another process's open(2) of it waits until it is released (or the
 * lease-break time passes). 0: granted, -1 with errno EAGAIN: the file is open elsewhere, other errno:
 * not available (not the owner without CAP_LEASE, NFS). SIGIO (a lease break) is ignored, as above. */
int rotatectl_write_lease(int fd) {
    static int ignored = 0;
    if (!ignored) { signal(SIGIO, SIG_IGN); ignored = 1; }
    return fcntl(fd, F_SETLEASE, F_WRLCK);
}

int rotatectl_release_lease(int fd) { return fcntl(fd, F_SETLEASE, F_UNLCK); }
/* 1 while the write lease on `fd` holds (no break pending or done), 0 once another open broke it. */
int rotatectl_write_lease_held(int fd) { return fcntl(fd, F_GETLEASE) == F_WRLCK ? 1 : 0; }

int rotatectl_fallocate_collapse(int fd, off_t offset, off_t len) {
    return fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, offset, len);
}

int rotatectl_fallocate_punch(int fd, off_t offset, off_t len) {
    return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len);
}

int rotatectl_syncfs(int fd) { return syncfs(fd); }
int rotatectl_sync_file_range_write(int fd, off_t offset, off_t nbytes) {
    return sync_file_range(fd, offset, nbytes, SYNC_FILE_RANGE_WRITE);
}
int rotatectl_set_malloc_thresholds(int mmap_bytes, int trim_bytes) {
    return mallopt(M_MMAP_THRESHOLD, mmap_bytes) && mallopt(M_TRIM_THRESHOLD, trim_bytes);
}
int rotatectl_errno(void) { return errno; }
void rotatectl_set_errno(int value) { errno = value; }
int rotatectl_seek_data(void) { return SEEK_DATA; }
int rotatectl_seek_hole(void) { return SEEK_HOLE; }
int rotatectl_o_path(void) { return O_PATH; }
int rotatectl_o_nofollow(void) { return O_NOFOLLOW; }
#ifdef O_TMPFILE
int rotatectl_o_tmpfile(void) { return O_TMPFILE; }
#else
int rotatectl_o_tmpfile(void) { return 0; }
#endif
int rotatectl_o_directory(void) { return O_DIRECTORY; }
int rotatectl_o_cloexec(void) { return O_CLOEXEC; }
int rotatectl_at_symlink_nofollow(void) { return AT_SYMLINK_NOFOLLOW; }
int rotatectl_at_empty_path(void) { return AT_EMPTY_PATH; }
int rotatectl_wifexited(int status) { return WIFEXITED(status); }
int rotatectl_wexitstatus(int status) { return WEXITSTATUS(status); }
int rotatectl_wifsignaled(int status) { return WIFSIGNALED(status); }
int rotatectl_wtermsig(int status) { return WTERMSIG(status); }

static volatile sig_atomic_t rotatectl_watch_hup, rotatectl_watch_term;

static void rotatectl_watch_handler(int sig) {
    if (sig == SIGHUP) rotatectl_watch_hup = 1; else rotatectl_watch_term = 1;
}

static void rotatectl_watch_set(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
}

int rotatectl_watch_signals_install(void) {
    sigset_t set;
    rotatectl_watch_set(&set);
    int e = pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (e != 0) { errno = e; return -1; }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rotatectl_watch_handler;
    sigfillset(&action.sa_mask);
    int signals[] = { SIGHUP, SIGTERM, SIGINT };
    for (int i = 0; i < 3; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

int rotatectl_watch_signal_take(int sig) {
    volatile sig_atomic_t *flag = sig == SIGHUP ? &rotatectl_watch_hup : &rotatectl_watch_term;
    return __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST) != 0;
}

int rotatectl_ppoll_watch(int fd, int wake_fd, int timeout_ms) {
    sigset_t during;
    pthread_sigmask(SIG_SETMASK, NULL, &during);
    sigdelset(&during, SIGHUP);
    sigdelset(&during, SIGTERM);
    sigdelset(&during, SIGINT);
    struct pollfd p[2] = { { .fd = fd, .events = POLLIN, .revents = 0 }, { .fd = wake_fd, .events = POLLIN, .revents = 0 } };
    struct timespec limit = { .tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L };
    int n = ppoll(p, wake_fd < 0 ? 1 : 2, timeout_ms < 0 ? NULL : &limit, &during);
    if (n > 0) return (p[0].revents ? 1 : 0) | (wake_fd >= 0 && p[1].revents ? 2 : 0);
    return n;
}

int rotatectl_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int rotatectl_inotify_init(void) { return inotify_init1(IN_NONBLOCK | IN_CLOEXEC); }
