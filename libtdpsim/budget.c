/* SPDX-License-Identifier: MIT */
/*
 * The work budget (tdpsim_options.max_work): what each event stands for, counted before it
 * runs, so that a few bytes of trace that mean hours of work are refused at their line with
 * their cost instead of running.  A unit is about one access's worth: an access 1, a sweep
 * its accesses, an advance the recovery worker's passes and the timeline's samples on the
 * way, a populated backing or a guest mapping its pages.  The memory an event needs is
 * counted where it is allocated (core/mem.h); a guest mapping's tables are checked here
 * first, a populated backing's in host/host.c (populate_check).
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/error.h"
#include "host/host.h"
#include "kvm/nx_recovery.h"
#include "sim_internal.h"
#include "x86/paging.h"

#define NS_PER_MS 1000000ull

/* Passes of the NX recovery worker in (now, now + ns]: it wakes at nx_next_wake, then every
 * period (kvm/nx_recovery.c worker_wake). */
static uint64_t recovery_passes(const tdpsim_sim *sim, uint64_t ns)
{
	const struct kvm *kvm = &sim->machine.kvm;
	uint64_t end = sim->clock.now + ns, period;

	if (!sim->started || !kvm->nx_wake_pending || kvm->nx_next_wake > end)
		return 0;
	period = kvm_nx_recovery_period_ms(kvm) * NS_PER_MS;
	return period ? (end - kvm->nx_next_wake) / period + 1 : 1;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* khugepaged's work in (now, now + ns]: a pass at its next wake, then one every
 * scan_sleep_millisecs at most (an alloc_sleep is longer), each a unit per 2M range it
 * scans (host/khugepaged.c). */
static uint64_t khugepaged_work(const tdpsim_sim *sim, uint64_t ns)
{
	uint64_t end = sim->clock.now + ns, wake = sim->machine.khugepaged_wake;
	uint64_t period = sim->settings.s[SET_KHUGEPAGED_SCAN_SLEEP_MS].v * NS_PER_MS;
	uint64_t per_pass = 1 + sim->settings.s[SET_KHUGEPAGED_PAGES_TO_SCAN].v / 512;
	uint64_t passes;

	if (!sim->started || wake > end || period == 0)
		return 0;
	passes = (end - wake) / period + 1;
	return passes > UINT64_MAX / per_pass ? UINT64_MAX : passes * per_pass;
}

/* The aging scanner's work in (now, now + ns]: its passes, each a unit per 4K page of the
 * backings (host/aging.c host_age_scan), saturating. */
static uint64_t aging_work(const tdpsim_sim *sim, uint64_t ns)
{
	uint64_t end = sim->clock.now + ns, wake = sim->machine.age_wake;
	uint64_t period = sim->settings.s[SET_HOST_AGE_PERIOD_MS].v * NS_PER_MS;
	uint64_t per_pass, passes;

	if (!sim->started || !sim->machine.age_pending || wake > end || period == 0)
		return 0;
	per_pass = 1 + host_backing_pages(sim->machine.host);
	passes = (end - wake) / period + 1;
	return passes > UINT64_MAX / per_pass ? UINT64_MAX : passes * per_pass;
}

/* Timeline samples an advance of ns crosses (timeline.c timeline_advance). */
static uint64_t timeline_samples(const tdpsim_sim *sim, uint64_t ns)
{
	const struct timeline *t = &sim->timeline;
	uint64_t end = sim->clock.now + ns;

	if (t->next_ns == TIMELINE_NONE || t->next_ns > end || !t->cfg.every)
		return 0;
	return (end - t->next_ns) / t->cfg.every + 1;
}

/* A populate's work: a unit per page it maps - per huge page for hugetlb, per 2M where
 * MADV_HUGEPAGE asks for THPs, per 4K elsewhere. */
static uint64_t backing_pages(const tdpsim_event *ev)
{
	struct host_vma vma;

	if (host_backing_resolve(ev->u.backing.kind, ev->u.backing.share, ev->u.backing.hugetlb,
				 ev->u.backing.hugetlbsize, ev->u.backing.fs, ev->u.backing.huge,
				 &vma) != 0)
		return 1; /* refused when applied */
	if (vma.type == VMA_HUGETLB)
		return ev->u.backing.size / level_size(vma.level);
	if (vma.flags & VMA_HUGEPAGE)
		return ev->u.backing.size >> 21;
	return ev->u.backing.size >> PAGE_SHIFT;
}

/* The event's units of work.  The words for the message are made only when it is refused
 * (event_work_text): this runs before every costly event (sim_budget_costly). */
static uint64_t event_work(const tdpsim_sim *sim, const tdpsim_event *ev)
{
	if (!sim_budget_costly(ev->cmd))
		return 1;
	switch (ev->cmd) {
	case TDPSIM_CMD_SWEEP:
		return tdpsim_event_accesses(ev);
	case TDPSIM_CMD_ADVANCE:
		return sat_add(sat_add(sat_add(1 + recovery_passes(sim, ev->u.advance.ns),
					       khugepaged_work(sim, ev->u.advance.ns)),
				       timeline_samples(sim, ev->u.advance.ns)),
			       aging_work(sim, ev->u.advance.ns));
	case TDPSIM_CMD_BACKING:
		return ev->u.backing.populate || ev->u.backing.prealloc ? backing_pages(ev) : 1;
	case TDPSIM_CMD_GUEST_MAP:
		if (ev->u.guest_map.page_level < 1 || ev->u.guest_map.page_level > 3)
			return 1; /* refused by guest_map */
		return ev->u.guest_map.size / level_size((int)ev->u.guest_map.page_level);
	case TDPSIM_CMD_HOST_AGE: /* a unit per 4K page it may find mapped */
		return 1 + (ev->u.host_age.size >> PAGE_SHIFT);
	default:
		return 1;
	}
}

/* What the units of event_work are, for the message. */
static void event_work_text(const tdpsim_sim *sim, const tdpsim_event *ev, uint64_t cost,
			    char *what, size_t size)
{
	switch (ev->cmd) {
	case TDPSIM_CMD_SWEEP:
		snprintf(what, size, "%" PRIu64 " accesses", cost);
		return;
	case TDPSIM_CMD_ADVANCE:
		snprintf(what, size, "%" PRIu64 " ns: %" PRIu64 " passes of the NX recovery worker, "
			 "%" PRIu64 " timeline samples, khugepaged %" PRIu64 ", aging %" PRIu64,
			 ev->u.advance.ns, recovery_passes(sim, ev->u.advance.ns),
			 timeline_samples(sim, ev->u.advance.ns), khugepaged_work(sim, ev->u.advance.ns),
			 aging_work(sim, ev->u.advance.ns));
		return;
	case TDPSIM_CMD_BACKING:
		if (ev->u.backing.populate || ev->u.backing.prealloc) {
			snprintf(what, size, "%" PRIu64 " pages populated", cost);
			return;
		}
		break;
	case TDPSIM_CMD_GUEST_MAP:
		if (ev->u.guest_map.page_level >= 1 && ev->u.guest_map.page_level <= 3) {
			snprintf(what, size, "%" PRIu64 " pages mapped", cost);
			return;
		}
		break;
	case TDPSIM_CMD_HOST_AGE:
		snprintf(what, size, "%" PRIu64 " pages aged", cost - 1);
		return;
	default:
		break;
	}
	snprintf(what, size, "1 event");
}

/* A guest mapping's leaf tables (one per 512 pages), charged to the guest page tables. */
static int guest_map_memory(const tdpsim_sim *sim, const tdpsim_event *ev)
{
	uint64_t pages, tables;

	if (ev->cmd != TDPSIM_CMD_GUEST_MAP || ev->u.guest_map.page_level < 1 ||
	    ev->u.guest_map.page_level > 3)
		return 0;
	pages = ev->u.guest_map.size / level_size((int)ev->u.guest_map.page_level);
	tables = (pages + PT_ENTRIES - 1) / PT_ENTRIES;
	return mem_reserve_check(&sim->mem, MEM_GUEST_PT, tables * PAGE_SIZE, "guest-map");
}

/* The refusal, out of line: sim_budget_check runs before every event, and its frame stays
 * small without the message's buffer. */
static __attribute__((noinline, cold)) int work_refused(const tdpsim_sim *sim,
							 const tdpsim_event *ev, uint64_t cost)
{
	char what[200];

	event_work_text(sim, ev, cost, what, sizeof(what));
	return err_set(TDPSIM_ELIMIT, "%s of %s is %" PRIu64 " units of work; after the %" PRIu64
		       " done that passes the work budget of %" PRIu64 " (--max-work)",
		       tdpsim_cmd_name(ev->cmd), what, cost, sim->work, sim->max_work);
}

int sim_budget_check_costly(tdpsim_sim *sim, const tdpsim_event *ev)
{
	uint64_t cost = event_work(sim, ev);

	if (sim->max_work && cost > sim->max_work - sim->work)
		return work_refused(sim, ev, cost);
	if (ev->cmd == TDPSIM_CMD_GUEST_MAP && guest_map_memory(sim, ev) < 0)
		return TDPSIM_ENOMEM;
	sim->work += cost;
	return 0;
}

int sim_budget_refuse_access(const tdpsim_sim *sim)
{
	return err_set(TDPSIM_ELIMIT, "access: 1 unit of work would bring the replay past the "
		       "work budget of %" PRIu64 " (--max-work)", sim->max_work);
}
