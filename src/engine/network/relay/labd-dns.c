/* labd-dns: the container's end of the embedded DNS server.
 *
 * It enters the container's network namespace, listens on 127.0.0.11:53/udp (the
 * address dockerd's embedded server has, which /etc/resolv.conf names) and passes
 * every query to labd over its standard input and output, which labd made (a
 * socketpair). labd answers from what it knows of the container's networks, or
 * forwards to the host's resolvers, and the answer goes back to the asker.
 *
 * It listens on 127.0.0.11:53/tcp too, as dockerd's server does (a resolver
 * retries there when an answer was truncated, and some clients always use it):
 * each TCP message (u16 length, then the DNS message) goes to labd the same way.
 *
 * Frame, both ways: u16 length of what follows (big-endian), the asker's IPv4
 * address (4 bytes) and port (2 bytes), then the DNS message. A TCP asker is
 * named by address 0.0.0.0 and its connection's slot as the port.
 *
 * Usage: labd-dns NETNS_PATH
 * It ends when labd closes its side, and dies with labd (PR_SET_PDEATHSIG): a
 * restarted daemon starts a new one for each running container. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MSG 4096
#define HEAD 8 /* length, address, port */
#define MAX_TCP 16 /* TCP askers at once; one more is closed at once */

struct tcp_asker {
	int fd; /* -1: a free slot */
	int waiting; /* queries sent to labd and not yet answered */
	int ended; /* the asker closed its sending side: close once the answers are out */
	size_t have;
	unsigned char buf[2 + MAX_MSG];
};
static struct tcp_asker tcp[MAX_TCP];

static int write_all(int fd, const unsigned char *p, size_t n) {
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void drop_asker(int i) {
	close(tcp[i].fd);
	tcp[i].fd = -1;
	tcp[i].have = 0;
	tcp[i].waiting = 0;
	tcp[i].ended = 0;
}

static void accept_asker(int listener) {
	/* Non-blocking: an asker that does not read its answers is dropped, never waited for. */
	int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) return;
	for (int i = 0; i < MAX_TCP; i++)
		if (tcp[i].fd < 0) {
			tcp[i].fd = fd;
			tcp[i].have = 0;
			tcp[i].waiting = 0;
			tcp[i].ended = 0;
			return;
		}
	close(fd); /* every slot busy */
}

/* Reads what a TCP asker sent; each whole message goes to labd. -1 when labd is gone. */
static int read_asker(int i) {
	struct tcp_asker *a = &tcp[i];
	ssize_t n = read(a->fd, a->buf + a->have, sizeof a->buf - a->have);
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
		/* A client may half-close after its query: its answers still go out. */
		if (n == 0 && a->waiting > 0) a->ended = 1;
		else drop_asker(i);
		return 0;
	}
	a->have += (size_t)n;
	while (a->have >= 2) {
		size_t len = (size_t)a->buf[0] << 8 | a->buf[1];
		if (len == 0 || len > MAX_MSG) {
			drop_asker(i);
			return 0;
		}
		if (a->have < 2 + len) break;
		unsigned char head[HEAD];
		unsigned short total = (unsigned short)(len + HEAD - 2);
		head[0] = (unsigned char)(total >> 8);
		head[1] = (unsigned char)total;
		memset(head + 2, 0, 4);
		head[6] = (unsigned char)(i >> 8);
		head[7] = (unsigned char)i;
		if (write_all(1, head, HEAD) < 0 || write_all(1, a->buf + 2, len) < 0) return -1;
		a->waiting++;
		memmove(a->buf, a->buf + 2 + len, a->have - 2 - len);
		a->have -= 2 + len;
	}
	return 0;
}

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: labd-dns NETNS_PATH\n");
		return 2;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1) return 1; /* labd is already gone */
	int ns = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
		fprintf(stderr, "labd-dns: cannot enter %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	close(ns);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(53)};
	inet_pton(AF_INET, "127.0.0.11", &addr.sin_addr);
	if (udp < 0 || bind(udp, (struct sockaddr *)&addr, sizeof addr) < 0) {
		fprintf(stderr, "labd-dns: cannot listen on 127.0.0.11:53: %s\n", strerror(errno));
		return 1;
	}
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, MAX_TCP) < 0) {
		fprintf(stderr, "labd-dns: cannot listen on 127.0.0.11:53/tcp: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < MAX_TCP; i++) tcp[i].fd = -1;
	/* Tell labd the server is listening: one byte before any frame. */
	if (write_all(1, (const unsigned char *)"R", 1) < 0) return 1;

	static unsigned char in[HEAD + MAX_MSG], buf[2 * (HEAD + MAX_MSG)];
	size_t have = 0;
	struct pollfd fds[3 + MAX_TCP] = {{.fd = udp, .events = POLLIN}, {.fd = 0, .events = POLLIN}, {.fd = listener, .events = POLLIN}};
	for (;;) {
		for (int i = 0; i < MAX_TCP; i++) fds[3 + i] = (struct pollfd){.fd = tcp[i].ended ? -1 : tcp[i].fd, .events = POLLIN};
		if (poll(fds, 3 + MAX_TCP, -1) < 0) {
			if (errno == EINTR) continue;
			return 1;
		}
		if (fds[2].revents & POLLIN) accept_asker(listener);
		for (int i = 0; i < MAX_TCP; i++)
			if (tcp[i].fd >= 0 && (fds[3 + i].revents & (POLLIN | POLLHUP | POLLERR))) {
				if (read_asker(i) < 0) return 0;
			}
		if (fds[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t len = sizeof from;
			ssize_t n = recvfrom(udp, in + HEAD, MAX_MSG, 0, (struct sockaddr *)&from, &len);
			if (n > 0) {
				unsigned short total = (unsigned short)(n + HEAD - 2);
				in[0] = (unsigned char)(total >> 8);
				in[1] = (unsigned char)total;
				memcpy(in + 2, &from.sin_addr.s_addr, 4);
				memcpy(in + 6, &from.sin_port, 2);
				if (write_all(1, in, (size_t)n + HEAD) < 0) return 0;
			}
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, buf + have, sizeof buf - have);
			if (n <= 0) {
				if (n < 0 && errno == EINTR) continue;
				return 0; /* labd closed its side */
			}
			have += (size_t)n;
			for (;;) {
				if (have < 2) break;
				size_t total = ((size_t)buf[0] << 8 | buf[1]) + 2;
				if (total < HEAD || total > sizeof buf) return 1; /* not a frame: labd and this program disagree */
				if (have < total) break;
				struct sockaddr_in to = {.sin_family = AF_INET};
				memcpy(&to.sin_addr.s_addr, buf + 2, 4);
				memcpy(&to.sin_port, buf + 6, 2);
				if (to.sin_addr.s_addr == 0) {
					unsigned slot = (unsigned)buf[6] << 8 | buf[7];
					if (slot < MAX_TCP && tcp[slot].fd >= 0) {
						/* The length prefix of TCP is the frame's, less the head. */
						unsigned char len[2] = {(unsigned char)((total - HEAD) >> 8), (unsigned char)(total - HEAD)};
						if (write_all(tcp[slot].fd, len, 2) < 0 || write_all(tcp[slot].fd, buf + HEAD, total - HEAD) < 0) drop_asker(slot);
						else if (--tcp[slot].waiting <= 0 && tcp[slot].ended) drop_asker(slot);
					}
				} else {
					sendto(udp, buf + HEAD, total - HEAD, 0, (struct sockaddr *)&to, sizeof to);
				}
				memmove(buf, buf + total, have - total);
				have -= total;
			}
		}
	}
}
