#ifndef ROTATECTL_SHIM_H
#define ROTATECTL_SHIM_H
#include <sys/types.h>
#include <sys/stat.h>

/* Wrappers for calls that need _GNU_SOURCE or are macros Swift cannot see. Each returns -1 and sets
   errno on failure, exactly as the wrapped call does. */
int rotatectl_renameat2_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int rotatectl_renameat2_exchange(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int rotatectl_ofd_setlk(int fd, short type, int wait);
/* Returns the pid of a conflicting lock holder (l_pid, -1 for OFD locks), 0 if unlocked, -1 on error. */
int rotatectl_ofd_getlk(int fd, pid_t *holder);
int rotatectl_fallocate_collapse(int fd, off_t offset, off_t len);
int rotatectl_open_for_writing(int fd);
int rotatectl_write_lease(int fd);
int rotatectl_release_lease(int fd);
int rotatectl_write_lease_held(int fd);
int rotatectl_fallocate_punch(int fd, off_t offset, off_t len);
/* syncfs(2): flush the whole file system holding fd; one call commits a group of new files. */
int rotatectl_syncfs(int fd);
/* sync_file_range(2) with SYNC_FILE_RANGE_WRITE: starts writing back the range's dirty pages, waits for
   none (nbytes 0: to the end of the file). Makes nothing durable; an fsync must follow. */
int rotatectl_sync_file_range_write(int fd, off_t offset, off_t nbytes);
/* mallopt(M_MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD): blocks of mmap_bytes or more get their own
   mapping, unmapped when freed; the heap is given back when trim_bytes are free at its top. */
int rotatectl_set_malloc_thresholds(int mmap_bytes, int trim_bytes);
int rotatectl_errno(void);
void rotatectl_set_errno(int value);
int rotatectl_o_path(void);
/* lseek(2)'s SEEK_DATA and SEEK_HOLE (_GNU_SOURCE only). */
int rotatectl_seek_data(void);
int rotatectl_seek_hole(void);
int rotatectl_o_nofollow(void);
/* O_TMPFILE as this C library defines it (with O_DIRECTORY), or 0 where it has none. */
int rotatectl_o_tmpfile(void);
int rotatectl_o_directory(void);
int rotatectl_o_cloexec(void);
int rotatectl_at_symlink_nofollow(void);
int rotatectl_at_empty_path(void);
int rotatectl_wifexited(int status);
int rotatectl_wexitstatus(int status);
int rotatectl_wifsignaled(int status);
int rotatectl_wtermsig(int status);
/* rotatectl watch: SIGHUP, SIGTERM and SIGINT set a flag (sig_atomic_t) and nothing else. install blocks
   them in the calling thread (and the threads it starts later) and installs the handlers; take returns
   whether `sig` arrived since the last take and clears it. Returns -1 and sets errno on failure. */
int rotatectl_watch_signals_install(void);
int rotatectl_watch_signal_take(int sig);
/* ppoll(2) on `fd` and `wake_fd` (-1: none) for POLLIN, at most timeout_ms milliseconds (-1: no limit),
   with the watch signals unblocked for the wait alone: one sent before is delivered then and ends the
   wait with EINTR. Returns 0 on timeout, -1 on error, else bit 1 when `fd` is ready, bit 2 `wake_fd`. */
int rotatectl_ppoll_watch(int fd, int wake_fd, int timeout_ms);
/* eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC). */
int rotatectl_eventfd(void);
/* inotify_init1(IN_NONBLOCK | IN_CLOEXEC). */
int rotatectl_inotify_init(void);
#endif
