/* labd-proxy: the data path of one published TCP port.
 *
 * labd binds and listens (so a port in use is its error, in Docker's words) and
 * hands the listening socket over as descriptor 3. This process accepts on it,
 * connects each client to the container's address and moves the bytes both ways
 * with splice(2) through a pipe, so they never enter user space: a relay in Node
 * copies every chunk through the heap and tops out at a fraction of the link.
 *
 * Usage: labd-proxy TARGET_IP TARGET_PORT   (listening socket on fd 3)
 *
 * Behaviour kept from the Node relay it replaces: a refused or failed upstream
 * closes the client; a client's FIN is passed on as a FIN and the answer still
 * flows back; either side resetting closes both. It dies with labd
 * (PR_SET_PDEATHSIG), so a restarted daemon can bind the port again. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_FD 3
#define PIPE_SIZE (256 * 1024) /* bytes in flight per direction; the kernel may give less */
#define MAX_EVENTS 64

/* One direction of a connection: from -> pipe -> to. */
struct half {
	int from, to;
	int pipe[2];
	size_t cap;     /* the pipe's real size */
	size_t queued;  /* bytes in the pipe not yet written on */
	int eof;        /* `from` sent its FIN */
	int done;       /* FIN passed on to `to` */
};

struct conn {
	int client, upstream;
	int connecting;
	struct half up, down; /* client->upstream, upstream->client */
};

static struct sockaddr_storage target;
static socklen_t target_len;
static int ep;

static void conn_close(struct conn *c)
{
	close(c->client);
	close(c->upstream);
	for (int i = 0; i < 2; i++) {
		if (c->up.pipe[i] >= 0)
			close(c->up.pipe[i]);
		if (c->down.pipe[i] >= 0)
			close(c->down.pipe[i]);
	}
	free(c);
}

/* Move what can move in one direction; -1 means the connection is broken. */
static int pump(struct half *h)
{
	for (;;) {
		int progress = 0;
		if (!h->eof) {
			ssize_t n = h->queued >= h->cap ? -2
				: splice(h->from, NULL, h->pipe[1], NULL, h->cap - h->queued, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				h->queued += (size_t)n;
				progress = 1;
			} else if (n == 0) {
				h->eof = 1;
			} else if (n == -1 && errno != EAGAIN && errno != EINTR) {
				return -1;
			}
		}
		if (h->queued) {
			ssize_t n = splice(h->pipe[0], NULL, h->to, NULL, h->queued, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				h->queued -= (size_t)n;
				progress = 1;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				return -1;
			}
		}
		if (h->eof && !h->queued && !h->done) {
			shutdown(h->to, SHUT_WR);
			h->done = 1;
		}
		if (!progress)
			return 0;
	}
}

static int make_pipe(struct half *h)
{
	if (pipe2(h->pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	int size = fcntl(h->pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
	if (size < 0)
		size = fcntl(h->pipe[1], F_GETPIPE_SZ);
	h->cap = size > 0 ? (size_t)size : 65536;
	return 0;
}

static void accept_all(int lfd)
{
	for (;;) {
		int client = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (client < 0)
			return;
		struct conn *c = calloc(1, sizeof *c);
		if (!c) {
			close(client);
			continue;
		}
		c->client = client;
		c->up.pipe[0] = c->up.pipe[1] = c->down.pipe[0] = c->down.pipe[1] = -1;
		c->upstream = socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->upstream < 0 || make_pipe(&c->up) < 0 || make_pipe(&c->down) < 0) {
			conn_close(c);
			continue;
		}
		int one = 1;
		setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		setsockopt(c->upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c->up.from = c->down.to = client;
		c->up.to = c->down.from = c->upstream;
		if (connect(c->upstream, (struct sockaddr *)&target, target_len) < 0 && errno != EINPROGRESS) {
			conn_close(c); /* refused at once: the client learns by the close */
			continue;
		}
		c->connecting = 1;
		struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
		epoll_ctl(ep, EPOLL_CTL_ADD, c->upstream, &ev);
	}
}

static void conn_end(struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->client, NULL);
	epoll_ctl(ep, EPOLL_CTL_DEL, c->upstream, NULL);
	conn_close(c);
}

static void on_event(struct conn *c, unsigned events)
{
	if (c->connecting) {
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(c->upstream, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err || (events & (EPOLLERR | EPOLLHUP))) {
			epoll_ctl(ep, EPOLL_CTL_DEL, c->upstream, NULL);
			conn_close(c); /* refused or unreachable: the client learns by the close */
			return;
		}
		c->connecting = 0;
		/* Edge-triggered from now on, both ways on both sockets, set once: every
		 * event runs both directions until they block (pump), so no readiness is
		 * lost and epoll never needs changing while the bytes flow. */
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c };
		epoll_ctl(ep, EPOLL_CTL_ADD, c->client, &ev);
		epoll_ctl(ep, EPOLL_CTL_MOD, c->upstream, &ev);
	}
	if ((events & EPOLLERR) || pump(&c->up) < 0 || pump(&c->down) < 0) {
		conn_end(c); /* a reset on either side ends both */
		return;
	}
	if (c->up.done && c->down.done) {
		conn_end(c); /* both FINs passed on: nothing more can flow */
		return;
	}
}

static int parse_target(const char *ip, const char *port)
{
	char *end;
	long p = strtol(port, &end, 10);
	if (*end || p < 1 || p > 65535)
		return -1;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&target;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&target;
	memset(&target, 0, sizeof target);
	if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)p);
		target_len = sizeof *v4;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)p);
		target_len = sizeof *v6;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	pid_t parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		return 1; /* labd is already gone: its port must not stay open */
	signal(SIGPIPE, SIG_IGN);
	if (argc != 3 || parse_target(argv[1], argv[2]) < 0) {
		fprintf(stderr, "usage: labd-proxy TARGET_IP TARGET_PORT (listening socket on fd 3)\n");
		return 2;
	}
	int lfd = LISTEN_FD;
	if (fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) < 0 || fcntl(lfd, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "labd-proxy: no listening socket on fd 3\n");
		return 2;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	static char listener;
	struct epoll_event lev = { .events = EPOLLIN, .data.ptr = &listener };
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) < 0) {
		perror("labd-proxy: epoll");
		return 2;
	}
	struct epoll_event evs[MAX_EVENTS];
	for (;;) {
		int n = epoll_wait(ep, evs, MAX_EVENTS, -1);
		if (n < 0 && errno != EINTR) {
			perror("labd-proxy: epoll_wait");
			return 2;
		}
		for (int i = 0; i < n; i++) {
			void *who = evs[i].data.ptr;
			if (who == &listener) {
				accept_all(lfd);
				continue;
			}
			if (!who)
				continue;
			/* Both sockets of a connection may be in this round; handle it once, with
			 * both sets of events, since handling may free it. */
			unsigned events = evs[i].events;
			for (int k = i + 1; k < n; k++) {
				if (evs[k].data.ptr == who) {
					events |= evs[k].events;
					evs[k].data.ptr = NULL;
				}
			}
			on_event(who, events);
		}
	}
}
