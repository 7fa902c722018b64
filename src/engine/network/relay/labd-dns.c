/* labd-dns: the container's end of the embedded DNS server.
 *
 * It enters the container's network namespace, listens on 127.0.0.11:53/udp (the
 * address dockerd's embedded server has, which /etc/resolv.conf names) and passes
 * every query to labd over its standard input and output, which labd made (a
 * socketpair). labd answers from what it knows of the container's networks, or
 * forwards to the host's resolvers, and the answer goes back to the asker.
 *
 * Frame, both ways: u16 length of what follows (big-endian), the asker's IPv4
 * address (4 bytes) and port (2 bytes), then the DNS message.
 *
 * Usage: labd-dns NETNS_PATH
 * It ends when labd closes its side, and dies with labd (PR_SET_PDEATHSIG): a
 * restarted daemon starts a new one for each running container. */
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
	/* Tell labd the server is listening: one byte before any frame. */
	if (write_all(1, (const unsigned char *)"R", 1) < 0) return 1;

	static unsigned char in[HEAD + MAX_MSG], buf[2 * (HEAD + MAX_MSG)];
	size_t have = 0;
	struct pollfd fds[2] = {{.fd = udp, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR) continue;
			return 1;
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
				sendto(udp, buf + HEAD, total - HEAD, 0, (struct sockaddr *)&to, sizeof to);
				memmove(buf, buf + total, have - total);
				have -= total;
			}
		}
	}
}
