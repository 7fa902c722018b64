/* The attach socket's request lines:
 *   attach <i|o|e...>   stream output from now on; with i, the rest is stdin;
 *                        r or m: raw or multiplexed output whatever the process has;
 *                        :<hex>: the detach sequence that ends this client (tty only);
 *                        with a, first acknowledge with "ok\n" (the client then knows it is attached)
 *   resize <rows> <cols> set the pty size            -> ok
 *   wait                 block until the process exits -> exit <code>
 *   events               block until the process has exited, its output is drained
 *                        and STATE/exit written -> exit {"exitCode":..,"signal":..,"finishedAt":".."}
 *   status               -> running <pid>  (exited <code> in the last moments)
 *   signal <n>           kill(pid, n)                  -> ok
 * Anything else gets "error <message>". */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "attach.h"
#include "shim.h"

/* Parse "<word> <n>..." numbers; returns how many were read. */
static int numbers(const char *s, long *v, int max)
{
	int k = 0;
	while (k < max && *s == ' ') {
		char *end;
		errno = 0;
		v[k] = strtol(s + 1, &end, 10);
		if (end == s + 1 || errno)
			return -1;
		s = end;
		k++;
	}
	return *s ? -1 : k;
}

/* Each handler returns the reply line, or NULL when the client stays open. */
static const char *req_attach(struct client *c, const char *streams, size_t used)
{
	int ack = 0;
	if (attach_spec(c, streams, &ack) < 0)
		return "error attach streams are a combination of i, o and e (and a, r or m, then :<hex detach keys>)\n";
	int want = c->want;
	if (S.exited)
		return "error process has exited\n";
	c->kind = C_ATTACH;
	c->want = want;
	if (ack)
		attach_ack(c);
	/* Bytes that followed the request line already belong to stdin: they stay in
	 * req until the stdin pump moves them ahead of anything read later. */
	c->reqlen = (want & W_IN) && S.in_fd >= 0 ? c->reqlen - used : 0;
	memmove(c->req, c->req + used, c->reqlen);
	return NULL;
}

static const char *req_resize(const long *v, char *msg, size_t len)
{
	if (v[0] < 0 || v[0] > 65535 || v[1] < 0 || v[1] > 65535)
		return "error bad size\n";
	if (S.master_fd < 0)
		return "error not a tty\n";
	struct winsize ws = { .ws_row = (unsigned short)v[0], .ws_col = (unsigned short)v[1] };
	if (ioctl(S.master_fd, TIOCSWINSZ, &ws) < 0) {
		snprintf(msg, len, "error %s\n", strerror(errno));
		return msg;
	}
	return "ok\n";
}

static const char *req_signal(long sig, char *msg, size_t len)
{
	if (sig < 1 || sig > 64)
		return "error bad signal number\n";
	/* Once reaped, the pid may already belong to someone else. */
	if (S.exited)
		return "error process has exited\n";
	if (kill(S.pid, (int)sig) < 0) {
		snprintf(msg, len, "error %s\n", strerror(errno));
		return msg;
	}
	return "ok\n";
}

void handle_request(struct client *c, char *line, size_t used)
{
	char msg[64];
	const char *r;
	long v[2];
	size_t ll = strlen(line);
	if (ll > 0 && line[ll - 1] == '\r')
		line[ll - 1] = '\0';

	if (strncmp(line, "attach ", 7) == 0) {
		r = req_attach(c, line + 7, used);
	} else if (strncmp(line, "resize", 6) == 0 && numbers(line + 6, v, 2) == 2) {
		r = req_resize(v, msg, sizeof msg);
	} else if (strncmp(line, "signal", 6) == 0 && numbers(line + 6, v, 1) == 1) {
		r = req_signal(v[0], msg, sizeof msg);
	} else if (strcmp(line, "wait") == 0) {
		snprintf(msg, sizeof msg, "exit %d\n", S.exit_code);
		r = S.exited ? msg : NULL;
		if (!r)
			c->kind = C_WAIT;
	} else if (strcmp(line, "events") == 0) {
		char event[200];
		if (S.exit_reported) {
			exit_event(event, sizeof event);
			reply(c, event);
			return;
		}
		c->kind = C_EVENTS;
		r = NULL;
	} else if (strcmp(line, "status") == 0) {
		if (S.exited)
			snprintf(msg, sizeof msg, "exited %d\n", S.exit_code);
		else
			snprintf(msg, sizeof msg, "running %d\n", (int)S.pid);
		r = msg;
	} else {
		r = "error unknown request\n";
	}
	if (r)
		reply(c, r);
}
