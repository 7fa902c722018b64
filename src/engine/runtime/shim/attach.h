/* Attach clients, shared by the connection handling (attach.c) and the request
 * parser (request.c). */
#ifndef LABD_SHIM_ATTACH_H
#define LABD_SHIM_ATTACH_H

#include <stddef.h>

#define REQ_MAX 256

enum { C_FREE, C_REQ, C_ATTACH, C_WAIT, C_EVENTS, C_CLOSING };
#define W_IN 1
#define W_OUT 2
#define W_ERR 4
#define DETACH_MAX 16

struct client {
	int fd;
	int kind;
	int want;      /* W_* streams of an attach */
	int in_eof;    /* nothing more will be read from it */
	int hup;       /* peer gone while its stdin could not be taken yet */
	int pi;        /* index in this round's pollfd array, -1 if not polled */
	int raw;       /* output unframed (a tty's, or asked for with r) */
	unsigned char keys[DETACH_MAX]; /* the detach sequence (tty only): it ends this client, not the process */
	size_t nkeys, matched;
	char req[REQ_MAX];
	size_t reqlen;
	char *buf;     /* output not yet accepted by the socket */
	size_t len, cap;
};

/* Parse an attach spec: streams (i, o, e), then optionally a (acknowledge), r or m
 * (raw or multiplexed output instead of the process's own kind), and :<hex> (the
 * detach sequence). Fills c's want, raw and keys; returns -1 on a bad spec. */
int attach_spec(struct client *c, const char *spec, int *ack);
/* Queue "ok\n" for an attach client that asked for an acknowledgement. */
void attach_ack(struct client *c);
/* Queue text for c and close it once sent. */
void reply(struct client *c, const char *text);
/* The exit event's line: "exit <json>\n". */
void exit_event(char *out, size_t len);
/* Act on one request line; `used` is the line's length with its newline. */
void handle_request(struct client *c, char *line, size_t used);

#endif
