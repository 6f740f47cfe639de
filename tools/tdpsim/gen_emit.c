/* SPDX-License-Identifier: MIT */
/* tdpsim gen: the VM every workload runs in, and writing its events one at a time. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gen.h"

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

void gen_layout(struct gen *g)
{
	/*
	 * The guest's page tables: with 4K guest pages one 4K table page maps 2M, so mapping
	 * all of memory twice over (the boot workload's direct map beside its other regions)
	 * takes 2 * mem / 512 bytes; 2M more hold the upper levels.
	 */
	g->pt_size = round_up(2 * (g->o->mem / 512) + GEN_2M, GEN_2M);
	g->data_end = g->o->mem - g->pt_size;
	g->gpa_next = 0;
}

uint32_t gen_level(const struct gen *g)
{
	return g->o->guest_page == 1 ? TDPSIM_LEVEL_2M : TDPSIM_LEVEL_4K;
}

uint64_t gen_page(const struct gen *g)
{
	return gen_level(g) == TDPSIM_LEVEL_2M ? GEN_2M : 4096;
}

uint64_t gen_free(const struct gen *g)
{
	uint64_t at = round_up(g->gpa_next, GEN_2M);

	return at < g->data_end ? g->data_end - at : 0;
}

int gen_event(struct gen *g, const tdpsim_event *ev)
{
	uint64_t n = tdpsim_event_accesses(ev);
	int rc = tdpsim_trace_write(g->w, ev);

	if (rc < 0 || !n)
		return rc;
	g->accesses += n;
	if (!g->o->tick)
		return 0;
	g->since_tick += n;
	if (g->since_tick >= g->o->tick) {
		tdpsim_event adv = { .cmd = TDPSIM_CMD_ADVANCE };

		/* One advance after the event that crossed one or more ticks. */
		adv.u.advance.ns = g->since_tick / g->o->tick * g->o->tick_ns;
		g->since_tick %= g->o->tick;
		return tdpsim_trace_write(g->w, &adv);
	}
	return 0;
}

static int gen_set(struct gen *g, const char *key, const char *value)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_SET };

	ev.u.set.key = key;
	ev.u.set.value = value;
	return gen_event(g, &ev);
}

int gen_setup(struct gen *g, const char *const *sets, int nsets)
{
	const struct gen_opts *o = g->o;
	tdpsim_event ev;
	char buf[32];
	int rc;

	if (o->vcpus > 1) {
		snprintf(buf, sizeof(buf), "%" PRIu64, o->vcpus);
		if ((rc = gen_set(g, "vcpus", buf)) < 0)
			return rc;
	}
	for (int i = 0; i < nsets; i++) {
		char key[64];
		const char *eq = strchr(sets[i], '=');
		size_t n = (size_t)(eq - sets[i]);

		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, sets[i], n);
		key[n] = 0;
		if ((rc = gen_set(g, key, eq + 1)) < 0)
			return rc;
	}
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_MEMSLOT;
	ev.u.memslot.slot = 0;
	ev.u.memslot.gpa = 0;
	ev.u.memslot.size = o->mem;
	ev.u.memslot.hva = GEN_HVA;
	if ((rc = gen_event(g, &ev)) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = GEN_HVA;
	ev.u.backing.size = o->mem;
	ev.u.backing.kind = (uint32_t)o->backing;
	ev.u.backing.populate = (uint32_t)o->populate;
	if ((rc = gen_event(g, &ev)) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_PT;
	ev.u.guest_pt.gpa = g->data_end;
	ev.u.guest_pt.size = g->pt_size;
	return gen_event(g, &ev);
}

int gen_map_at(struct gen *g, uint64_t gva, uint64_t gpa, uint64_t size, uint32_t level,
	       const char *prot, int user)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_GUEST_MAP };

	ev.u.guest_map.gva = gva;
	ev.u.guest_map.gpa = gpa;
	ev.u.guest_map.size = size;
	ev.u.guest_map.page_level = level;
	ev.u.guest_map.prot = 0;
	for (const char *p = prot; *p; p++)
		ev.u.guest_map.prot |= *p == 'r' ? TDPSIM_PROT_R : *p == 'w' ? TDPSIM_PROT_W
								  : TDPSIM_PROT_X;
	ev.u.guest_map.user = (uint32_t)user;
	return gen_event(g, &ev);
}

int gen_map(struct gen *g, uint64_t gva, uint64_t size, uint32_t level, const char *prot,
	    int user, uint64_t *gpa_out)
{
	uint64_t page = level == TDPSIM_LEVEL_2M ? GEN_2M : 4096, gpa;

	size = round_up(size, page);
	gpa = g->gpa_next = round_up(g->gpa_next, GEN_2M);
	g->gpa_next += size;
	if (gpa_out)
		*gpa_out = gpa;
	return gen_map_at(g, gva, gpa, size, level, prot, user);
}

int gen_check_fits(const struct gen *g, const char *workload, const uint64_t *sizes, int n)
{
	uint64_t need = 0;
	char a[32], b[32], c[32];

	for (int i = 0; i < n; i++)
		need += round_up(sizes[i], GEN_2M);
	if (need <= g->data_end)
		return 0;
	gen_format_size(a, sizeof(a), need);
	gen_format_size(b, sizeof(b), g->data_end);
	gen_format_size(c, sizeof(c), g->o->mem);
	return cli_usage_error("gen: %s needs %s of guest memory for its regions, but --mem %s "
			       "leaves %s beside the page tables (give a larger --mem or smaller "
			       "sizes)", workload, a, c, b);
}

uint32_t gen_vcpu(struct gen *g)
{
	uint32_t v = (uint32_t)(g->next_vcpu % g->o->vcpus);

	g->next_vcpu++;
	return v;
}

int gen_access(struct gen *g, uint32_t vcpu, uint64_t gva, int op, int cpl)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_ACCESS };

	ev.u.access.vcpu = vcpu;
	ev.u.access.gva = gva;
	ev.u.access.op = (uint32_t)op;
	ev.u.access.cpl = (uint32_t)cpl;
	return gen_event(g, &ev);
}

int gen_sweep(struct gen *g, uint32_t vcpu, uint64_t gva, uint64_t len, uint64_t stride, int op,
	      uint64_t repeat, int cpl)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_SWEEP };

	ev.u.sweep.vcpu = vcpu;
	ev.u.sweep.gva = gva;
	ev.u.sweep.len = len;
	ev.u.sweep.stride = stride;
	ev.u.sweep.op = (uint32_t)op;
	ev.u.sweep.repeat = repeat;
	ev.u.sweep.cpl = (uint32_t)cpl;
	return gen_event(g, &ev);
}

int gen_mark(struct gen *g, const char *fmt, ...)
{
	char label[128];
	va_list ap;
	tdpsim_event ev = { .cmd = TDPSIM_CMD_MARK };

	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	ev.u.mark.label = label;
	return gen_event(g, &ev);
}

int gen_advance(struct gen *g, uint64_t ns)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_ADVANCE };

	ev.u.advance.ns = ns;
	return gen_event(g, &ev);
}

int gen_comment(struct gen *g, const char *fmt, ...)
{
	char text[4096]; /* a comment line's longest (FORMAT.md: strings of 4,095 bytes) */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return tdpsim_trace_write_comment(g->w, text);
}

void gen_format_size(char *buf, size_t n, uint64_t v)
{
	static const char suffix[] = "KMGT";
	int s = -1;

	while (s < 3 && v && v % 1024 == 0) {
		v /= 1024;
		s++;
	}
	if (s < 0)
		snprintf(buf, n, "%" PRIu64, v);
	else
		snprintf(buf, n, "%" PRIu64 "%c", v, suffix[s]);
}
