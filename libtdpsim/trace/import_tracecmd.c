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

/* The top buffer and at most this many instance buffers (trace-cmd record -B, extract -B). */
#define TC_MAX_BUFFERS 64

struct tc_ctx {
	struct imp *im;
	struct trace_seq seq;
	int rc;
};

static int tc_record(struct tracecmd_input *h, struct tep_record *record, int cpu, void *data)
{
	struct tc_ctx *c = data;
	struct tep_handle *tep = tracecmd_get_tep(h);
	struct tep_event *event = tep_find_event_by_record(tep, record);
	struct imp_rec rec;

	(void)cpu;
	c->im->line++;
	if (c->im->w)
		c->im->r->lines++;
	if (!event) {
		c->rc = imp_malformed(c->im, "a record of no event the file describes");
		return c->rc < 0;
	}
	trace_seq_reset(&c->seq);
	tep_print_event(tep, &c->seq, record, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&c->seq);
	rec.thread = tep_data_pid(tep, record);
	rec.ts_ns = record->ts;
	rec.name = event->name;
	rec.name_len = strlen(event->name);
	rec.body = c->seq.buffer ? c->seq.buffer : "";
	c->rc = imp_kvm_event(c->im, &rec);
	return c->rc < 0;
}

/*
 * The records of every buffer in the file - the top one and each instance's (a private
 * instance is how one records beside other tracing: trace-cmd record -B NAME, or events
 * enabled in tracefs's instances/NAME and trace-cmd extract -B NAME) - merged in time order
 * by tracecmd_iterate_events_multi.
 */
int imp_tracecmd_run(struct imp *im, const char *path)
{
	struct tracecmd_input *h[1 + TC_MAX_BUFFERS];
	struct tc_ctx c;
	int n = 1, i, nr;

	h[0] = tracecmd_open(path, 0);
	if (!h[0])
		return err_set(TDPSIM_EIO, "%s: libtracecmd cannot open it as a trace.dat file",
			       path);
	nr = tracecmd_buffer_instances(h[0]);
	if (nr > TC_MAX_BUFFERS) {
		tracecmd_close(h[0]);
		return err_set(TDPSIM_EINPUT, "%s: %d instance buffers, at most %d are read", path,
			       nr, TC_MAX_BUFFERS);
	}
	for (i = 0; i < nr; i++) {
		h[n] = tracecmd_buffer_instance_handle(h[0], i);
		if (h[n])
			n++;
	}
	im->line = 0;
	memset(&c, 0, sizeof(c));
	c.im = im;
	trace_seq_init(&c.seq);
	tracecmd_iterate_events_multi(h, n, tc_record, &c);
	trace_seq_destroy(&c.seq);
	while (n-- > 0)
		tracecmd_close(h[n]);
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
