/* The attach socket: one request line per connection (attach, resize, wait, status,
 * signal). Every socket is non-blocking and every client has its own output buffer,
 * so a slow or dead client never stalls the container or the other clients. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "attach.h"
#include "shim.h"

#define MAX_CLIENTS 128
#define CLIENT_BUF_MAX (1024 * 1024) /* a client further behind than this is dropped */
#define IN_CAP (32 * 1024)

static struct client clients[MAX_CLIENTS];
static int listen_fd = -1, listen_pi = -1, stdin_pi = -1;
static char sock_path[sizeof ((struct sockaddr_un *)0)->sun_path];
/* Client input waiting for the container's stdin. */
static char inbuf[IN_CAP];
static size_t inlen;
static int stdin_close_wanted;

static int take_input(struct client *c, const char *data, size_t n);

int attach_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof addr.sun_path) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	strcpy(sock_path, path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(path);
	mode_t old = umask(0177); /* the socket is created 0600, never briefly wider */
	int rc = listen_fd < 0 ? -1 : bind(listen_fd, (struct sockaddr *)&addr, sizeof addr);
	umask(old);
	if (rc < 0 || listen(listen_fd, 64) < 0) {
		snprintf(err, errlen, "attach socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void attach_unlink(void)
{
	if (listen_fd >= 0) {
		close(listen_fd);
		listen_fd = -1;
		unlink(sock_path);
	}
}

static void stdin_eof(void)
{
	if (S.cfg.stdin_once)
		stdin_close_wanted = 1;
}

static void drop(struct client *c)
{
	char junk[4096];
	if (c->kind == C_ATTACH && (c->want & W_IN) && !c->in_eof)
		stdin_eof();
	/* Unread input would turn the close into a reset that can eat our reply. */
	for (int k = 0; k < 16 && recv(c->fd, junk, sizeof junk, MSG_DONTWAIT) > 0; k++)
		;
	close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

/* Send what the socket takes now and buffer the rest; returns -1 if c was dropped. */
static int queue(struct client *c, const void *a, size_t alen, const void *b, size_t blen)
{
	struct iovec iov[2] = { { (void *)a, alen }, { (void *)b, blen } };
	size_t done = 0;
	if (c->len == 0) {
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
		ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			drop(c);
			return -1;
		}
		done = n > 0 ? (size_t)n : 0;
	}
	size_t rest = alen + blen - done;
	if (rest == 0)
		return 0;
	if (c->len + rest > CLIENT_BUF_MAX) {
		static const char m[] = "labd-shim: dropping an attach client that stopped reading\n";
		write_all(2, m, sizeof m - 1);
		drop(c);
		return -1;
	}
	if (c->len + rest > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		while (cap < c->len + rest)
			cap *= 2;
		char *nb = realloc(c->buf, cap);
		if (!nb) {
			drop(c);
			return -1;
		}
		c->buf = nb;
		c->cap = cap;
	}
	for (int i = 0; i < 2; i++) {
		size_t skip = done < iov[i].iov_len ? done : iov[i].iov_len;
		memcpy(c->buf + c->len, (char *)iov[i].iov_base + skip, iov[i].iov_len - skip);
		c->len += iov[i].iov_len - skip;
		done -= skip;
	}
	return 0;
}

void reply(struct client *c, const char *text)
{
	c->kind = C_CLOSING;
	c->in_eof = 1;
	if (queue(c, text, strlen(text), NULL, 0) == 0 && c->len == 0)
		drop(c);
}

void attach_output(int stream, const char *buf, size_t n)
{
	int bit = stream == STREAM_STDERR ? W_ERR : W_OUT;
	unsigned char hdr[8] = { (unsigned char)stream, 0, 0, 0 };
	uint32_t be = htonl((uint32_t)n);
	memcpy(hdr + 4, &be, 4);
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		if (c->kind != C_ATTACH || !(c->want & bit))
			continue;
		if (c->raw)
			queue(c, buf, n, NULL, 0);
		else
			queue(c, hdr, sizeof hdr, buf, n);
	}
}

static void readable(struct client *c)
{
	char junk[4096];
	ssize_t n;

	if (c->kind == C_REQ) {
		n = read(c->fd, c->req + c->reqlen, REQ_MAX - 1 - c->reqlen);
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EINTR))
				drop(c);
			return;
		}
		c->reqlen += (size_t)n;
		char *nl = memchr(c->req, '\n', c->reqlen);
		if (nl) {
			*nl = '\0';
			handle_request(c, c->req, (size_t)(nl - c->req) + 1);
		} else if (c->reqlen == REQ_MAX - 1) {
			reply(c, "error request too long\n");
		}
		return;
	}
	int to_stdin = c->kind == C_ATTACH && (c->want & W_IN);
	if (to_stdin && (c->reqlen > 0 || inlen + DETACH_MAX >= IN_CAP))
		return;
	/* Room for what is read and a held-back partial detach sequence. */
	n = read(c->fd, junk, to_stdin ? IN_CAP - inlen - DETACH_MAX < sizeof junk ? IN_CAP - inlen - DETACH_MAX : sizeof junk : sizeof junk);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			drop(c);
		return;
	}
	if (n > 0) {
		if (to_stdin && S.in_fd >= 0 && take_input(c, junk, (size_t)n)) {
			c->in_eof = 1; /* a detach: the process keeps its stdin */
			drop(c);
		}
		return;
	}
	/* A half-close: the client may still want output. */
	c->in_eof = 1;
	if (to_stdin)
		stdin_eof();
	if (c->kind == C_ATTACH && !(c->want & (W_OUT | W_ERR)))
		drop(c);
}

static void flush_client(struct client *c)
{
	ssize_t n = send(c->fd, c->buf, c->len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			drop(c);
		return;
	}
	memmove(c->buf, c->buf + n, c->len - (size_t)n);
	c->len -= (size_t)n;
	if (c->len == 0 && c->kind == C_CLOSING)
		drop(c);
}

/* Feed the container's stdin as far as it takes it; close it once the stdin-once
 * client is done (a pty has no stdin to close). */
static void stdin_pump(void)
{
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		size_t k = IN_CAP - inlen < c->reqlen ? IN_CAP - inlen : c->reqlen;
		if (c->kind != C_ATTACH || k == 0)
			continue;
		if (S.in_fd < 0) {
			c->reqlen = 0;
			continue;
		}
		memcpy(inbuf + inlen, c->req, k);
		memmove(c->req, c->req + k, c->reqlen - k);
		inlen += k;
		c->reqlen -= k;
	}
	while (S.in_fd >= 0 && inlen > 0) {
		ssize_t n = write(S.in_fd, inbuf, inlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) { /* nobody reads it any more */
			if (S.in_fd != S.master_fd)
				close(S.in_fd);
			S.in_fd = -1;
			break;
		}
		memmove(inbuf, inbuf + n, inlen - (size_t)n);
		inlen -= (size_t)n;
	}
	if (S.in_fd < 0)
		inlen = 0;
	if (inlen == 0 && stdin_close_wanted && S.in_fd >= 0 && !S.cfg.tty) {
		close(S.in_fd);
		S.in_fd = -1;
	}
}

int attach_pollfds(struct pollfd *pfd, int max)
{
	int n = 0;
	listen_pi = stdin_pi = -1;
	if (listen_fd >= 0 && n < max) {
		listen_pi = n;
		pfd[n++] = (struct pollfd){ listen_fd, POLLIN, 0 };
	}
	if (S.in_fd >= 0 && inlen > 0 && n < max) {
		stdin_pi = n;
		pfd[n++] = (struct pollfd){ S.in_fd, POLLOUT, 0 };
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		c->pi = -1;
		if (c->kind == C_FREE || n >= max)
			continue;
		short ev = c->len > 0 ? POLLOUT : 0;
		int stdin_full = c->kind == C_ATTACH && (c->want & W_IN) && (inlen >= IN_CAP || c->reqlen > 0);
		if (!c->in_eof && !stdin_full)
			ev |= POLLIN;
		else if (c->hup)
			continue; /* its hangup would wake poll in a loop until stdin has room */
		c->pi = n;
		pfd[n++] = (struct pollfd){ c->fd, ev, 0 };
	}
	return n;
}

static void accept_clients(void)
{
	for (;;) {
		int i = 0;
		while (i < MAX_CLIENTS && clients[i].kind != C_FREE)
			i++;
		if (i == MAX_CLIENTS)
			return; /* full: the rest wait in the backlog */
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		memset(&clients[i], 0, sizeof clients[i]);
		clients[i].fd = fd;
		clients[i].kind = C_REQ;
		clients[i].pi = -1;
	}
}

void attach_events(const struct pollfd *pfd)
{
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		if (c->kind == C_FREE || c->pi < 0)
			continue;
		short re = pfd[c->pi].revents, ev = pfd[c->pi].events;
		if (re & (POLLERR | POLLNVAL)) {
			drop(c);
			continue;
		}
		if (re & POLLOUT) {
			flush_client(c);
			if (c->kind == C_FREE)
				continue;
		}
		if ((ev & POLLIN) && (re & (POLLIN | POLLHUP)))
			readable(c);
		else if (re & POLLHUP) {
			if (c->kind == C_ATTACH && (c->want & W_IN) && !c->in_eof)
				c->hup = 1; /* read its last bytes once stdin has room */
			else
				drop(c);
		}
	}
	if (listen_pi >= 0 && (pfd[listen_pi].revents & POLLIN))
		accept_clients();
	stdin_pump();
}

void exit_event(char *out, size_t len)
{
	int n = snprintf(out, len, "exit ");
	int k = exit_json(out + n, len - (size_t)n - 1);
	if (k < 0)
		k = snprintf(out + n, len - (size_t)n - 1, "{\"exitCode\":%d,\"signal\":null,\"finishedAt\":\"\"}", S.exit_code);
	strcpy(out + n + k, "\n");
}

/* The process is gone, its output drained and its exit file written: answer the
 * waiters, send subscribers the exit event, let attached clients take what is
 * buffered, and stop accepting. */
void attach_shutdown(void)
{
	char msg[32], event[200];
	snprintf(msg, sizeof msg, "exit %d\n", S.exit_code);
	exit_event(event, sizeof event);
	S.exit_reported = 1;
	if (listen_fd >= 0)
		accept_clients();
	attach_unlink();
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		if (c->kind == C_WAIT)
			reply(c, msg);
		else if (c->kind == C_EVENTS)
			reply(c, event);
		else if (c->kind == C_ATTACH) {
			c->kind = C_CLOSING;
			c->in_eof = 1;
			if (c->len == 0)
				drop(c);
		}
	}
}

/* Clients still owed a reply or buffered output. */
int attach_busy(void)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].kind != C_FREE)
			return 1;
	return 0;
}

/* Clients attached to the process's streams. */
int attach_count(void)
{
	int n = 0;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].kind == C_ATTACH)
			n++;
	return n;
}

/* Tell an attach client it is registered: everything the process writes from now on reaches it. */
void attach_ack(struct client *c)
{
	queue(c, "ok\n", 3, NULL, 0);
}

/* A connection handed over by labd (an exec's hijacked HTTP stream): an attach
 * client from the start, so no output can be missed and nothing relays it. */
int attach_adopt(int fd, const char *streams)
{
	struct client *c = &clients[0];
	int ack = 0;
	memset(c, 0, sizeof *c);
	/* Not for runc or the process: only the shim may hold the client's connection. */
	if (attach_spec(c, streams, &ack) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		memset(c, 0, sizeof *c);
		c->fd = -1;
		return -1;
	}
	c->fd = fd;
	c->kind = C_ATTACH;
	c->pi = -1;
	return 0;
}

/* Move client input into the stdin buffer, watching for the detach sequence: a
 * partial match is held back, and given to stdin as it was if the next byte breaks
 * it. Returns 1 when the sequence is complete (the client is done; the process
 * and its stdin carry on). */
static int take_input(struct client *c, const char *data, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		unsigned char b = (unsigned char)data[k];
		if (c->nkeys && b == c->keys[c->matched]) {
			if (++c->matched == c->nkeys)
				return 1;
			continue;
		}
		memcpy(inbuf + inlen, c->keys, c->matched);
		inlen += c->matched;
		c->matched = 0;
		inbuf[inlen++] = (char)b;
	}
	return 0;
}

/* A last message to the attached clients when the process could not be started:
 * as dockerd, it goes down the stream (framed as stdout unless there is a tty). */
void attach_notice(const char *text)
{
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		if (c->kind != C_ATTACH)
			continue;
		int fl = fcntl(c->fd, F_GETFL);
		fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK); /* a short message; the shim exits right after */
		if (!c->raw) {
			unsigned char hdr[8] = { STREAM_STDOUT, 0, 0, 0 };
			uint32_t be = htonl((uint32_t)strlen(text));
			memcpy(hdr + 4, &be, 4);
			write_all(c->fd, hdr, sizeof hdr);
		}
		write_all(c->fd, text, strlen(text));
		drop(c);
	}
}
