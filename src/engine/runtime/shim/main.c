/* labd-shim: holds one container process (or one exec'd process) for labd.
 *
 * It starts the process through the OCI runtime, stays its parent (as a child
 * subreaper), writes its output to a json-file log, serves attach clients on
 * STATE/attach.sock, reports the exit as an event to its subscribers and records
 * it in STATE/exit (read by a labd that was away when it happened). It outlives
 * labd, so containers keep running and logging across a daemon restart. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

#define DRAIN_MS 200   /* how long output may trail the exit */
#define LINGER_MS 1000 /* how long clients get to take their last bytes */
#define HOLD_MS 10000  /* how long --hold waits for the first client */

struct shim S = { .sig_fd = -1, .out_fd = -1, .err_fd = -1, .in_fd = -1, .master_fd = -1 };

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Before "ready" stdout is labd's pipe and carries exactly one line. An adopted
 * client (an exec's stream) hears why as well. */
static void fail(const char *msg)
{
	char line[1200];
	if (S.cfg.exec_json) {
		snprintf(line, sizeof line, "OCI runtime exec failed: %s\r\n", msg);
		attach_notice(line);
	}
	int n = snprintf(line, sizeof line, "error %s", msg);
	if (n < 0 || (size_t)n >= sizeof line - 1)
		n = (int)sizeof line - 2;
	for (int i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	write_all(1, line, (size_t)n);
	attach_unlink();
	exit(1);
}

/* Descriptors 0-2 must exist, or a pipe could land there and be clobbered by dup2.
 * Anything else inherited is closed: the shim lives long and must not keep some
 * pipe of its spawner open. */
static void tidy_fds(int keep)
{
	unsigned k = keep >= 3 ? (unsigned)keep : ~0U;
	if ((k > 3 && close_range(3, k - 1, 0) < 0) || (k != ~0U && close_range(k + 1, ~0U, 0) < 0))
		for (int fd = 3; fd < 1024; fd++)
			if (fd != keep)
				close(fd);
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0) {
			int n = open("/dev/null", O_RDWR);
			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
	}
}

static void announce_ready(void)
{
	char line[32], path[1024];
	int n = snprintf(line, sizeof line, "ready %d\n", (int)S.pid);
	write_all(1, line, (size_t)n);
	/* From now on labd may be gone: stdio must not point at its pipes. */
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int log = state_path(path, sizeof path, "shim.log") ? -1
		: open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
	if (nul >= 0) {
		dup2(nul, 0);
		close(nul);
	}
	if (log >= 0) {
		dup2(log, 1);
		dup2(log, 2);
		close(log);
	}
}

static void read_output(int *fd, int stream)
{
	static char buf[16 * 1024]; /* Docker's copier reads 16 KiB at most, too */
	ssize_t n = read(*fd, buf, sizeof buf);
	if (n > 0) {
		log_chunk(stream, buf, (size_t)n);
		attach_output(stream, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* EOF, or EIO from a pty master once no slave is left; the master stays open
	 * for resize and stdin. */
	if (*fd != S.master_fd)
		close(*fd);
	*fd = -1;
}

static void write_exit_file(void)
{
	char tmp[1024], dst[1024], json[160];
	if (state_path(tmp, sizeof tmp, "exit.tmp") || state_path(dst, sizeof dst, "exit"))
		return;
	int n = exit_json(json, sizeof json);
	int fd = n < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, json, (size_t)n) < 0 || close(fd) < 0 || rename(tmp, dst) < 0)
		fprintf(stderr, "labd-shim: cannot write %s: %s\n", dst, strerror(errno));
}

/* Serve output and clients until the process has exited and its output is drained. */
static void run(void)
{
	struct pollfd pfd[256];
	long long drain_until = 0;

	for (;;) {
		if (S.exited && !drain_until)
			drain_until = now_ms() + DRAIN_MS;
		if (S.exited && ((S.out_fd < 0 && S.err_fd < 0) || now_ms() >= drain_until))
			return;
		int n = 0;
		pfd[n++] = (struct pollfd){ S.sig_fd, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ S.out_fd, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ S.err_fd, POLLIN, 0 };
		n += attach_pollfds(pfd + n, (int)(sizeof pfd / sizeof pfd[0]) - n);
		long long left = drain_until - now_ms();
		int timeout = !S.exited ? -1 : left > 0 ? (int)left : 0;
		if (poll(pfd, (nfds_t)n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			/* Cannot happen with valid arguments; never claim an exit we did not see. */
			fprintf(stderr, "labd-shim: poll: %s\n", strerror(errno));
			exit(2);
		}
		if (pfd[0].revents)
			drain_signals();
		if (pfd[1].revents && S.out_fd >= 0)
			read_output(&S.out_fd, STREAM_STDOUT);
		if (pfd[2].revents && S.err_fd >= 0)
			read_output(&S.err_fd, STREAM_STDERR);
		attach_events(pfd + 3);
	}
}

/* --hold (docker exec): the process starts only once its first client has attached,
 * so not a byte of its output is missed. */
static void hold_for_attach(void)
{
	struct pollfd pfd[256];
	long long until = now_ms() + HOLD_MS;
	while (!attach_count()) {
		long long left = until - now_ms();
		if (left <= 0)
			fail("no client attached in time");
		int n = attach_pollfds(pfd, (int)(sizeof pfd / sizeof pfd[0]));
		int r = poll(pfd, (nfds_t)n, (int)left);
		if (r < 0 && errno != EINTR)
			fail("poll failed while waiting for a client");
		if (r > 0)
			attach_events(pfd);
	}
}

/* Give clients a bounded time to take their replies and last output. */
static void linger(void)
{
	struct pollfd pfd[256];
	long long until = now_ms() + LINGER_MS;
	long long left;
	while (attach_busy() && (left = until - now_ms()) > 0) {
		int n = attach_pollfds(pfd, (int)(sizeof pfd / sizeof pfd[0]));
		if (poll(pfd, (nfds_t)n, (int)left) < 0 && errno != EINTR)
			return;
		attach_events(pfd);
	}
}

int main(int argc, char **argv)
{
	char err[1024], path[1024];
	sigset_t chld;

	int perr = parse_args(argc, argv, &S.cfg, err, sizeof err);
	tidy_fds(perr == 0 && S.cfg.client_fd ? atoi(S.cfg.client_fd) : -1);
	if (perr < 0)
		fail(err);
	/* labd may vanish at any moment; its pipes and session must not take us along. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		fail("cannot become a child subreaper");
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	S.sig_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (S.sig_fd < 0)
		fail("signalfd failed");

	if (mkdir(S.cfg.state_dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, sizeof err, "state dir %s: %s", S.cfg.state_dir, strerror(errno));
		fail(err);
	}
	if (state_path(path, sizeof path, "attach.sock") < 0)
		fail("state dir path too long");
	if (attach_listen(path, err, sizeof err) < 0)
		fail(err);
	if (S.cfg.client_fd && attach_adopt(atoi(S.cfg.client_fd), S.cfg.client_streams) < 0)
		fail("the handed-over client connection is not usable");
	if (log_open(S.cfg.log_path, S.cfg.log_max_size ? atoll(S.cfg.log_max_size) : -1,
		     S.cfg.log_max_files ? atoi(S.cfg.log_max_files) : 1) < 0) {
		snprintf(err, sizeof err, "log %s: %s", S.cfg.log_path, strerror(errno));
		fail(err);
	}
	if (S.cfg.hold)
		hold_for_attach();
	if (start_process(err, sizeof err) < 0)
		fail(err);
	announce_ready();

	run();
	write_exit_file();
	attach_shutdown();
	linger();
	return 0;
}
