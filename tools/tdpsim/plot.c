/* SPDX-License-Identifier: MIT */
/* Driving gnuplot through a pipe; see plot.h. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"

static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		if (n && n + strlen(prog) + 2 < sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
			if (access(buf, X_OK) == 0)
				return 1;
		}
		path += n + (path[n] == ':');
	}
	return 0;
}

int plot_need_gnuplot(void)
{
	if (on_path("gnuplot"))
		return 0;
	return cli_usage_error("plotting needs gnuplot, which is not on the PATH: install it "
			       "(Debian/Ubuntu: apt-get install gnuplot-nox; Fedora: dnf install "
			       "gnuplot; macOS: brew install gnuplot) and run this again");
}

static const char *extension(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && !strchr(dot, '/') ? dot : "";
}

int plot_check_output(const char *option, const char *path)
{
	const char *ext = extension(path);

	if (strcmp(ext, ".png") == 0 || strcmp(ext, ".svg") == 0)
		return 0;
	return cli_usage_error("%s %s: the picture's name must end in .png or .svg", option, path);
}

/* A temporary name beside `path`, made now so that no one else takes it. */
static char *temp_beside(const char *path)
{
	char *tmp = malloc(strlen(path) + 16);
	int fd;

	if (!tmp)
		return NULL;
	sprintf(tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return NULL;
	}
	fchmod(fd, 0644);
	close(fd);
	return tmp;
}

const char *plot_quote(char *buf, size_t size, const char *s)
{
	size_t o = 0;

	if (size < 3) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '\'';
	for (; *s && o + 3 < size; s++) {
		if (*s == '\'')
			buf[o++] = '\'';
		buf[o++] = *s == '\n' ? ' ' : *s;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

/* The terminal for the picture's final name, writing to `out`. */
static void terminal(const struct plot *p, FILE *f, const char *out, int width, int height)
{
	char q[4096];

	if (strcmp(extension(p->out), ".svg") == 0)
		fprintf(f, "set terminal svg size %d,%d dynamic noenhanced font 'Sans,12' "
			"background rgb 'white'\n", width, height);
	else
		fprintf(f, "set terminal pngcairo size %d,%d noenhanced font 'Sans,10' "
			"background rgb 'white'\n", width, height);
	fprintf(f, "set output %s\n", plot_quote(q, sizeof(q), out));
}

int plot_open(struct plot *p, const char *out, const char *keep_script, int width, int height)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = plot_need_gnuplot()) != 0)
		return rc;
	p->out = strdup(out);
	p->out_tmp = temp_beside(out);
	if (!p->out || !p->out_tmp) {
		plot_abort(p);
		return cli_usage_error("%s: cannot create: %s", out, strerror(errno));
	}
	if (keep_script) {
		p->script_path = strdup(keep_script);
		p->script_tmp = temp_beside(keep_script);
		p->script = p->script_tmp ? fopen(p->script_tmp, "w") : NULL;
		if (!p->script) {
			plot_abort(p);
			return cli_usage_error("%s: cannot create: %s", keep_script, strerror(errno));
		}
		fprintf(p->script, "# Written by tdpsim %s; rerun with: gnuplot %s\n",
			tdpsim_version(), keep_script);
		terminal(p, p->script, out, width, height);
	}
	fflush(stdout);
	p->pipe = popen("gnuplot", "w");
	if (!p->pipe) {
		plot_abort(p);
		return cli_usage_error("cannot start gnuplot: %s", strerror(errno));
	}
	terminal(p, p->pipe, p->out_tmp, width, height);
	return 0;
}

void plot_cmd(struct plot *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(p->pipe, fmt, ap);
	va_end(ap);
	if (p->script) {
		va_start(ap, fmt);
		vfprintf(p->script, fmt, ap);
		va_end(ap);
	}
}

/* The file is a picture gnuplot finished: not empty. */
static int made(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size > 0;
}

int plot_close(struct plot *p)
{
	int status, bad = 0;
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);

	fputs("unset output\n", p->pipe); /* closes the picture's file */
	status = pclose(p->pipe);
	signal(SIGPIPE, old);
	p->pipe = NULL;
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !made(p->out_tmp)) {
		plot_abort(p);
		return cli_usage_error("gnuplot failed to draw the picture (its message is above)");
	}
	if (p->script)
		bad = ferror(p->script) | (fclose(p->script) != 0);
	p->script = NULL;
	if (bad || rename(p->out_tmp, p->out) != 0 ||
	    (p->script_tmp && rename(p->script_tmp, p->script_path) != 0)) {
		int e = errno;

		fprintf(stderr, "tdpsim: %s: cannot write: %s\n", p->out, strerror(e));
		plot_abort(p);
		return EXIT_INTERNAL;
	}
	free(p->out_tmp);
	free(p->script_tmp);
	p->out_tmp = p->script_tmp = NULL;
	plot_abort(p); /* frees the rest */
	return 0;
}

void plot_abort(struct plot *p)
{
	if (p->pipe) {
		void (*old)(int) = signal(SIGPIPE, SIG_IGN);

		fputs("exit\n", p->pipe);
		pclose(p->pipe);
		signal(SIGPIPE, old);
	}
	if (p->script)
		fclose(p->script);
	if (p->out_tmp)
		unlink(p->out_tmp);
	if (p->script_tmp)
		unlink(p->script_tmp);
	free(p->out);
	free(p->out_tmp);
	free(p->script_path);
	free(p->script_tmp);
	memset(p, 0, sizeof(*p));
}
