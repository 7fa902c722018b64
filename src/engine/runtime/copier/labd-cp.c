/* labd-cp: `docker cp` inside a container's own view of its files.
 *
 *   labd-cp --pid PID  --busybox PATH -- stat PATH
 *   labd-cp --root DIR --busybox PATH -- tar ARGS...
 *
 * With --pid it joins the mount namespace of the container's process and takes that process's root as its
 * own (so the container's volumes are seen too); with --root (a stopped container) it chroots into the
 * container's mounted root. Only then is any path looked at, so every symlink, `..` or absolute name, in the
 * container or in an archive, resolves inside the container and nothing outside it is read or written.
 * labd pauses a running container for the duration, so its processes cannot swap a path under us.
 *
 * stat prints "<st_mode> <size> <mtime sec> <mtime nsec> <link target length>\n" and the link target's bytes.
 * tar runs the busybox binary opened before the switch (the container may have no tar, or no libc). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "labd-cp: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
	exit(125);
}

static int do_stat(const char *path)
{
	struct stat st;
	char target[4096];
	ssize_t n = 0;

	if (lstat(path, &st) < 0) {
		fprintf(stderr, "%s\n", errno == ENOENT || errno == ENOTDIR ? "not found" : strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? 2 : 1;
	}
	if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof target);
		if (n < 0)
			n = 0;
	}
	printf("%u %lld %lld %ld %zd\n", st.st_mode, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	       st.st_mtim.tv_nsec, n);
	fwrite(target, 1, (size_t)n, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *pid = NULL, *root = NULL, *busybox = NULL;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "--pid") == 0)
			pid = argv[++i];
		else if (strcmp(argv[i], "--root") == 0)
			root = argv[++i];
		else if (strcmp(argv[i], "--busybox") == 0)
			busybox = argv[++i];
	}
	if (i >= argc - 1 || (!pid == !root) || !busybox) {
		fprintf(stderr, "usage: labd-cp (--pid PID | --root DIR) --busybox PATH -- stat PATH | tar ARGS...\n");
		return 125;
	}
	char **cmd = argv + i + 1;
	int tool = -1;
	if (strcmp(cmd[0], "tar") == 0 && (tool = open(busybox, O_RDONLY | O_CLOEXEC)) < 0)
		die("open", busybox);

	if (pid) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%s/root", pid);
		int rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			die("open", path);
		snprintf(path, sizeof path, "/proc/%s/ns/mnt", pid);
		int ns = open(path, O_RDONLY | O_CLOEXEC);
		if (ns < 0)
			die("open", path);
		if (setns(ns, CLONE_NEWNS) < 0)
			die("setns", path);
		if (fchdir(rootfd) < 0 || chroot(".") < 0)
			die("chroot into the root of", pid);
	} else if (chroot(root) < 0) {
		die("chroot", root);
	}
	if (chdir("/") < 0)
		die("chdir", "/");

	if (strcmp(cmd[0], "stat") == 0 && cmd[1])
		return do_stat(cmd[1]);
	if (tool >= 0) {
		char *env[] = { "PATH=/bin:/usr/bin", NULL };
		fexecve(tool, cmd, env);
		die("exec", busybox);
	}
	fprintf(stderr, "labd-cp: unknown command %s\n", cmd[0]);
	return 125;
}
