/* labd-cp: `docker cp` inside a container's own view of its files.
 *
 *   labd-cp --pid PID  --busybox PATH -- stat PATH
 *   labd-cp --root DIR [--bind SRC DST rw|ro]... --busybox PATH -- tar ARGS...
 *
 * With --pid it joins the mount namespace of the container's process and takes that process's root as its
 * own (so the container's volumes are seen too); with --root (a stopped container) it chroots into the
 * container's mounted root, its volumes and binds (--bind, outermost first) mounted there first in a mount
 * namespace of its own: each source is opened as a detached mount tree before the chroot and attached after
 * it, so each destination too is resolved inside the container. Only then is any path looked at, so every symlink, `..` or absolute name, in the
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BINDS 128

struct bind {
	const char *src, *dst;
	int ro, tree, dir;
};

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "labd-cp: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
	exit(125);
}

/* mkdir -p of dst inside the (already chrooted) root; a file bind gets an empty file at its place. */
static void make_target(const char *dst, int dir)
{
	char path[4096];
	if (strlen(dst) >= sizeof path)
		die("path too long", dst);
	strcpy(path, dst);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die("mkdir", path);
		*p = '/';
	}
	if (dir ? mkdir(path, 0755) < 0 && errno != EEXIST : 0)
		die("mkdir", path);
	if (!dir) {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			die("create", path);
		close(fd);
	}
}

/* Before the chroot: a private mount namespace, and each source as a detached copy of its mount tree. */
static void open_binds(struct bind *b, int n)
{
	if (n == 0)
		return;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("a mount namespace for the volumes", "");
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(b[i].src, &st) < 0)
			die("stat", b[i].src);
		b[i].dir = S_ISDIR(st.st_mode);
		b[i].tree = open_tree(AT_FDCWD, b[i].src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (b[i].tree < 0)
			die("open_tree", b[i].src);
	}
}

/* After the chroot: attach each tree at its destination, resolved inside the container. */
static void attach_binds(struct bind *b, int n)
{
	for (int i = 0; i < n; i++) {
		make_target(b[i].dst, b[i].dir);
		if (move_mount(b[i].tree, "", AT_FDCWD, b[i].dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			die("mount a volume at", b[i].dst);
		if (b[i].ro && mount(NULL, b[i].dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
			die("make read-only", b[i].dst);
	}
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
	static struct bind binds[MAX_BINDS];
	int nbinds = 0;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "--pid") == 0)
			pid = argv[++i];
		else if (strcmp(argv[i], "--root") == 0)
			root = argv[++i];
		else if (strcmp(argv[i], "--bind") == 0 && i + 3 < argc && nbinds < MAX_BINDS && argv[i + 2][0] == '/') {
			binds[nbinds++] = (struct bind){ argv[i + 1], argv[i + 2], strcmp(argv[i + 3], "ro") == 0, -1, 0 };
			i += 3;
		}
		else if (strcmp(argv[i], "--busybox") == 0)
			busybox = argv[++i];
	}
	if (i >= argc - 1 || (!pid == !root) || !busybox || (pid && nbinds > 0)) {
		fprintf(stderr, "usage: labd-cp (--pid PID | --root DIR [--bind SRC DST rw|ro]...) --busybox PATH -- stat PATH | tar ARGS...\n");
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
	} else {
		open_binds(binds, nbinds);
		if (chroot(root) < 0)
			die("chroot", root);
	}
	if (chdir("/") < 0)
		die("chdir", "/");
	attach_binds(binds, nbinds);

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
