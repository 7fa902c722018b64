/* labd-mount: mounts and unmounts containers' overlay roots for labd.
 *
 * A container start mounts its root and its exit unmounts it. Running mount(8)
 * and umount(8) for that costs a fork of the daemon, an exec and the tools'
 * start-up, several milliseconds each on every `docker run`; this process is
 * started once and makes the two system calls on request.
 *
 * Requests on stdin, one per line, fields separated by tabs; one reply line each
 * ("ok" or "error <reason>"):
 *   mount <dir> <target> <options>   overlay on target; relative layer paths in
 *                                    the options are resolved from dir
 *   umount <target>                  and, if it is busy, detach it lazily
 * It dies with labd (PR_SET_PDEATHSIG) and holds no state between requests. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

static void reply(const char *what, int err)
{
	if (err)
		printf("error %s: %s\n", what, strerror(err));
	else
		printf("ok\n");
	fflush(stdout);
}

static void do_mount(char *dir, char *target, char *options)
{
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (here < 0 || chdir(dir) < 0) {
		reply(dir, errno);
		if (here >= 0)
			close(here);
		return;
	}
	int rc = mount("overlay", target, "overlay", 0, options);
	int err = rc < 0 ? errno : 0;
	if (fchdir(here) < 0 && !err)
		err = errno;
	close(here);
	reply("mount overlay", err);
}

static void do_umount(char *target)
{
	int err = umount2(target, 0) < 0 ? errno : 0;
	/* Something on the host still uses it (a shell's cwd, an open file): the
	 * container is gone all the same, so detach it as umount -l would. */
	if (err == EBUSY)
		err = umount2(target, MNT_DETACH) < 0 ? errno : 0;
	reply("umount", err);
}

int main(void)
{
	pid_t parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		return 1;
	char line[8192];
	while (fgets(line, sizeof line, stdin)) {
		size_t n = strlen(line);
		if (n == 0 || line[n - 1] != '\n') {
			reply("request", E2BIG);
			/* skip the rest of an overlong line */
			while (n > 0 && line[n - 1] != '\n' && fgets(line, sizeof line, stdin))
				n = strlen(line);
			continue;
		}
		line[n - 1] = '\0';
		char *f[4] = { 0 };
		int k = 0;
		for (char *p = line; k < 4; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (f[0] && strcmp(f[0], "mount") == 0 && k == 3)
			do_mount(f[1], f[2], f[3]);
		else if (f[0] && strcmp(f[0], "umount") == 0 && k == 1)
			do_umount(f[1]);
		else
			reply("request", EINVAL);
	}
	return 0;
}
