/* Launching the process through the OCI runtime (runc create / runc exec --detach),
 * receiving the pty master in terminal mode, and reaping children. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim.h"

static pid_t runc_pid;
static int runc_status;
static int runc_done;

/* Children reaped before the pid file names the held process: a quick exec'd
 * process can exit before `runc exec` itself does. */
static struct { pid_t pid; int status; } early[64];
static int nearly;

int state_path(char *out, size_t len, const char *name)
{
	int n = snprintf(out, len, "%s/%s", S.cfg.state_dir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void record_exit(int status)
{
	S.exited = 1;
	clock_gettime(CLOCK_REALTIME, &S.finished_at);
	if (WIFSIGNALED(status)) {
		S.exit_signal = WTERMSIG(status);
		S.exit_code = 128 + S.exit_signal;
	} else {
		S.exit_code = WEXITSTATUS(status);
	}
}

/* The exit as one JSON object, the same in STATE/exit and in the exit event. */
int exit_json(char *out, size_t len)
{
	char when[40], sig[16];
	format_time(&S.finished_at, when, sizeof when);
	if (S.exit_signal)
		snprintf(sig, sizeof sig, "%d", S.exit_signal);
	else
		strcpy(sig, "null");
	int n = snprintf(out, len, "{\"exitCode\":%d,\"signal\":%s,\"finishedAt\":\"%s\"}",
			 S.exit_code, sig, when);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

/* As a subreaper every orphan of the container lands here: reap them all. */
void drain_signals(void)
{
	struct signalfd_siginfo si;
	int status;
	pid_t p;

	while (read(S.sig_fd, &si, sizeof si) == sizeof si)
		;
	while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
		if (p == runc_pid && !runc_done) {
			runc_status = status;
			runc_done = 1;
		} else if (S.pid == 0) {
			if (nearly < (int)(sizeof early / sizeof early[0])) {
				early[nearly].pid = p;
				early[nearly++].status = status;
			}
		} else if (p == S.pid && !S.exited) {
			record_exit(status);
		}
	}
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static pid_t spawn(char *const argv[], int in, int out, int err)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* The runtime and the container must not inherit the shim's signal setup. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int console_listen(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	strcpy(addr.sun_path, path); /* length checked by the caller */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 4) < 0) {
		close(fd);
		return -1;
	}
	chmod(path, 0600);
	return fd;
}

/* runc sends the pty master as SCM_RIGHTS, with the pty's name as the payload. */
static int recv_master(int conn)
{
	char name[256];
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { name, sizeof name };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof ctl };
	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
		return errno == EAGAIN ? -2 : -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
			return fd;
		}
	}
	return -1;
}

/* One step of the console handshake: accept runc's connection, then take the master. */
static void console_step(int lfd, int *conn)
{
	if (*conn < 0 && lfd >= 0)
		*conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (*conn >= 0 && S.master_fd < 0) {
		int fd = recv_master(*conn);
		if (fd == -2)
			return;
		S.master_fd = fd;
		close(*conn);
		*conn = -1;
	}
}

/* Copy a JSON string body (after the opening quote) as one line of plain text. */
static void json_unquote(const char *s, char *out, size_t len)
{
	size_t o = 0;
	for (; *s && *s != '"' && o + 4 < len; s++) {
		char c = *s;
		if (c == '\\' && s[1]) {
			c = *++s;
			if (c == 'u' && strlen(s) >= 5) {
				unsigned v = (unsigned)strtoul((char[5]){ s[1], s[2], s[3], s[4], 0 }, NULL, 16);
				s += 4;
				if (v < 0x80) {
					out[o++] = (char)v;
				} else if (v < 0x800) {
					out[o++] = (char)(0xc0 | v >> 6);
					out[o++] = (char)(0x80 | (v & 0x3f));
				} else {
					out[o++] = (char)(0xe0 | v >> 12);
					out[o++] = (char)(0x80 | ((v >> 6) & 0x3f));
					out[o++] = (char)(0x80 | (v & 0x3f));
				}
				continue;
			}
			c = c == 'n' || c == 'r' || c == 't' ? ' ' : c;
		}
		out[o++] = c;
	}
	out[o] = '\0';
}

/* The last "level":"error" message runc logged after `from`, if any. */
static int runc_log_error(const char *path, off_t from, char *out, size_t len)
{
	static char buf[16 * 1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	off_t end = lseek(fd, 0, SEEK_END);
	if (end - from > (off_t)sizeof buf - 1)
		from = end - (off_t)sizeof buf + 1;
	ssize_t n = pread(fd, buf, (size_t)(end - from), from);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	int found = -1;
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *msg = strstr(line, "\"msg\":\"");
		if (strstr(line, "\"level\":\"error\"") && msg) {
			json_unquote(msg + 7, out, len);
			found = 0;
		}
	}
	return found;
}

/* The last non-empty line of what runc printed on stderr. */
static void last_line(int fd, char *out, size_t len)
{
	char buf[8192];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	out[0] = '\0';
	if (n <= 0)
		return;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	char *start = strrchr(buf, '\n');
	snprintf(out, len, "%s", start ? start + 1 : buf);
}

static int read_pid(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	long v = strtol(buf, NULL, 10);
	return v > 0 ? (int)v : -1;
}

/* Run `runc create` or `runc exec --detach` and wait for it; on success S.pid and
 * the stdio descriptors are set. On failure err holds a one-line message. */
int start_process(char *err, size_t errlen)
{
	char runc_log[1024], pid_file[1024], console[sizeof ((struct sockaddr_un *)0)->sun_path];
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2], devnull, clfd = -1, conn = -1;

	if (state_path(runc_log, sizeof runc_log, "runc.log") || state_path(pid_file, sizeof pid_file, "init.pid") ||
	    state_path(console, sizeof console, "console.sock")) {
		snprintf(err, errlen, "state dir path too long");
		return -1;
	}
	unlink(pid_file);
	struct stat st;
	off_t log_start = stat(runc_log, &st) == 0 ? st.st_size : 0;

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || (!S.cfg.tty && pipe2(out, O_CLOEXEC)) || pipe2(errp, O_CLOEXEC) ||
	    (S.cfg.stdin_open && !S.cfg.tty && pipe2(in, O_CLOEXEC))) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (S.cfg.tty && (clfd = console_listen(console)) < 0) {
		snprintf(err, errlen, "console socket %s: %s", console, strerror(errno));
		return -1;
	}

	char *argv[24];
	int a = 0;
	argv[a++] = (char *)S.cfg.runtime;
	argv[a++] = "--root";
	argv[a++] = (char *)S.cfg.runtime_root;
	argv[a++] = "--log";
	argv[a++] = runc_log;
	argv[a++] = "--log-format";
	argv[a++] = "json";
	if (S.cfg.exec_json) {
		argv[a++] = "exec";
		argv[a++] = "--detach";
		argv[a++] = "--process";
		argv[a++] = (char *)S.cfg.exec_json;
	} else {
		argv[a++] = "create";
		argv[a++] = "--bundle";
		argv[a++] = (char *)S.cfg.bundle;
	}
	argv[a++] = "--pid-file";
	argv[a++] = pid_file;
	if (S.cfg.tty) {
		argv[a++] = "--console-socket";
		argv[a++] = console;
	}
	argv[a++] = (char *)S.cfg.id;
	argv[a] = NULL;

	/* With a tty runc's own output is only wanted for its error message. */
	if (S.cfg.tty)
		runc_pid = spawn(argv, devnull, errp[1], errp[1]);
	else
		runc_pid = spawn(argv, in[0] >= 0 ? in[0] : devnull, out[1], errp[1]);
	if (runc_pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	close(devnull);
	close(errp[1]);
	if (out[1] >= 0)
		close(out[1]);
	if (in[0] >= 0)
		close(in[0]);

	while (!runc_done) {
		struct pollfd p[3] = { { S.sig_fd, POLLIN, 0 }, { clfd, POLLIN, 0 }, { conn, POLLIN, 0 } };
		if (poll(p, 3, -1) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (S.cfg.tty)
			console_step(clfd, &conn);
		drain_signals();
	}
	if (S.cfg.tty) {
		/* runc has sent the master before exiting; it may still sit in the queue. */
		console_step(clfd, &conn);
		console_step(clfd, &conn);
		if (conn >= 0)
			close(conn);
		close(clfd);
		unlink(console);
	}

	set_nonblock(errp[0]);
	if (!WIFEXITED(runc_status) || WEXITSTATUS(runc_status) != 0) {
		if (runc_log_error(runc_log, log_start, err, errlen) < 0) {
			last_line(errp[0], err, errlen);
			if (!err[0] && WIFSIGNALED(runc_status))
				snprintf(err, errlen, "%s killed by signal %d", S.cfg.runtime, WTERMSIG(runc_status));
			else if (!err[0])
				snprintf(err, errlen, "%s exited with status %d", S.cfg.runtime, WEXITSTATUS(runc_status));
		}
		return -1;
	}

	int pid = read_pid(pid_file);
	if (pid < 0) {
		snprintf(err, errlen, "cannot read pid file %s", pid_file);
		return -1;
	}
	if (S.cfg.tty && S.master_fd < 0) {
		snprintf(err, errlen, "%s did not send the console", S.cfg.runtime);
		return -1;
	}
	S.pid = pid;
	for (int i = 0; i < nearly; i++)
		if (early[i].pid == pid)
			record_exit(early[i].status);

	if (S.cfg.tty) {
		close(errp[0]);
		set_nonblock(S.master_fd);
		S.out_fd = S.in_fd = S.master_fd;
	} else {
		S.out_fd = out[0];
		S.err_fd = errp[0];
		set_nonblock(S.out_fd);
		if (in[1] >= 0)
			set_nonblock(in[1]);
		S.in_fd = in[1];
	}
	return 0;
}
