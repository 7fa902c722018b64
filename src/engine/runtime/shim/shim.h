/* labd-shim: holds one container process for labd (see main.c). */
#ifndef LABD_SHIM_H
#define LABD_SHIM_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define STREAM_STDOUT 1
#define STREAM_STDERR 2

struct config {
	const char *id;
	const char *bundle;
	const char *runtime;
	const char *runtime_root;
	const char *state_dir;
	const char *log_path;
	const char *log_max_size;  /* bytes a log file may reach before it is rotated; NULL: no limit */
	const char *log_max_files; /* files kept, the live one included (json-file's max-file) */
	const char *exec_json; /* NULL: create the container itself */
	int tty;
	int stdin_open;
	int stdin_once;
	int hold;           /* start the process only once a client has attached */
	const char *client_fd;      /* an inherited connection that is already an attach client */
	const char *client_streams; /* its streams: i, o, e */
};

/* State shared by the event loop, the runtime launcher and the attach server. */
struct shim {
	struct config cfg;
	int sig_fd;         /* signalfd for SIGCHLD */
	pid_t pid;          /* the held process, 0 until its pid file is read */
	int exited;
	int exit_code;      /* WEXITSTATUS or 128+signal */
	int exit_signal;    /* 0 when it exited normally */
	int exit_reported;  /* the exit file is written and subscribers have their event */
	struct timespec finished_at;
	int out_fd;         /* stdout pipe or pty master; -1 once drained */
	int err_fd;         /* stderr pipe; -1 once drained, or with a tty */
	int in_fd;          /* stdin pipe write end or pty master; -1 when none */
	int master_fd;      /* pty master, -1 without a tty */
};

extern struct shim S;

/* args.c */
int parse_args(int argc, char **argv, struct config *cfg, char *err, size_t errlen);

/* log.c */
int write_all(int fd, const void *buf, size_t n);
void format_time(const struct timespec *ts, char *out, size_t len);
int log_open(const char *path, long long max_size, int max_files);
void log_chunk(int stream, const char *buf, size_t n);

/* runtime.c */
int state_path(char *out, size_t len, const char *name);
int start_process(char *err, size_t errlen);
int exit_json(char *out, size_t len); /* length written, -1 if it did not fit */
void drain_signals(void);

/* attach.c */
int attach_listen(const char *path, char *err, size_t errlen);
int attach_pollfds(struct pollfd *pfd, int max);
void attach_events(const struct pollfd *pfd);
void attach_output(int stream, const char *buf, size_t n);
void attach_shutdown(void);
int attach_busy(void);
int attach_count(void);
void attach_unlink(void);
int attach_adopt(int fd, const char *streams);
void attach_notice(const char *text);

#endif
