/* SPDX-License-Identifier: MIT */
/*
 * The KVM tracepoints, read by their TP_printk formats (arch/x86/kvm/trace.h,
 * arch/x86/kvm/mmu/mmutrace.h), become fault records: one per fault KVM handled, in recorded
 * order, on the vCPU of the thread (or the vcpu the event names), the recorded time between
 * them as `advance`.
 *
 * TDP hosts: kvm_page_fault (vcpu, address = the GPA, error_code) opens a fault; the
 * kvm_mmu_spte_requested that kvm_tdp_mmu_map() traces gives the level KVM chose; a fault
 * fixed by fast_page_fault() has none.
 * Shadow hosts: kvm_page_fault, where it fires, is the #PF intercept (kvm_handle_page_fault,
 * its address a gva) and opens nothing: the walk that follows is the fault.
 * kvm_mmu_pagetable_walk (gva, pferr) opens a guest walk (FNAME(walk_addr_generic)
 * in paging_tmpl.h); each kvm_mmu_paging_element is the guest PTE at a level; the walk is a
 * fault only if KVM then requests an SPTE (FNAME(fetch) traces kvm_mmu_spte_requested) -
 * walks of the instruction emulator, and walks ending in kvm_mmu_walker_error (a #PF
 * injected into the guest), make no record.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "trace/import_int.h"

#define PTE_PS 0x80ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

static int name_is(const struct imp_rec *rec, const char *name)
{
	return strlen(name) == rec->name_len && memcmp(rec->name, name, rec->name_len) == 0;
}

/* "KEY <hex>" anywhere in the body, "0x" optional (the formats print both ways). */
static int body_hex(const char *body, const char *key, uint64_t *v)
{
	const char *p = strstr(body, key);
	char *end;

	if (!p)
		return 0;
	p += strlen(key);
	while (*p == ' ')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	*v = strtoull(p, &end, 16);
	return end != p;
}

static int body_dec(const char *body, const char *key, uint64_t *v)
{
	const char *p = strstr(body, key);
	char *end;

	if (!p)
		return 0;
	p += strlen(key);
	*v = strtoull(p, &end, 10);
	return end != p;
}

/* The thread's slot: its vCPU number is the order it was first seen in. */
static int thread_slot(struct imp *im, int64_t id, uint32_t *out)
{
	for (uint32_t i = 0; i < im->nthreads; i++)
		if (im->thread_id[i] == id) {
			*out = i;
			return 0;
		}
	if (im->nthreads == IMP_MAX_THREADS)
		return imp_error(im, "more than %d vCPU threads", IMP_MAX_THREADS);
	im->thread_id[im->nthreads] = id;
	*out = im->nthreads++;
	return 0;
}

static int write_advance(struct imp *im, uint64_t ts)
{
	tdpsim_event ev;

	if (!im->have_time) {
		im->have_time = 1;
		im->last_ns = ts;
		return 0;
	}
	if (ts <= im->last_ns)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_ADVANCE;
	ev.u.advance.ns = ts - im->last_ns;
	im->last_ns = ts;
	return imp_write(im, &ev);
}

/* The guest-map of one guest page at `level` mapped by `gpte`. */
static tdpsim_event guest_map_of(uint64_t gva, uint64_t gpte, int level, uint64_t size)
{
	uint64_t psize = level == 2 ? 2ull << 20 : level == 3 ? 1ull << 30 : 4096;
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_MAP;
	ev.u.guest_map.gva = gva & ~(psize - 1);
	ev.u.guest_map.gpa = gpte & PTE_ADDR & ~(psize - 1);
	ev.u.guest_map.size = size ? size : psize;
	ev.u.guest_map.page_level = (uint32_t)level;
	ev.u.guest_map.prot = TDPSIM_PROT_R | (gpte & PTE_W ? TDPSIM_PROT_W : 0) |
			      (gpte & PTE_NX ? 0 : TDPSIM_PROT_X);
	ev.u.guest_map.user = !!(gpte & PTE_U);
	ev.u.guest_map.ad = (gpte & (PTE_A | PTE_D)) == (PTE_A | PTE_D);
	return ev;
}

/* The leaf guest PTE the walk saw, as a guest-map of its page (once while it is cached). */
static int write_guest_map(struct imp *im, const struct imp_walk *wk)
{
	uint64_t psize = wk->leaf_level == 2 ? 2ull << 20 : wk->leaf_level == 3 ? 1ull << 30 : 4096;
	uint64_t gva = wk->gva & ~(psize - 1), key = gva | (uint64_t)wk->leaf_level;
	uint64_t *slot = &im->mapped[(gva / psize * 0x9e3779b97f4a7c15ull) >> 52];
	tdpsim_event ev;

	if (*slot == key)
		return 0;
	*slot = key;
	ev = guest_map_of(wk->gva, wk->leaf_pte, wk->leaf_level, 0);
	if (im->w)
		im->r->guest_maps++;
	return imp_write(im, &ev);
}

/* ---- a shadow recording's guest mappings, gathered in the first pass ---- */

static int gpage_add(struct imp *im, uint64_t gva, uint64_t gpte, int level)
{
	if (im->ngpages == im->cap_gpages) {
		size_t cap = im->cap_gpages ? 2 * im->cap_gpages : 256;
		struct imp_gpage *g = realloc(im->gpages, cap * sizeof(*g));

		if (!g)
			return err_set(TDPSIM_ENOMEM, "%s: out of memory for the guest's mappings",
				       im->file);
		im->gpages = g;
		im->cap_gpages = cap;
	}
	im->gpages[im->ngpages] = (struct imp_gpage){ gva, gpte, (uint32_t)level,
						      (uint32_t)im->ngpages };
	im->ngpages++;
	return 0;
}

static int gpage_cmp(const void *a, const void *b)
{
	const struct imp_gpage *x = a, *y = b;

	if (x->gva != y->gva)
		return x->gva < y->gva ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Pages in gva order, the first sighting of each kept (the guest's mapping before the
 * recording could change it); the tables they need: a root, and a table per 512G, 1G and
 * 2M region above their leaves. */
void imp_kvm_plan_guest_maps(struct imp *im)
{
	size_t n = 0;
	uint64_t tables = 1, last[4] = { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX };

	if (!im->ngpages)	/* no walk PTEs in the recording (a TDP host): nothing to plan */
		return;
	qsort(im->gpages, im->ngpages, sizeof(*im->gpages), gpage_cmp);
	for (size_t i = 0; i < im->ngpages; i++)
		if (!n || im->gpages[n - 1].gva != im->gpages[i].gva)
			im->gpages[n++] = im->gpages[i];
	im->ngpages = n;
	for (size_t i = 0; i < n; i++)
		for (int l = (int)im->gpages[i].level + 1; l <= 4; l++) {
			uint64_t key = im->gpages[i].gva >> (12 + 9 * (l - 1));

			if (key != last[l - 1]) {
				last[l - 1] = key;
				tables++;
			}
		}
	im->gpt_size = ((tables * 4096 + (2ull << 20) - 1) >> 21) << 21;
}

/* Runs of pages that map contiguously with the same rights become one guest-map. */
int imp_kvm_write_guest_maps(struct imp *im)
{
	for (size_t i = 0; i < im->ngpages;) {
		const struct imp_gpage *g = &im->gpages[i];
		uint64_t psize = g->level == 2 ? 2ull << 20 : g->level == 3 ? 1ull << 30 : 4096;
		uint64_t bits = g->gpte & ~PTE_ADDR, size = psize;
		tdpsim_event ev;
		size_t j = i + 1;
		int rc;

		while (j < im->ngpages && im->gpages[j].level == g->level &&
		       im->gpages[j].gva == g->gva + size &&
		       (im->gpages[j].gpte & PTE_ADDR) == (g->gpte & PTE_ADDR) + size &&
		       (im->gpages[j].gpte & ~PTE_ADDR) == bits)
			size += psize, j++;
		ev = guest_map_of(g->gva, g->gpte, (int)g->level, size);
		im->r->guest_maps++;
		if ((rc = imp_write(im, &ev)) < 0)
			return rc;
		i = j;
	}
	return 0;
}

/*
 * A kvm_page_fault error code that a #PF exit gives (the guest's #PF error code), not a TDP
 * fault's: an NPF's has PFERR_GUEST_FINAL or PFERR_GUEST_PAGE (bits 32, 33: svm.c
 * npf_interception), an EPT violation's exit qualification the GLA bits 7-8, which a #PF
 * error code never has.
 */
static int pf_exit_code(uint64_t err)
{
	return !(err >> 32) && !(err & 0x180);
}

/*
 * The error code KVM's fault path got for a TDP fault.  AMD's kvm_page_fault prints it
 * (npf_interception: EXITINFO1, PFERR bits); Intel's prints the EPT violation's exit
 * qualification, which __vmx_handle_ept_violation (vmx/common.h) turns into one: a read
 * becomes PFERR_USER, a write PFERR_WRITE, a fetch PFERR_FETCH, any of the translation's
 * R/W/X bits (3-5) PFERR_PRESENT.  An exit qualification has the GVA bits 7-8, which a PFERR
 * code never has (5.15 prints only the low 32 bits of either).
 */
static uint32_t tdp_fault_err(uint64_t code)
{
	uint32_t err;

	if (code >> 32 || pf_exit_code(code)) /* AMD's PFERR code, or 5.15's low half */
		return (uint32_t)code & 0x1f;
	err = code & 0x1 ? 0x4 : 0;
	err |= code & 0x2 ? 0x2 : 0;
	err |= code & 0x4 ? 0x10 : 0;
	err |= code & 0x38 ? 0x1 : 0;
	return err;
}

/* The fault of `wk` as a record: time, the guest's mapping, the recorded level, the fault. */
static int emit_fault(struct imp *im, uint32_t vcpu, struct imp_walk *wk)
{
	tdpsim_event ev;
	char note[80];
	int rc;

	uint32_t id = wk->vcpu_id >= 0 ? (uint32_t)wk->vcpu_id : vcpu;

	wk->active = 0;
	im->faults_seen++;
	if (id + 1 > im->vcpus)
		im->vcpus = id + 1;
	if (wk->shadow) { /* its kvm_mmu_set_spte lines follow */
		wk->spte_open = 1;
		wk->have_at0 = 0;
		wk->fault_gva = wk->gva;
		wk->fault_gfn = wk->gpa >> 12;
	}
	if (!im->w) {
		if (wk->gpa < im->gpa_min)
			im->gpa_min = wk->gpa;
		if (wk->gpa > im->gpa_max)
			im->gpa_max = wk->gpa;
		if (wk->shadow && wk->has_leaf)
			return gpage_add(im, wk->gva, wk->leaf_pte, wk->leaf_level);
		return 0;
	}
	if ((rc = write_advance(im, wk->ts)) < 0)
		return rc;
	/* A TDP host's walks show no guest PTEs; a shadow host's were all written up front. */
	if (wk->shadow && wk->has_leaf && !im->gpages && (rc = write_guest_map(im, wk)) < 0)
		return rc;
	if (wk->level) {
		snprintf(note, sizeof(note), "recorded level=%d (kvm_mmu_spte_requested)", wk->level);
		if ((rc = imp_comment(im, note)) < 0)
			return rc;
	}
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_FAULT;
	ev.u.fault.vcpu = id;
	ev.u.fault.gpa = wk->gpa & ((1ull << 52) - 1);
	ev.u.fault.err = wk->shadow ? (uint32_t)wk->err & 0x1f : tdp_fault_err(wk->err);
	ev.u.fault.has_gva = wk->shadow;
	ev.u.fault.gva = wk->gva;
	im->r->faults++;
	return imp_write(im, &ev);
}

/* A new event on the thread ends what was under way there. */
static int close_walk(struct imp *im, uint32_t vcpu)
{
	struct imp_walk *wk = &im->walk[vcpu];

	if (!wk->active)
		return 0;
	if (!wk->shadow) /* kvm_page_fault is a fault even when no SPTE request follows */
		return emit_fault(im, vcpu, wk);
	wk->active = 0;
	if (im->w)
		im->r->walks_no_fault++;
	return 0;
}

static int ev_page_fault(struct imp *im, const struct imp_rec *rec, uint32_t vcpu)
{
	struct imp_walk *wk;
	uint64_t addr, err;
	int rc;

	/* 6.x: "vcpu %u rip 0x%lx address 0x%016llx error_code 0x%llx"; 5.15: "address %lx
	 * error_code %x" (arch/x86/kvm/trace.h, TRACE_EVENT(kvm_page_fault)) */
	if (!body_hex(rec->body, "address ", &addr) || !body_hex(rec->body, "error_code ", &err))
		return imp_malformed(im, "kvm_page_fault: expected 'address A error_code E'");
	if ((rc = close_walk(im, vcpu)) < 0)
		return rc;
	wk = &im->walk[vcpu];
	memset(wk, 0, sizeof(*wk));
	wk->vcpu_id = -1;
	/* On a shadow host (kvm-pvm does not trace it; SVM and VMX without NPT/EPT do, from
	 * kvm_handle_page_fault) this is the #PF exit and its address the guest's CR2. */
	if (im->r->shadow && pf_exit_code(err))
		return 0;
	wk->active = 1;
	wk->gpa = addr & ~0xfffull;
	wk->err = err;
	wk->ts = rec->ts_ns;
	return 0;
}

static int ev_walk(struct imp *im, const struct imp_rec *rec, uint32_t vcpu)
{
	struct imp_walk *wk;
	uint64_t addr, pferr;
	int64_t vcpu_id;
	int rc;

	/* "addr %llx pferr %x %s" (mmutrace.h, kvm_mmu_pagetable_walk) */
	if (!body_hex(rec->body, "addr ", &addr) || !body_hex(rec->body, "pferr ", &pferr))
		return imp_malformed(im, "kvm_mmu_pagetable_walk: expected 'addr A pferr E'");
	wk = &im->walk[vcpu];
	vcpu_id = wk->vcpu_id;
	/* A kvm_page_fault opened before the recording showed itself a shadow one (the first
	 * pass, until its first walk): the #PF exit of this walk, not a fault of its own. */
	if (wk->active && !wk->shadow && pf_exit_code(wk->err) && wk->gpa == (addr & ~0xfffull))
		wk->active = 0;
	if ((rc = close_walk(im, vcpu)) < 0)
		return rc;
	im->r->shadow = 1;
	if (im->w)
		im->r->walks++;
	memset(wk, 0, sizeof(*wk));
	wk->vcpu_id = vcpu_id; /* as the #PF exit before it named it, or -1 */
	wk->active = wk->shadow = 1;
	wk->gva = addr;
	wk->err = pferr;
	wk->ts = rec->ts_ns;
	return 0;
}

static int ev_element(struct imp *im, const struct imp_rec *rec, uint32_t vcpu)
{
	struct imp_walk *wk = &im->walk[vcpu];
	uint64_t pte, level;

	/* "pte %llx level %u" (mmutrace.h, kvm_mmu_paging_element) */
	if (!body_hex(rec->body, "pte ", &pte) || !body_dec(rec->body, "level ", &level) ||
	    level < 1 || level > 5)
		return imp_malformed(im, "kvm_mmu_paging_element: expected 'pte P level L'");
	if (!wk->active || !wk->shadow)
		return 0;
	/* The walk stops at a leaf: level 1, or a PS entry at level 2 or 3. */
	if (level == 1 || ((level == 2 || level == 3) && (pte & PTE_PS))) {
		wk->has_leaf = 1;
		wk->leaf_pte = pte;
		wk->leaf_level = (int)level;
	}
	return 0;
}

static int ev_spte_requested(struct imp *im, const struct imp_rec *rec, uint32_t vcpu)
{
	struct imp_walk *wk = &im->walk[vcpu];
	uint64_t gfn, level;

	/* "gfn %llx pfn %llx level %d" (mmutrace.h, kvm_mmu_spte_requested) */
	if (!body_hex(rec->body, "gfn ", &gfn) || !body_dec(rec->body, "level ", &level))
		return imp_malformed(im, "kvm_mmu_spte_requested: expected 'gfn G pfn P level L'");
	if (!wk->active) {
		imp_count_unused(im, "kvm_mmu_spte_requested (no fault open)", 38);
		return 0;
	}
	wk->level = (int)level;
	wk->gpa = (gfn << 12) | (wk->shadow ? wk->gva & 0xfff : 0);
	return emit_fault(im, vcpu, wk);
}

/*
 * "gfn %llx spte %llx (%s) level %d at %llx" (mmutrace.h, kvm_mmu_set_spte): after a shadow
 * fault, the leaf KVM set, then the neighbours FNAME(pte_prefetch) mapped from their gptes.
 * Each neighbour's place in the shadow table (`at`, the SPTE's address) gives its gva beside
 * the fault's; its gpte was present and Accessed (else no prefetch), Dirty where the SPTE is
 * writable (protect_clean_gpte).  The first pass gathers them as guest pages.
 */
static int ev_set_spte(struct imp *im, const struct imp_rec *rec, uint32_t vcpu)
{
	struct imp_walk *wk = &im->walk[vcpu];
	uint64_t gfn, spte, level, at, gpte;
	int64_t delta;

	if (!body_hex(rec->body, "gfn ", &gfn) || !body_hex(rec->body, "spte ", &spte) ||
	    !body_dec(rec->body, "level ", &level) || !body_hex(rec->body, " at ", &at))
		return imp_malformed(im, "kvm_mmu_set_spte: expected 'gfn G spte S (...) level L "
				     "at A'");
	if (!wk->spte_open || level != 1 || im->w)
		return 0;
	if (!wk->have_at0) {
		if (gfn == wk->fault_gfn) {
			wk->have_at0 = 1;
			wk->at0 = at;
		}
		return 0;
	}
	if ((at >> 12) != (wk->at0 >> 12))
		return 0; /* not in the fault's shadow table */
	delta = ((int64_t)at - (int64_t)wk->at0) / 8;
	gpte = gfn << 12 | 0x1 | PTE_U * !!(spte & PTE_U) | PTE_A |
	       (spte & PTE_W ? PTE_W | PTE_D : 0) | (spte & PTE_NX);
	return gpage_add(im, (wk->fault_gva & ~0xfffull) + (uint64_t)(delta * 4096), gpte, 1);
}

static int ev_walker_error(struct imp *im, uint32_t vcpu)
{
	struct imp_walk *wk = &im->walk[vcpu];

	if (!wk->active || !wk->shadow)
		return 0;
	wk->active = 0;
	if (im->w)
		im->r->walker_errors++;
	return 0;
}

/* "mmu notifier unmap range: %#016lx -- %#016lx" (trace.h, kvm_unmap_hva_range) */
static int ev_unmap(struct imp *im, const struct imp_rec *rec)
{
	const char *p = strstr(rec->body, "range:");
	uint64_t start, end;
	char *e;

	if (!p)
		return imp_malformed(im, "kvm_unmap_hva_range: expected 'range: START -- END'");
	start = strtoull(p + 6, &e, 16);
	p = strstr(e, "--");
	if (!p)
		return imp_malformed(im, "kvm_unmap_hva_range: expected 'range: START -- END'");
	end = strtoull(p + 2, NULL, 16);
	if (!im->o->layout) {
		/* the recorded host addresses mean nothing in an inferred layout */
		imp_count_unused(im, "kvm_unmap_hva_range (no --layout)", 33);
		return 0;
	}
	for (uint32_t i = 0; i < im->nslots; i++) {
		const struct imp_slot *s = &im->slots[i];
		uint64_t a = start > s->hva ? start : s->hva;
		uint64_t b = end < s->hva + s->size ? end : s->hva + s->size;
		tdpsim_event ev;
		int rc;

		a = (a + 4095) & ~4095ull;
		b &= ~4095ull;
		if (a >= b)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.cmd = TDPSIM_CMD_HOST_MADVISE; /* what KVM sees: the notifier's range zapped */
		ev.u.host_madvise.hva = a;
		ev.u.host_madvise.size = b - a;
		ev.u.host_madvise.advice = TDPSIM_ADVICE_DONTNEED;
		if (im->w && (rc = write_advance(im, rec->ts_ns)) < 0)
			return rc;
		if ((rc = imp_write(im, &ev)) < 0)
			return rc;
	}
	return 0;
}

int imp_kvm_event(struct imp *im, const struct imp_rec *rec)
{
	uint32_t vcpu = 0;
	uint64_t id;
	int rc;

	if (im->w)
		im->r->events++;
	if (name_is(rec, "kvm_unmap_hva_range"))
		return ev_unmap(im, rec);
	/* events are told apart by thread (a vCPU is one); kvm_page_fault names its vCPU (6.x) */
	if ((rc = thread_slot(im, rec->thread, &vcpu)) < 0)
		return rc;
	if (name_is(rec, "kvm_page_fault")) {
		rc = ev_page_fault(im, rec, vcpu);
		if (rc >= 0 && body_dec(rec->body, "vcpu ", &id) && id < IMP_MAX_THREADS)
			im->walk[vcpu].vcpu_id = (int64_t)id;
		return rc;
	}
	if (name_is(rec, "kvm_mmu_pagetable_walk"))
		return ev_walk(im, rec, vcpu);
	if (name_is(rec, "kvm_mmu_paging_element"))
		return ev_element(im, rec, vcpu);
	if (name_is(rec, "kvm_mmu_spte_requested"))
		return ev_spte_requested(im, rec, vcpu);
	if (name_is(rec, "kvm_mmu_set_spte"))
		return ev_set_spte(im, rec, vcpu);
	if (name_is(rec, "kvm_mmu_walker_error"))
		return ev_walker_error(im, vcpu);
	if (name_is(rec, "fast_page_fault")) /* fixed without an SPTE request: level unknown */
		return close_walk(im, vcpu);
	imp_count_unused(im, rec->name, rec->name_len);
	return 0;
}

int imp_kvm_finish(struct imp *im)
{
	for (uint32_t i = 0; i < im->nthreads; i++) {
		int rc = close_walk(im, i);

		if (rc < 0)
			return rc;
	}
	return 0;
}
