/* SPDX-License-Identifier: MIT */
/*
 * Which model files a trace may name.  `set kvm=PATH` and `set cpu=PATH` in a trace are read
 * only where the trace's own folder or a folder the program allowed
 * (tdpsim_sim_add_models_path; tdpsim replay --models DIR) holds them, and only if they are
 * regular files: a trace from elsewhere cannot make the simulator read /dev/zero, a FIFO that
 * never ends, or a file outside the folders it came with.  A relative PATH is the trace's
 * folder's.  tdpsim_sim_set and --set, which the user writes, may name any file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "sim_internal.h"

int tdpsim_sim_add_models_path(tdpsim_sim *sim, const char *dir)
{
	struct stat st;
	char *abs;

	if (!sim || !dir)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_add_models_path: bad argument");
	if (sim->nmodels_dirs == SIM_MAX_MODELS_DIRS)
		return err_set(TDPSIM_EINVAL, "%s: at most %d models folders", dir,
			       SIM_MAX_MODELS_DIRS);
	if (!(abs = realpath(dir, NULL)) || stat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
		int e = errno;

		free(abs);
		return err_set(TDPSIM_EIO, "%s: not a folder of models: %s", dir,
			       e ? strerror(e) : "not a folder");
	}
	sim->models_dirs[sim->nmodels_dirs++] = abs;
	return 0;
}

/* The folder of the trace being replayed (its name as opened), or none for standard input. */
void sim_set_trace_dir(tdpsim_sim *sim, const char *trace_name)
{
	const char *slash = trace_name ? strrchr(trace_name, '/') : NULL;
	char dir[PATH_MAX];

	free(sim->trace_dir);
	sim->trace_dir = NULL;
	if (!trace_name || strcmp(trace_name, "-") == 0 || trace_name[0] == '(')
		return;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - trace_name) + (slash == trace_name)
						 : 1, slash ? trace_name : ".");
	sim->trace_dir = realpath(dir, NULL);
}

void sim_free_models_dirs(tdpsim_sim *sim)
{
	free(sim->trace_dir);
	for (size_t i = 0; i < sim->nmodels_dirs; i++)
		free(sim->models_dirs[i]);
}

static int inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || (n == 1 && dir[0] == '/'));
}

int sim_trace_model_path(const tdpsim_sim *sim, const char *value, char *out, size_t size)
{
	char joined[PATH_MAX * 2], *abs;
	struct stat st;
	int ok = 0;

	if (value[0] != '/' && !sim->trace_dir)
		return err_set(TDPSIM_EINPUT, "%s: a model file named by a trace with no folder "
			       "(standard input) must be an absolute path under a models folder "
			       "(tdpsim replay --models DIR)", value);
	snprintf(joined, sizeof(joined), "%s%s%s", value[0] == '/' ? "" : sim->trace_dir,
		 value[0] == '/' ? "" : "/", value);
	/* stat before anything opens it: a FIFO or a device is refused unread. */
	if (stat(joined, &st) != 0)
		return err_set(TDPSIM_EINPUT, "%s: cannot read it: %s", value, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(TDPSIM_EINPUT, "%s: not a regular file: a trace may name only model "
			       "files", value);
	if (!(abs = realpath(joined, NULL)))
		return err_set(TDPSIM_EINPUT, "%s: %s", value, strerror(errno));
	ok = sim->trace_dir && inside(abs, sim->trace_dir);
	for (size_t i = 0; i < sim->nmodels_dirs && !ok; i++)
		ok = inside(abs, sim->models_dirs[i]);
	if (ok)
		snprintf(out, size, "%s", abs);
	free(abs);
	if (!ok)
		return err_set(TDPSIM_EINPUT, "%s: outside the trace's folder and every models "
			       "folder: a trace may name only model files beside it (or give the "
			       "folder: tdpsim replay --models DIR; --set may name any file)", value);
	return 0;
}
