/* SPDX-License-Identifier: MIT */
/* The trace format: every command in text, errors with their place, and lossless encodings. */
#include <inttypes.h>
#include <zlib.h>

#include "check_main.h"
#include "tdpsim/tdpsim.h"
#include "trace/spec.h"
#include "test_util.h"

static const char all_commands[] =
	"tdpsim-trace 1\n"
	"# every command once\n"
	"set vcpus=2 nx_huge_pages=force\n"
	"memslot slot=1 gpa=4G size=6M hva=0x7f0000000000 flags=dirty_log,readonly\n"
	"backing hva=0x7f0000000000 size=6M kind=hugetlb2m populate=1\n"
	"guest-pt gpa=0x100000 size=64K\n"
	"guest-map gva=0x40000000 gpa=4G size=6M page=2m prot=rx user=1 ad=1 cr3=7\n"
	"access vcpu=1 gva=0x40001000 op=x cpl=0   # trailing comment\n"
	"sweep vcpu=0 gva=0x40000000 len=6M stride=4K op=w repeat=2\n"
	"fault vcpu=0 gpa=0x100200000 err=0x14\n"
	"fault vcpu=1 gpa=0x100000000 gva=0xffff800000001000 err=0x2\n"
	"dirty-log slot=1 off\n"
	"get-dirty-log slot=1\n"
	"clear-dirty-log slot=1 first=64 num=1472\n"
	"host-madvise hva=0x7f0000200000 size=2M advice=pageout\n"
	"host-munmap hva=0x7f0000400000 size=2M\n"
	"gpte vcpu=0 gva=0x40000000 level=2 value=0x1000000e7\n"
	"invlpg vcpu=1 gva=0x40000000\n"
	"cr3 vcpu=0 value=7\n"
	"advance ms=100\n"
	"mark label=\"phase \\\"one\\\" \\\\ done\"\n";

static tdpsim_trace *open_text(const char *text)
{
	const char *dir = scratch_dir();
	const char *path = write_file(dir, "t.tdpt", text);
	tdpsim_trace *t = NULL;

	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	return t;
}

START_TEST(every_command_parses_into_its_fields)
{
	tdpsim_trace *t = open_text(all_commands);
	tdpsim_event ev;

	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_SET);
	ck_assert_str_eq(ev.u.set.key, "vcpus");
	ck_assert_str_eq(ev.u.set.value, "2");
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1); /* second pair, same line */
	ck_assert_str_eq(ev.u.set.key, "nx_huge_pages");
	ck_assert_str_eq(ev.u.set.value, "force");
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_MEMSLOT);
	ck_assert_uint_eq(ev.u.memslot.slot, 1);
	ck_assert_uint_eq(ev.u.memslot.gpa, 4ull << 30);
	ck_assert_uint_eq(ev.u.memslot.size, 6ull << 20);
	ck_assert_uint_eq(ev.u.memslot.hva, 0x7f0000000000ull);
	ck_assert_uint_eq(ev.u.memslot.flags, TDPSIM_MEM_LOG_DIRTY_PAGES | TDPSIM_MEM_READONLY);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.backing.kind, TDPSIM_BACKING_HUGETLB2M);
	ck_assert_uint_eq(ev.u.backing.populate, 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.guest_pt.size, 65536);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.guest_map.page_level, TDPSIM_LEVEL_2M);
	ck_assert_uint_eq(ev.u.guest_map.prot, TDPSIM_PROT_R | TDPSIM_PROT_X);
	ck_assert_uint_eq(ev.u.guest_map.user, 1);
	ck_assert_uint_eq(ev.u.guest_map.ad, 1);
	ck_assert_uint_eq(ev.u.guest_map.cr3, 7);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_ACCESS);
	ck_assert_uint_eq(ev.u.access.vcpu, 1);
	ck_assert_uint_eq(ev.u.access.op, TDPSIM_OP_EXEC);
	ck_assert_uint_eq(ev.u.access.cpl, 0);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.sweep.repeat, 2);
	ck_assert_uint_eq(ev.u.sweep.cpl, 3); /* the default: user mode */
	ck_assert_uint_eq(tdpsim_event_accesses(&ev), 2 * 1536);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.fault.has_gva, 0);
	ck_assert_uint_eq(ev.u.fault.err, TDPSIM_PFERR_FETCH | TDPSIM_PFERR_USER);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.fault.has_gva, 1);
	ck_assert_uint_eq(ev.u.fault.gva, 0xffff800000001000ull);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_DIRTY_LOG);
	ck_assert_uint_eq(ev.u.dirty_log.on, 0);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.clear_dirty_log.first, 64);
	ck_assert_uint_eq(ev.u.clear_dirty_log.num, 1472);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.host_madvise.advice, TDPSIM_ADVICE_PAGEOUT);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.gpte.value, 0x1000000e7ull);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.cr3.value, 7);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.advance.ns, 100000000ull);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_str_eq(ev.u.mark.label, "phase \"one\" \\ done");
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 0);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 0); /* the end stays the end */
	tdpsim_trace_free(t);
}
END_TEST

/* The first error of a text trace is reported with file:line and the reason. */
static void expect_error(const char *text, int line, const char *reason)
{
	const char *dir = scratch_dir();
	const char *path = write_file(dir, "bad.tdpt", text);
	char where[600];
	tdpsim_trace *t = NULL;
	tdpsim_event ev;
	int rc = tdpsim_trace_open(&t, path);

	while (rc >= 0 && t && (rc = tdpsim_trace_next(t, &ev)) > 0)
		;
	ck_assert_int_eq(rc, TDPSIM_EPARSE);
	snprintf(where, sizeof(where), "%s:%d: ", path, line);
	ck_assert_ptr_nonnull(tdpsim_error_last());
	ck_assert_int_eq(tdpsim_error_last()->code, TDPSIM_EPARSE);
	ck_assert_msg(strstr(tdpsim_error_last()->message, where) != NULL, "'%s' lacks '%s'",
		      tdpsim_error_last()->message, where);
	ck_assert_msg(strstr(tdpsim_error_last()->message, reason) != NULL, "'%s' lacks '%s'",
		      tdpsim_error_last()->message, reason);
	tdpsim_trace_free(t);
}

START_TEST(text_errors_name_file_line_and_reason)
{
	expect_error("tdpsim-trace 1\n\nfrobnicate x=1\n", 3, "unknown command 'frobnicate'");
	expect_error("tdpsim-trace 1\naccess vcpu=0 gva=0x1000 op=r colour=red\n", 2,
		     "unknown key 'colour' for access");
	expect_error("tdpsim-trace 1\naccess vcpu=0 op=r\n", 2, "access needs gva=");
	expect_error("tdpsim-trace 1\naccess vcpu=0 gva=0x1000 op=q\n", 2, "op='q' is not one of r|w|x");
	expect_error("tdpsim-trace 1\naccess vcpu=0 gva=12z op=r\n", 2, "gva='12z' is not a number");
	expect_error("tdpsim-trace 1\nguest-pt gpa=0x10000000000000 size=4K\n", 2, "out of range");
	expect_error("tdpsim-trace 1\naccess vcpu=0 gva=0x0100000000000000 op=r\n", 2,
		     "not a canonical address");
	expect_error("tdpsim-trace 1\naccess vcpu=0 vcpu=1 gva=0 op=r\n", 2, "given twice");
	expect_error("tdpsim-trace 1\nmark label=\"open\n", 2, "unterminated quoted value");
	expect_error("tdpsim-trace 1\nadvance ms=1 us=2\n", 2, "exactly one of ns= us= ms= s=");
	expect_error("tdpsim-trace 6\n", 1, "version 6 is not supported");
	expect_error("tdpsim-trace 0\n", 1, "version 0 is not supported");
	expect_error("hello\n", 1, "first line must be 'tdpsim-trace 2'");
	expect_error("", 1, "empty trace");
	expect_error("tdpsim-trace 1\nguest-map gva=0 gpa=0 size=4K page=4k prot=wx\n", 2,
		     "must include r");
}
END_TEST

static const char nested_commands[] =
	"tdpsim-trace 2\n"
	"guest-pt gpa=0x200000 size=64K l2=1\n"
	"guest-map gva=0x400000 gpa=0x300000 size=8K page=4k cr3=2 l2=1\n"
	"ept12-map ept=4 l2gpa=0x200000 gpa=0x600000 size=2M page=2m prot=rw ad=1\n"
	"l2-enter vcpu=1 ept=4 cr3=2 ad=0\n"
	"l2-exit vcpu=1\n"
	"invept vcpu=0 type=global\n"
	"invept vcpu=0 type=single ept=4\n";

/* The fields of nested_commands' events, in order. */
static void check_nested_events(tdpsim_trace *t)
{
	tdpsim_event ev;

	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_GUEST_PT);
	ck_assert_uint_eq(ev.u.guest_pt.l2, 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.guest_map.l2, 1);
	ck_assert_uint_eq(ev.u.guest_map.cr3, 2);
	ck_assert_uint_eq(ev.u.guest_map.gpa, 0x300000);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_EPT12_MAP);
	ck_assert_uint_eq(ev.u.ept12_map.ept, 4);
	ck_assert_uint_eq(ev.u.ept12_map.l2gpa, 0x200000);
	ck_assert_uint_eq(ev.u.ept12_map.gpa, 0x600000);
	ck_assert_uint_eq(ev.u.ept12_map.size, 2u << 20);
	ck_assert_uint_eq(ev.u.ept12_map.page_level, TDPSIM_LEVEL_2M);
	ck_assert_uint_eq(ev.u.ept12_map.prot, TDPSIM_PROT_R | TDPSIM_PROT_W);
	ck_assert_uint_eq(ev.u.ept12_map.ad, 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_L2_ENTER);
	ck_assert_uint_eq(ev.u.l2_enter.vcpu, 1);
	ck_assert_uint_eq(ev.u.l2_enter.ept, 4);
	ck_assert_uint_eq(ev.u.l2_enter.cr3, 2);
	ck_assert_uint_eq(ev.u.l2_enter.ad, 0);
	ck_assert_uint_eq(ev.u.l2_enter.vpid, 1); /* a version-2 l2-enter: vmcs12 has a VPID */
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_L2_EXIT);
	ck_assert_uint_eq(ev.u.l2_exit.vcpu, 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_INVEPT);
	ck_assert_uint_eq(ev.u.invept.type, TDPSIM_INVEPT_GLOBAL);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_uint_eq(ev.u.invept.type, TDPSIM_INVEPT_SINGLE);
	ck_assert_uint_eq(ev.u.invept.ept, 4);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 0);
}

/* Copy every event of `in` to a writer on `path`. */
static void copy_trace(const char *in, const char *path)
{
	tdpsim_trace *t = NULL;
	tdpsim_trace_writer *w = NULL;
	tdpsim_event ev;

	ck_assert_int_eq(tdpsim_trace_open(&t, in), 0);
	ck_assert_int_eq(tdpsim_trace_writer_new(&w, path), 0);
	while (tdpsim_trace_next(t, &ev) > 0)
		ck_assert_int_eq(tdpsim_trace_write(w, &ev), 0);
	ck_assert_int_eq(tdpsim_trace_writer_close(w), 0);
	tdpsim_trace_free(t);
}

START_TEST(version_2_nested_commands_parse_and_survive_both_encodings)
{
	const char *dir = scratch_dir();
	char bin[512], txt[512];
	tdpsim_trace *t = open_text(nested_commands);

	ck_assert_uint_eq(tdpsim_trace_version(t), 2);
	check_nested_events(t);
	tdpsim_trace_free(t);
	snprintf(bin, sizeof(bin), "%s/n.tdpb", dir);
	snprintf(txt, sizeof(txt), "%s/n2.tdpt", dir);
	copy_trace(write_file(dir, "n.tdpt", nested_commands), bin);
	copy_trace(bin, txt);
	ck_assert_int_eq(tdpsim_trace_open(&t, bin), 0);
	ck_assert_uint_eq(tdpsim_trace_version(t), 5); /* writers write the newest */
	check_nested_events(t);
	tdpsim_trace_free(t);
	ck_assert_int_eq(tdpsim_trace_open(&t, txt), 0);
	check_nested_events(t);
	tdpsim_trace_free(t);
}
END_TEST

/* Version 4's backing kinds and QEMU properties read in text and survive the binary
 * encoding and the text writer. */
START_TEST(version_4_qemu_backings_parse_and_survive_both_encodings)
{
	static const char text[] = "tdpsim-trace 4\n"
		"backing hva=0x7f0000000000 size=2M kind=memory-backend-memfd hugetlb=on "
		"hugetlbsize=1G prealloc=on\n"
		"backing hva=0x7f4000000000 size=2M kind=memory-backend-file share=on fs=tmpfs "
		"huge=within_size\n"
		"backing hva=0x7f8000000000 size=2M kind=memory-backend-ram share=off\n"
		"backing hva=0x7fc000000000 size=2M kind=shmem\n";
	static const uint32_t want[4][8] = {
		/* kind, populate, share, hugetlb, hugetlbsize, fs, huge, prealloc */
		{ TDPSIM_BACKING_QEMU_MEMFD, 0, 0, 1, 1, 0, 0, 1 },
		{ TDPSIM_BACKING_QEMU_FILE, 0, TDPSIM_SHARE_ON, 0, 0, TDPSIM_FS_TMPFS,
		  TDPSIM_TMPFS_HUGE_WITHIN_SIZE, 0 },
		{ TDPSIM_BACKING_QEMU_RAM, 0, TDPSIM_SHARE_OFF, 0, 0, 0, 0, 0 },
		{ TDPSIM_BACKING_SHMEM, 0, 0, 0, 0, 0, 0, 0 },
	};
	const char *dir = scratch_dir();
	char bin[512], txt[512];
	tdpsim_trace *t = NULL;
	tdpsim_event ev;

	snprintf(bin, sizeof(bin), "%s/v4.tdpb", dir);
	snprintf(txt, sizeof(txt), "%s/v4b.tdpt", dir);
	copy_trace(write_file(dir, "v4.tdpt", text), bin);
	copy_trace(bin, txt);
	for (int pass = 0; pass < 3; pass++) {
		const char *path = pass == 0 ? write_file(dir, "v4.tdpt", text) : pass == 1 ? bin : txt;

		ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
		for (unsigned i = 0; i < 4; i++) {
			ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
			ck_assert_int_eq(ev.cmd, TDPSIM_CMD_BACKING);
			const uint32_t got[8] = { ev.u.backing.kind, ev.u.backing.populate,
						  ev.u.backing.share, ev.u.backing.hugetlb,
						  ev.u.backing.hugetlbsize, ev.u.backing.fs,
						  ev.u.backing.huge, ev.u.backing.prealloc };

			ck_assert_msg(memcmp(got, want[i], sizeof(got)) == 0, "pass %d line %u", pass,
				      i);
		}
		tdpsim_trace_free(t);
	}
}
END_TEST

/* Version 3's vpid= of l2-enter (vmcs12's VPID, 0 for none) reads in text and survives
 * the binary encoding, where it is the record's last field. */
START_TEST(version_3_l2_enter_vpid_parses_and_survives_both_encodings)
{
	static const char text[] = "tdpsim-trace 3\n"
				   "l2-enter vcpu=0 ept=1 vpid=0\n"
				   "l2-enter vcpu=1 ept=1 vpid=65535\n"
				   "l2-enter vcpu=2 ept=1\n";
	static const uint32_t want[] = { 0, 65535, 1 };
	const char *dir = scratch_dir();
	char bin[512];
	tdpsim_trace *t = NULL;
	tdpsim_event ev;

	snprintf(bin, sizeof(bin), "%s/v3.tdpb", dir);
	copy_trace(write_file(dir, "v3.tdpt", text), bin);
	for (int pass = 0; pass < 2; pass++) {
		ck_assert_int_eq(tdpsim_trace_open(&t, pass ? bin : write_file(dir, "v3.tdpt", text)),
				 0);
		/* the text says 3; the binary copy is the writer's, the newest */
		ck_assert_uint_eq(tdpsim_trace_version(t), pass ? 5 : 3);
		for (unsigned i = 0; i < 3; i++) {
			ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
			ck_assert_int_eq(ev.cmd, TDPSIM_CMD_L2_ENTER);
			ck_assert_uint_eq(ev.u.l2_enter.vcpu, i);
			ck_assert_uint_eq(ev.u.l2_enter.vpid, want[i]);
		}
		ck_assert_int_eq(tdpsim_trace_next(t, &ev), 0);
		tdpsim_trace_free(t);
		t = NULL;
	}
	expect_error("tdpsim-trace 3\nl2-enter vcpu=0 ept=1 vpid=65536\n", 2, "vpid");
}
END_TEST

/*
 * A version-1 binary record has no field for a key added in version 2: a v1 guest-map is
 * its eight fields (gva gpa size page prot user ad cr3), and the record after it starts right
 * after them.  Bytes: header with version 1; tag 5; gva +0x1000 (zigzag 0x2000: 80 40), gpa
 * +0x2000 (zigzag 0x4000: 80 80 01), size 0x1000 (80 20), page 1, prot 7, user 0, ad 0,
 * cr3 3; then a mark (tag 0x12, label "x"); then the end record for 2 records.
 */
START_TEST(a_version_1_binary_guest_map_reads_without_the_l2_field)
{
	static const unsigned char v1[] = { 'T', 'D', 'P', 'B', '\r', '\n', 0x1a, 1,
					    5, 0x80, 0x40, 0x80, 0x80, 0x01, 0x80, 0x20, 1, 7, 0,
					    0, 3, 0x12, 1, 'x', 0, 2 };
	const char *dir = scratch_dir();
	char path[512];
	tdpsim_trace *t = NULL;
	tdpsim_event ev;
	FILE *f;

	snprintf(path, sizeof(path), "%s/v1.tdpb", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(v1, 1, sizeof(v1), f), sizeof(v1));
	fclose(f);
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	ck_assert_uint_eq(tdpsim_trace_version(t), 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_GUEST_MAP);
	ck_assert_uint_eq(ev.u.guest_map.gva, 0x1000);
	ck_assert_uint_eq(ev.u.guest_map.gpa, 0x2000);
	ck_assert_uint_eq(ev.u.guest_map.cr3, 3);
	ck_assert_uint_eq(ev.u.guest_map.l2, 0); /* the default: L1's tables */
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(ev.cmd, TDPSIM_CMD_MARK);
	ck_assert_str_eq(ev.u.mark.label, "x");
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 0);
	tdpsim_trace_free(t);
}
END_TEST

START_TEST(an_error_is_sticky_and_the_library_prints_nothing)
{
	const char *dir = scratch_dir();
	const char *path = write_file(dir, "bad.tdpt", "tdpsim-trace 1\nnope\nmark label=x\n");
	tdpsim_trace *t = NULL;
	tdpsim_event ev;

	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), TDPSIM_EPARSE);
	/* a later call does not skip the bad line and carry on */
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), TDPSIM_EPARSE);
	tdpsim_trace_free(t);
	ck_assert_int_eq(tdpsim_trace_open(&t, "/nonexistent/trace.tdpt"), TDPSIM_EIO);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "/nonexistent/trace.tdpt"));
}
END_TEST

START_TEST(single_accesses_at_a_4k_stride_cost_at_most_3_bytes_each_in_binary)
{
	const char *dir = scratch_dir();
	char path[512];
	tdpsim_trace_writer *w;
	tdpsim_event ev;
	FILE *f;
	long size;
	const int n = 100000;

	snprintf(path, sizeof(path), "%s/s.tdpb", dir);
	ck_assert_int_eq(tdpsim_trace_writer_new(&w, path), 0);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_ACCESS;
	for (int i = 0; i < n; i++) {
		ev.u.access.vcpu = (uint32_t)(i & 3);
		ev.u.access.op = (uint32_t)(i % 3);
		ev.u.access.cpl = 3;
		ev.u.access.gva = 0x7fff00000000ull + 4096ull * (uint64_t)i;
		ck_assert_int_eq(tdpsim_trace_write(w, &ev), 0);
	}
	ck_assert_int_eq(tdpsim_trace_writer_close(w), 0);
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	/* header (8) + the first access, absolute (tag + a varint of up to 10) + every later
	 * one as a delta of 4096 (tag + 2) + the end record (tag + a varint count of 3) */
	ck_assert_int_le(size, 8 + 11 + 3 * (n - 1) + 4);
}
END_TEST

/* ---- the property test: generated traces, every encoding, the same events and digest ---- */

#define GEN_EVENTS 4000
#define GEN_SLOTS 4

struct gen {
	uint64_t rng;
	uint64_t next_backing_hva; /* fresh host ranges for later `backing` events */
	tdpsim_event ev[GEN_EVENTS];
	char strings[GEN_EVENTS][2][48];
	int logging[GEN_SLOTS];
	size_t n;
};

static uint64_t rnd(struct gen *g, uint64_t n)
{
	return rng_next(&g->rng) % n;
}

static uint64_t rnd_gva(struct gen *g)
{
	uint64_t low = rnd(g, 1ull << 47) & ~0xfffull;

	return rnd(g, 4) ? low : (0xffff800000000000ull | low); /* kernel half sometimes */
}

static tdpsim_event *gen_add(struct gen *g, tdpsim_cmd cmd)
{
	tdpsim_event *ev = &g->ev[g->n++];

	memset(ev, 0, sizeof(*ev));
	ev->cmd = cmd;
	return ev;
}

static void gen_label(struct gen *g, char *s)
{
	static const char alphabet[] = "abc XYZ09_\"\\#=-.";
	size_t len = 1 + rnd(g, 40);

	for (size_t i = 0; i < len; i++)
		s[i] = alphabet[rnd(g, sizeof(alphabet) - 1)];
	s[len] = '\0';
}

/* One random event that the machine accepts in the current state. */
static void gen_one(struct gen *g)
{
	static const char *const nx[] = { "off", "force", "auto", "never" };
	uint32_t slot = (uint32_t)rnd(g, GEN_SLOTS);
	uint64_t slot_gpa = (uint64_t)slot << 40; /* slots live in their own terabytes */
	tdpsim_event *ev;
	char *s;

	switch (rnd(g, 16)) {
	case 0:
		ev = gen_add(g, TDPSIM_CMD_SET);
		s = g->strings[g->n - 1][0];
		strcpy(s, "nx_huge_pages");
		ev->u.set.key = s;
		ev->u.set.value = nx[rnd(g, 4)];
		break;
	case 1:
		/* Move a slot within its terabyte, keeping its size; slot 0 stays, for it holds
		 * the guest's page tables. */
		slot = 1 + (uint32_t)rnd(g, GEN_SLOTS - 1);
		slot_gpa = (uint64_t)slot << 40;
		ev = gen_add(g, TDPSIM_CMD_MEMSLOT);
		ev->u.memslot.slot = slot;
		ev->u.memslot.gpa = slot_gpa + (rnd(g, 1024) << 30);
		ev->u.memslot.size = 1ull << 30;
		ev->u.memslot.hva = 0x10000000000ull * (slot + 1);
		ev->u.memslot.flags = g->logging[slot] ? TDPSIM_MEM_LOG_DIRTY_PAGES : 0;
		break;
	case 2:
		ev = gen_add(g, TDPSIM_CMD_BACKING);
		ev->u.backing.hva = g->next_backing_hva;
		ev->u.backing.size = (1 + rnd(g, 4)) << 30;
		ev->u.backing.kind = (uint32_t)rnd(g, 4);
		ev->u.backing.populate = 0;
		g->next_backing_hva += 8ull << 30;
		break;
	case 3: {
		int level = 1 + (int)rnd(g, 3);
		uint64_t size = 1ull << (12 + 9 * (level - 1));

		ev = gen_add(g, TDPSIM_CMD_GUEST_MAP);
		ev->u.guest_map.page_level = (uint32_t)level;
		ev->u.guest_map.gva = rnd_gva(g) & ~(size - 1);
		ev->u.guest_map.gpa = (slot_gpa + rnd(g, 1ull << 30)) & ~(size - 1);
		ev->u.guest_map.size = (1 + rnd(g, 4)) * (level == 3 ? size : size * 16);
		ev->u.guest_map.prot = 1 | (uint32_t)rnd(g, 8);
		ev->u.guest_map.user = (uint32_t)rnd(g, 2);
		ev->u.guest_map.ad = (uint32_t)rnd(g, 2);
		ev->u.guest_map.cr3 = (uint32_t)rnd(g, 3);
		break;
	}
	case 4: case 5: case 6: case 7:
		ev = gen_add(g, TDPSIM_CMD_ACCESS);
		ev->u.access.vcpu = (uint32_t)rnd(g, 20); /* some above the compact form's 15 */
		ev->u.access.op = (uint32_t)rnd(g, 3);
		ev->u.access.cpl = rnd(g, 4) ? 3 : 0;
		ev->u.access.gva = rnd_gva(g) | rnd(g, 4096);
		break;
	case 8:
		ev = gen_add(g, TDPSIM_CMD_SWEEP);
		ev->u.sweep.vcpu = (uint32_t)rnd(g, 20);
		ev->u.sweep.op = (uint32_t)rnd(g, 3);
		ev->u.sweep.cpl = rnd(g, 2) ? 3 : 0;
		ev->u.sweep.gva = rnd_gva(g);
		ev->u.sweep.len = 1 + rnd(g, 1ull << 20);
		ev->u.sweep.stride = 1ull << (rnd(g, 4) * 3 + 9);
		ev->u.sweep.repeat = 1 + rnd(g, 3);
		break;
	case 9:
		ev = gen_add(g, TDPSIM_CMD_FAULT);
		ev->u.fault.vcpu = (uint32_t)rnd(g, 20);
		ev->u.fault.gpa = rnd(g, 2) ? slot_gpa + rnd(g, 1ull << 30) : rnd(g, 1ull << 52);
		ev->u.fault.has_gva = (uint32_t)rnd(g, 2);
		ev->u.fault.gva = ev->u.fault.has_gva ? rnd_gva(g) : 0;
		/* the #PF bits, and sometimes EPT's bit 32 or 33 (PFERR_GUEST_FINAL/PAGE) */
		TDPSIM_FAULT_SET_ERR(ev, rnd(g, 0x20) | (rnd(g, 3) << 32) % (3ull << 32));
		break;
	case 10:
		if (!g->logging[slot]) {
			ev = gen_add(g, TDPSIM_CMD_DIRTY_LOG);
			ev->u.dirty_log.slot = slot;
			ev->u.dirty_log.on = g->logging[slot] = 1;
		} else if (rnd(g, 2)) {
			ev = gen_add(g, TDPSIM_CMD_GET_DIRTY_LOG);
			ev->u.get_dirty_log.slot = slot;
		} else {
			ev = gen_add(g, TDPSIM_CMD_CLEAR_DIRTY_LOG);
			ev->u.clear_dirty_log.slot = slot;
			ev->u.clear_dirty_log.first = 64 * rnd(g, 4096);
			ev->u.clear_dirty_log.num = 262144 - ev->u.clear_dirty_log.first;
		}
		break;
	case 11:
		ev = gen_add(g, rnd(g, 2) ? TDPSIM_CMD_HOST_MADVISE : TDPSIM_CMD_HOST_MUNMAP);
		if (ev->cmd == TDPSIM_CMD_HOST_MADVISE) {
			/* advice on a slot's host memory (madvise of unbacked space is ENOMEM) */
			ev->u.host_madvise.hva = 0x10000000000ull * (slot + 1) +
						 (rnd(g, 1ull << 30) & ~0x1fffffull);
			ev->u.host_madvise.size = (1 + rnd(g, 4)) << 21;
			ev->u.host_madvise.advice = (uint32_t)rnd(g, 5);
		} else { /* unmapping unbacked space is allowed: a no-op */
			ev->u.host_munmap.hva = 0x200000000000ull + (rnd(g, 1ull << 40) & ~0xfffull);
			ev->u.host_munmap.size = (1 + rnd(g, 512)) << 12;
		}
		break;
	case 12:
		ev = gen_add(g, TDPSIM_CMD_GPTE);
		ev->u.gpte.vcpu = (uint32_t)rnd(g, 20);
		ev->u.gpte.gva = rnd_gva(g);
		ev->u.gpte.level = 1 + (uint32_t)rnd(g, 5);
		ev->u.gpte.value = rng_next(&g->rng);
		break;
	case 13:
		ev = gen_add(g, rnd(g, 2) ? TDPSIM_CMD_INVLPG : TDPSIM_CMD_CR3);
		if (ev->cmd == TDPSIM_CMD_INVLPG) {
			ev->u.invlpg.vcpu = (uint32_t)rnd(g, 20);
			ev->u.invlpg.gva = rnd_gva(g);
		} else {
			ev->u.cr3.vcpu = (uint32_t)rnd(g, 20);
			ev->u.cr3.value = rnd(g, 3);
		}
		break;
	case 14:
		ev = gen_add(g, TDPSIM_CMD_ADVANCE);
		ev->u.advance.ns = rnd(g, 4) ? rnd(g, 1000000) : 1000000ull * rnd(g, 1000);
		break;
	default:
		ev = gen_add(g, TDPSIM_CMD_MARK);
		s = g->strings[g->n - 1][0];
		gen_label(g, s);
		ev->u.mark.label = s;
		break;
	}
}

static void gen_trace(struct gen *g, uint64_t seed)
{
	tdpsim_event *ev;

	memset(g, 0, sizeof(*g));
	g->rng = seed * 0x9e3779b97f4a7c15ull + 1;
	ev = gen_add(g, TDPSIM_CMD_SET);
	ev->u.set.key = "vcpus";
	ev->u.set.value = "20";
	ev = gen_add(g, TDPSIM_CMD_SET); /* so that clear-dirty-log is allowed */
	ev->u.set.key = "manual_dirty_log_protect";
	ev->u.set.value = "1";
	for (uint32_t s = 0; s < GEN_SLOTS; s++) {
		ev = gen_add(g, TDPSIM_CMD_MEMSLOT);
		ev->u.memslot.slot = s;
		ev->u.memslot.gpa = (uint64_t)s << 40;
		ev->u.memslot.size = 1ull << 30;
		ev->u.memslot.hva = 0x10000000000ull * (s + 1);
		ev->u.memslot.flags = 0;
		ev = gen_add(g, TDPSIM_CMD_BACKING); /* every backing kind, one slot each */
		ev->u.backing.hva = 0x10000000000ull * (s + 1);
		ev->u.backing.size = 1ull << 30;
		ev->u.backing.kind = s % 4;
	}
	ev = gen_add(g, TDPSIM_CMD_GUEST_PT); /* the guest's page tables: 64 MiB of slot 0 */
	ev->u.guest_pt.gpa = 512ull << 20;
	ev->u.guest_pt.size = 64ull << 20;
	g->next_backing_hva = 0x100000000000ull;
	while (g->n < GEN_EVENTS)
		gen_one(g);
}

/* Events compare equal when their strings match and everything else is the same bytes. */
static void assert_same_event(const tdpsim_event *a, const tdpsim_event *b, size_t i)
{
	tdpsim_event x = *a, y = *b;

	ck_assert_msg(a->cmd == b->cmd, "event %zu: command %d vs %d", i, a->cmd, b->cmd);
	if (a->cmd == TDPSIM_CMD_SET) {
		ck_assert_str_eq(a->u.set.key, b->u.set.key);
		ck_assert_str_eq(a->u.set.value, b->u.set.value);
		x.u.set.key = y.u.set.key = x.u.set.value = y.u.set.value = NULL;
	}
	if (a->cmd == TDPSIM_CMD_MARK) {
		ck_assert_str_eq(a->u.mark.label, b->u.mark.label);
		x.u.mark.label = y.u.mark.label = NULL;
	}
	ck_assert_msg(memcmp(&x, &y, sizeof(x)) == 0, "event %zu (%s) differs", i,
		      tdpsim_cmd_name(a->cmd));
}

/*
 * The outcome of applying a stream of events: the machine's digest, with every rejected
 * event's index and code folded in.  Random events need not all make sense to the machine
 * (a fault in unbacked memory, a map without guest-pt pages); the same events must still
 * give the same outcome, rejections included.
 */
struct outcome {
	tdpsim_sim *sim;
	uint64_t rejected;
	size_t n, nrejected;
};

static void outcome_start(struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	ck_assert_int_eq(tdpsim_sim_new(&o->sim, NULL), 0);
}

static void outcome_apply(struct outcome *o, const tdpsim_event *ev)
{
	int rc = tdpsim_sim_apply(o->sim, ev);

	if (rc < 0) {
		o->rejected = o->rejected * 31 + o->n * 7 + (uint64_t)-rc;
		o->nrejected++;
	}
	o->n++;
}

static uint64_t outcome_end(struct outcome *o)
{
	uint64_t d = tdpsim_sim_digest(o->sim) ^ o->rejected;

	tdpsim_sim_free(o->sim);
	return d;
}

static uint64_t replay_digest(const char *path, const struct gen *g)
{
	tdpsim_trace *t = NULL;
	struct outcome o;
	tdpsim_event ev;
	size_t i = 0;
	int rc;

	outcome_start(&o);
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	while ((rc = tdpsim_trace_next(t, &ev)) > 0) {
		ck_assert_uint_lt(i, g->n);
		assert_same_event(&g->ev[i], &ev, i);
		outcome_apply(&o, &ev);
		i++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(i, g->n);
	tdpsim_trace_free(t);
	return outcome_end(&o);
}

static struct gen g_gen;

START_TEST(every_encoding_gives_the_same_events_and_replay_digest)
{
	static const char *const names[] = { "g.tdpt", "g.tdpb", "g.tdpt.gz", "g.tdpb.gz" };
	const char *dir = scratch_dir();
	struct gen *g = &g_gen;
	struct outcome direct;
	uint64_t want;

	gen_trace(g, (uint64_t)_i + 1);
	/* the outcome of applying the events directly is what every file must reproduce */
	outcome_start(&direct);
	for (size_t i = 0; i < g->n; i++)
		outcome_apply(&direct, &g->ev[i]);
	/* the machine must run most of it, or the test would compare little */
	ck_assert_msg(direct.nrejected * 10 < direct.n, "%zu of %zu events rejected",
		      direct.nrejected, direct.n);
	want = outcome_end(&direct);
	for (size_t e = 0; e < 4; e++) {
		char path[512], again[512];
		tdpsim_trace_writer *w;

		snprintf(path, sizeof(path), "%s/%s", dir, names[e]);
		ck_assert_int_eq(tdpsim_trace_writer_new(&w, path), 0);
		for (size_t i = 0; i < g->n; i++)
			ck_assert_int_eq(tdpsim_trace_write(w, &g->ev[i]), 0);
		ck_assert_int_eq(tdpsim_trace_writer_close(w), 0);
		ck_assert_uint_eq(replay_digest(path, g), want);
		/* and through a second conversion: the file read back, written in another form */
		snprintf(again, sizeof(again), "%s/again-%s", dir, names[(e + 1) % 4]);
		{
			tdpsim_trace *t;
			tdpsim_event ev;
			int rc;

			ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
			ck_assert_int_eq(tdpsim_trace_writer_new(&w, again), 0);
			while ((rc = tdpsim_trace_next(t, &ev)) > 0)
				ck_assert_int_eq(tdpsim_trace_write(w, &ev), 0);
			ck_assert_int_eq(rc, 0);
			ck_assert_int_eq(tdpsim_trace_writer_close(w), 0);
			tdpsim_trace_free(t);
		}
		ck_assert_uint_eq(replay_digest(again, g), want);
	}
}
END_TEST

START_TEST(a_pipe_streams_like_a_file)
{
	int fds[2];
	tdpsim_trace *t;
	tdpsim_event ev;
	static const char text[] = "tdpsim-trace 1\nmark label=a\nmark label=b\n";

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fds[1]);
	ck_assert_int_eq(tdpsim_trace_open_fd(&t, fds[0], "pipe"), 0);
	ck_assert_uint_eq(tdpsim_trace_size(t), 0); /* unknown for a pipe */
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
	ck_assert_str_eq(ev.u.mark.label, "b");
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 0);
	tdpsim_trace_free(t);
}
END_TEST

/* RFC 1952 2.2: a gzip file is a series of members, and `cat a.gz b.gz` decompresses to the
 * two texts one after the other (what gzip -d, and so gzip -c >> trace.gz, produce). */
START_TEST(every_gzip_member_is_read_in_turn)
{
	const char *dir = scratch_dir();
	char path[512];
	static const char *const part[] = { "tdpsim-trace 1\nmark label=a\n", "mark label=b\n",
					    "mark label=c\n" };
	tdpsim_trace *t;
	tdpsim_event ev;

	snprintf(path, sizeof(path), "%s/m.tdpt.gz", dir);
	for (int i = 0; i < 3; i++) {
		gzFile gz = gzopen(path, i ? "ab" : "wb"); /* "ab" starts a new member */

		ck_assert_ptr_nonnull(gz);
		ck_assert_int_eq(gzputs(gz, part[i]), (int)strlen(part[i]));
		ck_assert_int_eq(gzclose(gz), Z_OK);
	}
	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	ck_assert_int_eq(tdpsim_trace_compressed(t), 1);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(tdpsim_trace_next(t, &ev), 1);
		ck_assert_int_eq(ev.u.mark.label[0], 'a' + i);
	}
	ck_assert_int_eq(tdpsim_trace_next(t, &ev), 0);
	tdpsim_trace_free(t);
}
END_TEST

START_TEST(a_failed_write_leaves_no_file_behind)
{
	const char *dir = scratch_dir();
	char path[512], cmd[600];
	tdpsim_trace_writer *w;
	tdpsim_event ev;

	snprintf(path, sizeof(path), "%s/out.tdpb", dir);
	ck_assert_int_eq(tdpsim_trace_writer_new(&w, path), 0);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_ACCESS;
	ev.u.access.gva = 1ull << 60; /* not canonical: refused */
	ck_assert_int_eq(tdpsim_trace_write(w, &ev), TDPSIM_EINVAL);
	tdpsim_trace_writer_abort(w);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s)\"", dir);
	ck_assert_int_eq(system(cmd), 0); /* no temporary either */
	ck_assert_int_eq(tdpsim_trace_writer_new(&w, "/tmp/x.txt"), TDPSIM_EINVAL);
}
END_TEST

/* key_get and key_put read a key's field by its `wide` alone (the per-event path); each
 * key's `wide` must then say what its type stores: 64 bits for the address, size, u64 and
 * duration types, 32 for the word and number types, either for hex. */
START_TEST(every_keys_field_width_matches_its_type)
{
	for (int cmd = TDPSIM_CMD_NONE + 1; cmd < TDPSIM_CMD__COUNT; cmd++) {
		const struct cmd_spec *c = spec_of((tdpsim_cmd)cmd);

		for (unsigned i = 0; i < c->nkeys; i++) {
			const struct key_spec *k = &c->keys[i];
			int want = k->type == KT_U64 || k->type == KT_SIZE || k->type == KT_GVA ||
				   k->type == KT_GPA || k->type == KT_HVA || k->type == KT_DUR;

			if (k->type == KT_HEX)
				ck_assert_msg(k->wide <= 2, "%s %s: wide %u", c->name, k->name, k->wide);
			else if (k->type != KT_STR)
				ck_assert_msg(k->wide == want, "%s %s: wide %u for a %s-bit type",
					      c->name, k->name, k->wide, want ? "64" : "32");
		}
	}
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("codec");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_command_parses_into_its_fields);
	tcase_add_test(tc, every_keys_field_width_matches_its_type);
	tcase_add_test(tc, text_errors_name_file_line_and_reason);
	tcase_add_test(tc, an_error_is_sticky_and_the_library_prints_nothing);
	tcase_add_test(tc, version_2_nested_commands_parse_and_survive_both_encodings);
	tcase_add_test(tc, version_3_l2_enter_vpid_parses_and_survives_both_encodings);
	tcase_add_test(tc, version_4_qemu_backings_parse_and_survive_both_encodings);
	tcase_add_test(tc, a_version_1_binary_guest_map_reads_without_the_l2_field);
	tcase_add_test(tc, single_accesses_at_a_4k_stride_cost_at_most_3_bytes_each_in_binary);
	tcase_add_loop_test(tc, every_encoding_gives_the_same_events_and_replay_digest, 0, 5);
	tcase_add_test(tc, a_pipe_streams_like_a_file);
	tcase_add_test(tc, every_gzip_member_is_read_in_turn);
	tcase_add_test(tc, a_failed_write_leaves_no_file_behind);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(trace_suite)
