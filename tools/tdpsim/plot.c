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

/* The picture's file, opened now as every output is: gnuplot writes it by its name. */
static int open_picture(struct plot *p, const char *out)
{
	if (tdpsim_output_open(&p->picture, out) < 0)
		return cli_fail_status(EXIT_BAD_INPUT);
	close(tdpsim_output_fd(p->picture));
	return 0;
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
	if (!(p->out = strdup(out)))
		return cli_usage_error("out of memory");
	if ((rc = open_picture(p, out)) != 0) {
		plot_abort(p);
		return rc;
	}
	if (keep_script) {
		if ((rc = outfile_open(&p->script_file, keep_script)) != 0) {
			plot_abort(p);
			return rc;
		}
		p->script = p->script_file.f;
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
	terminal(p, p->pipe, tdpsim_output_writing_path(p->picture), width, height);
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

/* The file is a picture gnuplot finished: not empty (a device written through: trusted). */
static int made(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_size > 0 || !S_ISREG(st.st_mode));
}

int plot_close(struct plot *p)
{
	int status, bad = 0;
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);

	fputs("unset output\n", p->pipe); /* closes the picture's file */
	status = pclose(p->pipe);
	signal(SIGPIPE, old);
	p->pipe = NULL;
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !made(tdpsim_output_writing_path(p->picture))) {
		plot_abort(p);
		return cli_usage_error("gnuplot failed to draw the picture (its message is above)");
	}
	if (p->script && (bad = outfile_commit(&p->script_file)) != 0) {
		p->script = NULL;
		plot_abort(p);
		return bad;
	}
	p->script = NULL;
	bad = tdpsim_output_commit(p->picture) < 0 ? cli_fail_status(EXIT_BAD_INPUT) : 0;
	p->picture = NULL;
	plot_abort(p); /* frees the rest */
	return bad;
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
		outfile_abort(&p->script_file);
	tdpsim_output_discard(p->picture);
	free(p->out);
	memset(p, 0, sizeof(*p));
}
