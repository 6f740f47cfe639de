/* SPDX-License-Identifier: MIT */
/*
 * trace-cmd's trace.dat, read with libtracecmd: the records come in time order over all CPUs
 * (tracecmd_iterate_events), each printed by libtraceevent with the event's print format
 * taken from the file itself (the TP_printk text of the recording kernel), so the bodies are
 * those ftrace would print and go to the same kvm reader.  Built only where pkg-config finds
 * libtracecmd (TDPSIM_HAVE_TRACECMD); without it --from trace-cmd says what to install.
 */
#include "core/error.h"
#include "trace/import_int.h"

#ifdef TDPSIM_HAVE_TRACECMD
#include <string.h>

#include <event-parse.h>
#include <trace-cmd.h>
#include <trace-seq.h>

struct tc_ctx {
	struct imp *im;
	struct tep_handle *tep;
	struct trace_seq seq;
	int rc;
};

static int tc_record(struct tracecmd_input *h, struct tep_record *record, int cpu, void *data)
{
	struct tc_ctx *c = data;
	struct tep_event *event = tep_find_event_by_record(c->tep, record);
	struct imp_rec rec;

	(void)h;
	(void)cpu;
	c->im->line++;
	if (c->im->w)
		c->im->r->lines++;
	if (!event) {
		c->rc = imp_malformed(c->im, "a record of no event the file describes");
		return c->rc < 0;
	}
	trace_seq_reset(&c->seq);
	tep_print_event(c->tep, &c->seq, record, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&c->seq);
	rec.thread = tep_data_pid(c->tep, record);
	rec.ts_ns = record->ts;
	rec.name = event->name;
	rec.name_len = strlen(event->name);
	rec.body = c->seq.buffer ? c->seq.buffer : "";
	c->rc = imp_kvm_event(c->im, &rec);
	return c->rc < 0;
}

int imp_tracecmd_run(struct imp *im, const char *path)
{
	struct tc_ctx c;
	struct tracecmd_input *h = tracecmd_open(path, 0);

	if (!h)
		return err_set(TDPSIM_EIO, "%s: libtracecmd cannot open it as a trace.dat file",
			       path);
	im->line = 0;
	memset(&c, 0, sizeof(c));
	c.im = im;
	c.tep = tracecmd_get_tep(h);
	trace_seq_init(&c.seq);
	tracecmd_iterate_events(h, NULL, 0, tc_record, &c);
	trace_seq_destroy(&c.seq);
	tracecmd_close(h);
	return c.rc < 0 ? c.rc : imp_kvm_finish(im);
}

int tdpsim_import_have_tracecmd(void)
{
	return 1;
}
#else
int imp_tracecmd_run(struct imp *im, const char *path)
{
	(void)im;
	return err_set(TDPSIM_ENOTFOUND, "%s: built without libtracecmd", path);
}

int tdpsim_import_have_tracecmd(void)
{
	return 0;
}
#endif
