/* SPDX-License-Identifier: MIT */
/* tdpsim info: what a trace holds, without running it; the kernel profiles and CPU models of
 * this build. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: tdpsim info TRACE\n"
	"       tdpsim info --profiles\n"
	"       tdpsim info --cpus\n"
	"\n"
	"Read TRACE and print its encoding, events by command, the accesses they stand for,\n"
	"the simulated duration, the address ranges by kind (gva, gpa, hva) and whether it is a\n"
	"fault-level trace (recorded `fault` events: tied to the policy it was recorded under)\n"
	"or an access-level one (accesses: replayable under any policy).\n"
	"\n"
	"--profiles lists the kernel profiles built in (models/kvm/*.ini), what `--set kvm=`\n"
	"takes: each with its description, then every switch with its value in each profile.\n"
	"\n"
	"--cpus lists the CPU models built in (models/cpu/*.ini), what `--set cpu=` takes: each\n"
	"with its description, then every field (TLB geometry as entries/ways, costs in cycles)\n"
	"with its value in each model.\n";

struct range {
	uint64_t lo, hi; /* [lo, hi) */
	int seen;
};

static void widen(struct range *r, uint64_t start, uint64_t len)
{
	uint64_t end = start + (len ? len : 1);

	if (!r->seen || start < r->lo)
		r->lo = start;
	if (!r->seen || end > r->hi)
		r->hi = end;
	r->seen = 1;
}

struct info {
	uint64_t by_cmd[TDPSIM_CMD__COUNT];
	uint64_t events, accesses, ns;
	struct range gva, gpa, hva, l2gpa; /* l2gpa: L2's guest-physical addresses (nested) */
};

static void note_event(struct info *in, const tdpsim_event *ev)
{
	const typeof(ev->u) *u = &ev->u;

	in->events++;
	in->by_cmd[ev->cmd]++;
	in->accesses += tdpsim_event_accesses(ev);
	switch (ev->cmd) {
	case TDPSIM_CMD_MEMSLOT:
		if (u->memslot.size) {
			widen(&in->gpa, u->memslot.gpa, u->memslot.size);
			widen(&in->hva, u->memslot.hva, u->memslot.size);
		}
		break;
	case TDPSIM_CMD_BACKING: widen(&in->hva, u->backing.hva, u->backing.size); break;
	case TDPSIM_CMD_GUEST_PT:
		widen(u->guest_pt.l2 ? &in->l2gpa : &in->gpa, u->guest_pt.gpa, u->guest_pt.size);
		break;
	case TDPSIM_CMD_GUEST_MAP:
		widen(&in->gva, u->guest_map.gva, u->guest_map.size);
		widen(u->guest_map.l2 ? &in->l2gpa : &in->gpa, u->guest_map.gpa, u->guest_map.size);
		break;
	case TDPSIM_CMD_EPT12_MAP:
		widen(&in->l2gpa, u->ept12_map.l2gpa, u->ept12_map.size);
		widen(&in->gpa, u->ept12_map.gpa, u->ept12_map.size);
		break;
	case TDPSIM_CMD_ACCESS: widen(&in->gva, u->access.gva, 1); break;
	case TDPSIM_CMD_SWEEP: widen(&in->gva, u->sweep.gva, u->sweep.len); break;
	case TDPSIM_CMD_FAULT:
		widen(&in->gpa, u->fault.gpa, 1);
		if (u->fault.has_gva)
			widen(&in->gva, u->fault.gva, 1);
		break;
	case TDPSIM_CMD_HOST_MADVISE:
		widen(&in->hva, u->host_madvise.hva, u->host_madvise.size);
		break;
	case TDPSIM_CMD_HOST_MUNMAP: widen(&in->hva, u->host_munmap.hva, u->host_munmap.size); break;
	case TDPSIM_CMD_HOST_AGE: widen(&in->hva, u->host_age.hva, u->host_age.size); break;
	case TDPSIM_CMD_GPTE: widen(&in->gva, u->gpte.gva, 1); break;
	case TDPSIM_CMD_INVLPG: widen(&in->gva, u->invlpg.gva, 1); break;
	case TDPSIM_CMD_ADVANCE: in->ns += u->advance.ns; break;
	default: break;
	}
}

static const char *trace_kind(const struct info *in)
{
	int faults = in->by_cmd[TDPSIM_CMD_FAULT] > 0;
	int accesses = in->by_cmd[TDPSIM_CMD_ACCESS] + in->by_cmd[TDPSIM_CMD_SWEEP] > 0;

	if (faults && accesses)
		return "mixed: recorded faults and accesses";
	if (faults)
		return "fault-level: recorded faults, tied to the policy they were recorded under";
	if (accesses)
		return "access-level: accesses, replayable under any policy";
	return "setup only: no accesses or faults";
}

static void print_range(const char *name, const struct range *r)
{
	if (r->seen)
		printf("  %-4s [0x%" PRIx64 ", 0x%" PRIx64 ")\n", name, r->lo, r->hi);
	else
		printf("  %-4s none\n", name);
}

/* The field value of model i as text (a listing's cell). */
static const char *field_text(tdpsim_model_kind kind, size_t i, size_t f, char *buf, size_t n)
{
	return tdpsim_model_field_value(kind, i, f, buf, n) < 0 ? "?" : buf;
}

/* A model set: descriptions, then a row per field, a column per model as wide as its widest
 * value. */
static int list_models(tdpsim_model_kind kind, const char *title, const char *first_col,
		       size_t namew)
{
	size_t n = tdpsim_model_count(kind), nf = tdpsim_model_field_count(kind), keyw = 0;
	char buf[64];

	if (n == 0) /* the built-in models did not parse: a bug in this build */
		return cli_fail();
	for (size_t i = 0; i < n; i++)
		if (strlen(tdpsim_model_name(kind, i)) > namew)
			namew = strlen(tdpsim_model_name(kind, i));
	printf("%s:\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  %-*s  %s\n", (int)namew, tdpsim_model_name(kind, i),
		       tdpsim_model_description(kind, i));
	for (size_t f = 0; f < nf; f++)
		if (strlen(tdpsim_model_field_name(kind, f)) > keyw)
			keyw = strlen(tdpsim_model_field_name(kind, f));
	for (size_t f = 0; f <= nf; f++) {
		printf("%s%-*s", f ? "" : "\n", (int)keyw,
		       f ? tdpsim_model_field_name(kind, f - 1) : first_col);
		for (size_t i = 0; i < n; i++) {
			size_t w = strlen(tdpsim_model_name(kind, i));

			for (size_t t = 0; t < nf; t++)
				if (strlen(field_text(kind, i, t, buf, sizeof(buf))) > w)
					w = strlen(buf);
			printf("  %-*s", i + 1 < n ? (int)w : 0,
			       f ? field_text(kind, i, f - 1, buf, sizeof(buf))
				 : tdpsim_model_name(kind, i));
		}
		printf("\n");
	}
	return EXIT_DONE;
}

static int list_profiles(void)
{
	int rc = list_models(TDPSIM_MODEL_KERNEL_PROFILE, "kernel profiles (--set kvm=NAME)",
			     "switch", 6);

	if (rc == EXIT_DONE)
		printf("\nThe kernel change behind each value: models/kvm/<profile>.ini; the "
		       "format: models/kvm/README.md.\n");
	return rc;
}

static int list_cpus(void)
{
	int rc = list_models(TDPSIM_MODEL_CPU, "CPU models (--set cpu=NAME)", "field", 0);

	if (rc == EXIT_DONE)
		printf("\nGeometry: entries/ways (0/0: no such array).  Costs: core cycles at "
		       "cpu_mhz.\nThe source of each value: models/cpu/<model>.ini; the format: "
		       "models/cpu/README.md.\n");
	return rc;
}

int cmd_info(int argc, char **argv)
{
	struct info in;
	tdpsim_trace *t = NULL;
	tdpsim_event ev;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return EXIT_DONE;
	}
	if (argc == 2 && strcmp(argv[1], "--profiles") == 0)
		return list_profiles();
	if (argc == 2 && strcmp(argv[1], "--cpus") == 0)
		return list_cpus();
	if (argc != 2)
		return cli_usage_error("info: expected exactly one TRACE (try --help)");
	memset(&in, 0, sizeof(in));
	if (tdpsim_trace_open(&t, argv[1]) < 0)
		return cli_fail();
	while ((rc = tdpsim_trace_next(t, &ev)) > 0)
		note_event(&in, &ev);
	if (rc < 0) {
		tdpsim_trace_free(t);
		return cli_fail();
	}
	printf("trace     %s\n", argv[1]);
	printf("encoding  %s%s\n", tdpsim_trace_encoding(t) == TDPSIM_ENCODING_BINARY ? "binary"
										  : "text",
	       tdpsim_trace_compressed(t) ? ", gzip" : "");
	printf("version   %u (of the trace format)\n", tdpsim_trace_version(t));
	printf("kind      %s\n", trace_kind(&in));
	printf("events    %" PRIu64 "\n", in.events);
	printf("accesses  %" PRIu64 "\n", in.accesses);
	printf("duration  %" PRIu64 " ns simulated (%.3f s)\n", in.ns, (double)in.ns / 1e9);
	printf("events by command:\n");
	for (int c = 1; c < TDPSIM_CMD__COUNT; c++)
		if (in.by_cmd[c])
			printf("  %-16s %" PRIu64 "\n", tdpsim_cmd_name((tdpsim_cmd)c), in.by_cmd[c]);
	printf("address ranges:\n");
	print_range("gva", &in.gva);
	print_range("gpa", &in.gpa);
	print_range("hva", &in.hva);
	if (in.l2gpa.seen) /* a nested trace: L2's guest-physical space apart */
		print_range("l2gpa", &in.l2gpa);
	tdpsim_trace_free(t);
	return EXIT_DONE;
}
