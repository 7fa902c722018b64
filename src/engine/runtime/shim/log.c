/* Container output to the log file in Docker's json-file format, one object a line:
 * {"log":"text\n","stream":"stdout","time":"2026-11-22T06:30:00.123456789Z"}
 * With a size limit the file is rotated as json-file's max-size/max-file do: LOG -> LOG.1 -> ... ->
 * LOG.<files-1>, the oldest dropped; with one file it is emptied instead. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

static int log_fd = -1;
static const char *log_path;
static long long log_size, log_max_size = -1;
static int log_max_files = 1;
static char lbuf[32 * 1024];
static size_t llen;

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* UTC by arithmetic: gmtime would load the time zone database on first use,
 * which costs startup time and memory for nothing. */
void format_time(const struct timespec *ts, char *out, size_t len)
{
	long days = (long)(ts->tv_sec / 86400), secs = (long)(ts->tv_sec % 86400);
	/* Civil date from days since 1970-01-01, counting in 400-year eras from March. */
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long day = doy - (153 * mp + 2) / 5 + 1;
	long month = mp < 10 ? mp + 3 : mp - 9;
	long year = yoe + era * 400 + (month <= 2);
	snprintf(out, len, "%04ld-%02ld-%02ldT%02ld:%02ld:%02ld.%09ldZ", year, month, day,
		 secs / 3600, secs / 60 % 60, secs % 60, ts->tv_nsec);
}

int log_open(const char *path, long long max_size, int max_files)
{
	struct stat st;

	log_path = path;
	log_max_size = max_size;
	log_max_files = max_files < 1 ? 1 : max_files;
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
	if (log_fd < 0)
		return -1;
	log_size = fstat(log_fd, &st) == 0 ? st.st_size : 0;
	return 0;
}

static void rotate(void)
{
	char from[4096], to[4096];

	if (log_max_files < 2) {
		if (ftruncate(log_fd, 0) == 0)
			log_size = 0;
		return;
	}
	for (int i = log_max_files - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof from, "%s", log_path);
		else
			snprintf(from, sizeof from, "%s.%d", log_path, i - 1);
		snprintf(to, sizeof to, "%s.%d", log_path, i);
		if (rename(from, to) < 0 && errno != ENOENT)
			return; /* keep writing to the file we have rather than lose it */
	}
	int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0)
		return;
	close(log_fd);
	log_fd = fd;
	log_size = 0;
}

static void lwrite(const char *s, size_t n)
{
	/* A full disk must not stop the container: the entry is dropped. */
	if (write_all(log_fd, s, n) == 0)
		log_size += (long long)n;
}

static void lflush(void)
{
	if (llen > 0)
		lwrite(lbuf, llen);
	llen = 0;
}

static void lput(const char *s, size_t n)
{
	if (llen + n > sizeof lbuf)
		lflush();
	if (n > sizeof lbuf) {
		lwrite(s, n);
		return;
	}
	memcpy(lbuf + llen, s, n);
	llen += n;
}

static void lput_escaped(const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0; /* bytes copied verbatim, in one go */

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (i > run)
			lput((const char *)s + run, i - run);
		run = i + 1;
		if (c == '"')
			lput("\\\"", 2);
		else if (c == '\\')
			lput("\\\\", 2);
		else if (c == '\n')
			lput("\\n", 2);
		else {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			lput(u, 6);
		}
	}
	if (run < n)
		lput((const char *)s + run, n - run);
}

/* Split at newlines as Docker does; a trailing partial line becomes its own entry. */
void log_chunk(int stream, const char *buf, size_t n)
{
	char ts[40], tail[96];
	struct timespec now;

	if (log_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	format_time(&now, ts, sizeof ts);
	int tlen = snprintf(tail, sizeof tail, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n",
			    stream == STREAM_STDERR ? "stderr" : "stdout", ts);

	while (n > 0) {
		const char *nl = memchr(buf, '\n', n);
		size_t line = nl ? (size_t)(nl - buf) + 1 : n;
		/* Rotate only between entries, so that no line is split across two files. */
		long long held = log_size + (long long)llen;
		if (log_max_size > 0 && held > 0 && held + (long long)(line + tlen + 8) > log_max_size) {
			lflush();
			rotate();
		}
		lput("{\"log\":\"", 8);
		lput_escaped((const unsigned char *)buf, line);
		lput(tail, (size_t)tlen);
		buf += line;
		n -= line;
	}
	lflush();
}
