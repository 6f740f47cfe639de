/* SPDX-License-Identifier: MIT */
/* tdpsim/output.h: outputs appear whole, never replace what is not a regular file, and the
 * temporaries of dead processes are recognised and removed. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "tdpsim/tdpsim.h"

/* Each test in a fresh folder of its own. */
static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tdpsim-test-output.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(tdpsim_output *o, const char *text)
{
	ck_assert_int_eq(write(tdpsim_output_fd(o), text, strlen(text)), (ssize_t)strlen(text));
	close(tdpsim_output_fd(o));
}

static int has(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strcmp(buf, text) == 0;
}

START_TEST(regular_file_appears_only_at_commit)
{
	tdpsim_output *o;

	ck_assert_int_eq(system("echo old > out.txt"), 0);
	ck_assert_int_eq(tdpsim_output_open(&o, "out.txt"), 0);
	put(o, "new\n");
	ck_assert(has("out.txt", "old\n")); /* the old one until the commit */
	ck_assert_int_eq(tdpsim_output_commit(o), 0);
	ck_assert(has("out.txt", "new\n"));
}
END_TEST

START_TEST(discard_leaves_nothing)
{
	tdpsim_output *o;
	char tmp[512];

	ck_assert_int_eq(tdpsim_output_open(&o, "out.txt"), 0);
	snprintf(tmp, sizeof(tmp), "%s", tdpsim_output_writing_path(o));
	put(o, "half");
	tdpsim_output_discard(o);
	ck_assert_int_ne(access("out.txt", F_OK), 0);
	ck_assert_int_ne(access(tmp, F_OK), 0);
}
END_TEST

START_TEST(symlink_target_is_written_and_the_link_kept)
{
	tdpsim_output *o;
	struct stat st;

	ck_assert_int_eq(symlink("target.txt", "link.txt"), 0);
	ck_assert_int_eq(system("echo old > target.txt"), 0);
	ck_assert_int_eq(tdpsim_output_open(&o, "link.txt"), 0);
	put(o, "new\n");
	ck_assert_int_eq(tdpsim_output_commit(o), 0);
	ck_assert_int_eq(lstat("link.txt", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert(has("target.txt", "new\n"));
}
END_TEST

START_TEST(fifo_is_written_through_and_stays_a_fifo)
{
	tdpsim_output *o;
	struct stat st;
	int rfd;

	ck_assert_int_eq(mkfifo("pipe", 0600), 0);
	rfd = open("pipe", O_RDONLY | O_NONBLOCK); /* a reader, so opening for writing works */
	ck_assert_int_ge(rfd, 0);
	ck_assert_int_eq(tdpsim_output_open(&o, "pipe"), 0);
	ck_assert_str_eq(tdpsim_output_writing_path(o), "pipe");
	put(o, "x");
	ck_assert_int_eq(tdpsim_output_commit(o), 0);
	ck_assert_int_eq(stat("pipe", &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	close(rfd);
}
END_TEST

START_TEST(folder_and_missing_folder_are_refused_at_open)
{
	tdpsim_output *o = NULL;

	ck_assert_int_eq(mkdir("sub", 0700), 0);
	ck_assert_int_eq(tdpsim_output_open(&o, "sub"), TDPSIM_EIO);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "sub: is a folder"));
	ck_assert_int_eq(tdpsim_output_open(&o, "nothere/x.txt"), TDPSIM_EIO);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "its folder does not exist"));
	ck_assert_ptr_null(o);
}
END_TEST

/* A temporary named for a process of this host that has ended: removed by the next open. */
START_TEST(dead_process_temporary_is_removed_by_the_next_open)
{
	char host[128], dead[512], live[512], other[512];
	tdpsim_output *o;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	ck_assert_int_gt(pid, 0);
	waitpid(pid, NULL, 0); /* pid is now a process that is gone */
	gethostname(host, sizeof(host));
	snprintf(dead, sizeof(dead), "out.txt.tdpsim-tmp.%s.%ld.abcdef", host, (long)pid);
	snprintf(live, sizeof(live), "out.txt.tdpsim-tmp.%s.%ld.abcdef", host, (long)getppid());
	snprintf(other, sizeof(other), "out.txt.tdpsim-tmp.otherhost.%ld.abcdef", (long)pid);
	fclose(fopen(dead, "w"));
	fclose(fopen(live, "w"));
	fclose(fopen(other, "w"));
	ck_assert_int_eq(tdpsim_output_open(&o, "out.txt"), 0);
	ck_assert_int_ne(access(dead, F_OK), 0);  /* gone: its process is */
	ck_assert_int_eq(access(live, F_OK), 0);  /* kept: its process runs */
	ck_assert_int_eq(access(other, F_OK), 0); /* kept: another host's, unknown */
	put(o, "");
	tdpsim_output_discard(o);
}
END_TEST

START_TEST(remove_temporaries_removes_those_open_in_this_process)
{
	tdpsim_output *a, *b;
	char ta[512], tb[512];

	ck_assert_int_eq(tdpsim_output_open(&a, "a.txt"), 0);
	ck_assert_int_eq(tdpsim_output_open(&b, "b.txt"), 0);
	snprintf(ta, sizeof(ta), "%s", tdpsim_output_writing_path(a));
	snprintf(tb, sizeof(tb), "%s", tdpsim_output_writing_path(b));
	tdpsim_output_remove_temporaries();
	ck_assert_int_ne(access(ta, F_OK), 0);
	ck_assert_int_ne(access(tb, F_OK), 0);
	/* The commit then fails, naming the file, and no output appears. */
	ck_assert_int_eq(tdpsim_output_commit(a), TDPSIM_EIO);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "a.txt: cannot move"));
	ck_assert_int_ne(access("a.txt", F_OK), 0);
	tdpsim_output_discard(b);
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *t = tcase_create("output");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 0);
	tcase_add_test(t, regular_file_appears_only_at_commit);
	tcase_add_test(t, discard_leaves_nothing);
	tcase_add_test(t, symlink_target_is_written_and_the_link_kept);
	tcase_add_test(t, fifo_is_written_through_and_stays_a_fifo);
	tcase_add_test(t, folder_and_missing_folder_are_refused_at_open);
	tcase_add_test(t, dead_process_temporary_is_removed_by_the_next_open);
	tcase_add_test(t, remove_temporaries_removes_those_open_in_this_process);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(output_suite)
