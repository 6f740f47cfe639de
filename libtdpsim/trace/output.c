/* SPDX-License-Identifier: MIT */
/*
 * Output files that never destroy anything (tdpsim/output.h): what is written through, what
 * goes to a temporary renamed at commit, how temporaries are named, and how those left by a
 * killed process are recognised and removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "tdpsim/output.h"

struct tdpsim_output {
	int fd;
	char *path; /* where the data ends: the name given, a symlink resolved */
	char *tmp;  /* the temporary, NULL when written through */
	int slot;   /* its place among the live temporaries, -1 if none was free */
};

/* The live temporaries, for tdpsim_output_remove_temporaries() in a signal handler: a slot's
 * name is complete before it is marked live, and unmarked before it changes. */
#define OUTPUT_SLOTS 32
static char slot_path[OUTPUT_SLOTS][PATH_MAX];
static volatile sig_atomic_t slot_live[OUTPUT_SLOTS];

static int slot_take(const char *tmp)
{
	if (strlen(tmp) >= PATH_MAX)
		return -1;
	for (int i = 0; i < OUTPUT_SLOTS; i++)
		if (!slot_live[i]) {
			strcpy(slot_path[i], tmp);
			slot_live[i] = 1;
			return i;
		}
	return -1;
}

void tdpsim_output_remove_temporaries(void)
{
	for (int i = 0; i < OUTPUT_SLOTS; i++)
		if (slot_live[i])
			unlink(slot_path[i]);
}

static void host_name(char *buf, size_t n)
{
	if (gethostname(buf, n) != 0 || !buf[0])
		snprintf(buf, n, "localhost");
	buf[n - 1] = '\0';
	for (char *s = buf; *s; s++)
		if (*s == '/')
			*s = '_';
}

/* NAME is ANY.tdpsim-tmp.HOST.PID.XXXXXX of a process of this host that is gone. */
static int stale(const char *name, const char *host)
{
	const char *tag = strstr(name, ".tdpsim-tmp."), *p;
	size_t hl = strlen(host);
	char *end;
	long pid;

	if (!tag || strncmp(tag + 12, host, hl) != 0 || tag[12 + hl] != '.')
		return 0;
	p = tag + 12 + hl + 1;
	pid = strtol(p, &end, 10);
	if (end == p || *end != '.' || strlen(end + 1) != 6 || pid <= 0)
		return 0;
	return pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Remove the temporaries that dead processes of this host left in `dir`, once per folder and
 * process (a grid writes thousands of results into one folder: one look is enough). */
static void remove_stale(const char *dir, const char *host)
{
	static char seen[8][PATH_MAX];
	static unsigned next;
	char victim[PATH_MAX];
	struct dirent *e;
	DIR *d;

	for (unsigned i = 0; i < 8; i++)
		if (strcmp(seen[i], dir) == 0)
			return;
	snprintf(seen[next++ % 8], PATH_MAX, "%s", dir);
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (stale(e->d_name, host) &&
		    snprintf(victim, sizeof(victim), "%s/%s", dir, e->d_name) < (int)sizeof(victim))
			unlink(victim);
	closedir(d);
}

/* /dev/stdout, /dev/fd/N and the like are the descriptors this process already has. */
static int own_descriptor(const char *path)
{
	const char *n = NULL;
	char *end;
	long fd;

	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	if (strncmp(path, "/dev/fd/", 8) == 0)
		n = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		n = path + 14;
	if (!n)
		return -1;
	fd = strtol(n, &end, 10);
	return end != n && !*end && fd >= 0 && fd < INT_MAX ? (int)fd : -1;
}

static int fail(struct tdpsim_output *o, int code, const char *path, const char *why)
{
	int rc = err_set(code, "%s: %s", path, why);

	free(o->path);
	free(o->tmp);
	free(o);
	return rc;
}

/* Written through: a device, a FIFO, a descriptor of ours. */
static int open_through(struct tdpsim_output *o, const char *path, int own)
{
	o->fd = own >= 0 ? dup(own) : open(path, O_WRONLY | O_CLOEXEC);
	if (o->fd < 0)
		return fail(o, TDPSIM_EIO, path, strerror(errno));
	return 0;
}

/* A regular file: a temporary beside it, named so it is known for what it is. */
static int open_temporary(struct tdpsim_output *o)
{
	const char *slash = strrchr(o->path, '/');
	char host[128], dir[PATH_MAX];
	struct stat st;

	host_name(host, sizeof(host));
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->path) + (slash == o->path) : 1,
		 slash ? o->path : ".");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return fail(o, TDPSIM_EIO, o->path, "its folder does not exist");
	remove_stale(dir, host);
	o->tmp = malloc(strlen(o->path) + strlen(host) + 48);
	if (!o->tmp)
		return fail(o, TDPSIM_ENOMEM, o->path, "out of memory");
	sprintf(o->tmp, "%s.tdpsim-tmp.%s.%ld.XXXXXX", o->path, host, (long)getpid());
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0) {
		char why[300];

		snprintf(why, sizeof(why), "cannot create: %s", strerror(errno));
		return fail(o, TDPSIM_EIO, o->path, why);
	}
	fchmod(o->fd, 0644); /* mkstemp makes it 0600; an output is an ordinary file */
	o->slot = slot_take(o->tmp);
	return 0;
}

/*
 * The file a symlink leads to, whether it exists or not - as the shell's > writes through a
 * link, creating a dangling link's target: each link's target in turn, a relative one from
 * its link's folder, at most 40 links (the kernel's limit).  NULL for a loop or an error.
 */
static char *link_target(const char *path)
{
	char *cur = strdup(path), buf[PATH_MAX];

	for (int hops = 0; cur && hops <= 40; hops++) {
		struct stat st;
		const char *slash;
		ssize_t n;
		char *next;

		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, buf, sizeof(buf) - 1);
		if (n < 0)
			break;
		buf[n] = '\0';
		slash = strrchr(cur, '/');
		next = malloc(strlen(cur) + (size_t)n + 2);
		if (next && (buf[0] == '/' || !slash))
			strcpy(next, buf);
		else if (next)
			sprintf(next, "%.*s/%s", (int)(slash - cur), cur, buf);
		free(cur);
		cur = next;
	}
	free(cur);
	return NULL;
}

int tdpsim_output_open(tdpsim_output **out, const char *path)
{
	struct tdpsim_output *o;
	struct stat st;
	int rc, own;

	if (!out || !path || !*path)
		return err_set(TDPSIM_EINVAL, "tdpsim_output_open: bad argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return err_set(TDPSIM_ENOMEM, "%s: out of memory", path);
	o->slot = -1;
	if ((own = own_descriptor(path)) >= 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
						 !S_ISDIR(st.st_mode))) {
		if (!(o->path = strdup(path)))
			return fail(o, TDPSIM_ENOMEM, path, "out of memory");
		rc = open_through(o, path, own);
	} else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		return fail(o, TDPSIM_EIO, path, "is a folder, not a file to write");
	} else {
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			o->path = link_target(path);
			if (!o->path)
				return fail(o, TDPSIM_EIO, path, "a loop of symlinks");
		} else if (!(o->path = strdup(path)))
			return fail(o, TDPSIM_ENOMEM, path, "out of memory");
		rc = open_temporary(o);
	}
	if (rc == 0)
		*out = o;
	return rc;
}

int tdpsim_output_fd(const tdpsim_output *o)
{
	return o ? o->fd : -1;
}

const char *tdpsim_output_writing_path(const tdpsim_output *o)
{
	return !o ? NULL : o->tmp ? o->tmp : o->path;
}

const char *tdpsim_output_path(const tdpsim_output *o)
{
	return o ? o->path : NULL;
}

static void release(struct tdpsim_output *o)
{
	if (o->slot >= 0)
		slot_live[o->slot] = 0;
	free(o->path);
	free(o->tmp);
	free(o);
}

int tdpsim_output_commit(tdpsim_output *o)
{
	int rc = 0;

	if (!o)
		return err_set(TDPSIM_EINVAL, "tdpsim_output_commit: NULL output");
	if (o->tmp && rename(o->tmp, o->path) != 0) {
		rc = err_set(TDPSIM_EIO, "%s: cannot move into place: %s", o->path, strerror(errno));
		unlink(o->tmp);
	}
	release(o);
	return rc;
}

void tdpsim_output_discard(tdpsim_output *o)
{
	if (!o)
		return;
	if (o->tmp)
		unlink(o->tmp);
	release(o);
}
