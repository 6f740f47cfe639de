/* SPDX-License-Identifier: MIT */
/* The public API as it grows (include/tdpsim/). */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "check_main.h"
#include "tdpsim/tdpsim.h"
#include "test_util.h"

static int set(tdpsim_sim *sim, const char *key, const char *value)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_SET };

	ev.u.set.key = key;
	ev.u.set.value = value;
	return tdpsim_sim_apply(sim, &ev);
}

/* A 2M hugetlb memslot and one write fault at gpa 0x1000. */
static void map_one_fault(tdpsim_sim *sim)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_MEMSLOT };

	ev.u.memslot.size = 2 << 20;
	ev.u.memslot.hva = 0x7f0000000000ull;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), 0);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = 0x7f0000000000ull;
	ev.u.backing.size = 2 << 20;
	ev.u.backing.kind = TDPSIM_BACKING_HUGETLB2M;
	ev.u.backing.populate = 1;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), 0);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_FAULT;
	ev.u.fault.gpa = 0x1000;
	ev.u.fault.err = TDPSIM_PFERR_WRITE | TDPSIM_PFERR_USER;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), 0);
}

/* A new simulator calling `h`. */
static tdpsim_sim *sim_with_hooks(const tdpsim_hooks *h)
{
	tdpsim_sim *sim = NULL;

	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, h), 0);
	return sim;
}

START_TEST(options_and_hooks_of_every_released_version_are_accepted)
{
	tdpsim_options o;
	tdpsim_hooks h;
	tdpsim_sim *sim = NULL;

	ck_assert_int_eq(tdpsim_options_init(&o, 1), 0);
	ck_assert_uint_eq(o.version, 1);
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	/* hooks 3 (0.1), 4, 5 and 6 (today) */
	ck_assert_int_eq(tdpsim_hooks_init(&h, 3), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
	ck_assert_int_eq(tdpsim_hooks_init(&h, 4), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
	ck_assert_int_eq(tdpsim_hooks_init(&h, 5), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
	ck_assert_int_eq(tdpsim_hooks_init(&h, TDPSIM_HOOKS_VERSION), 0);
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(versions_past_the_current_one_are_refused_with_a_message)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	tdpsim_sim *sim = NULL;

	ck_assert_int_eq(tdpsim_options_init(&o, TDPSIM_OPTIONS_VERSION + 1), TDPSIM_EINVAL);
	o.version = TDPSIM_OPTIONS_VERSION + 1;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), TDPSIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "options version"));
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	h.version = TDPSIM_HOOKS_VERSION + 1;
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), TDPSIM_EINVAL);
	h.version = 2; /* never released */
	ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), TDPSIM_EINVAL);
	ck_assert_int_eq(tdpsim_hooks_init(&h, 2), TDPSIM_EINVAL);
	tdpsim_sim_free(sim);
}
END_TEST


struct seen {
	tdpsim_mmu_kind fault_mmu, spte_mmu;
	uint32_t fault_role, leaf_role;
	int is_tdp, faults, leaves;
};

static void on_fault(const tdpsim_fault *f, void *payload)
{
	struct seen *s = payload;

	s->fault_mmu = f->mmu;
	s->fault_role = f->root_role;
	s->is_tdp = f->is_tdp;
	s->faults++;
}

static void on_spte_event(const tdpsim_spte_change *c, void *payload)
{
	struct seen *s = payload;

	if (c->level != 2 || !(c->new_spte & (1ull << 7))) /* the 2M leaf */
		return;
	s->spte_mmu = c->mmu;
	s->leaf_role = c->role;
	s->leaves++;
}

/* A 2M write fault under tdp_mmu=`tdp_mmu`: what the hooks say of it. */
static struct seen fault_under(const char *tdp_mmu)
{
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	struct seen s = { 0 };
	tdpsim_sim *sim = NULL;

	h.on_fault = on_fault;
	h.on_spte_event = on_spte_event;
	h.payload = &s;
	sim = sim_with_hooks(&h);
	ck_assert_int_eq(set(sim, "tdp_mmu", tdp_mmu), 0);
	map_one_fault(sim);
	tdpsim_sim_free(sim);
	return s;
}

START_TEST(hooks_say_which_mmu_and_role_a_fault_and_an_spte_belong_to)
{
	struct seen tdp = fault_under("1"), legacy = fault_under("0");

	/* Both roots: direct, level 4 (kvm_calc_tdp_mmu_root_page_role), ACC_ALL; the 2M leaf
	 * sits in a level-2 page of the same role a level down. */
	ck_assert_int_eq(tdp.faults, 1);
	ck_assert_int_eq(tdp.fault_mmu, TDPSIM_MMU_TDP);
	ck_assert_int_eq(tdp.is_tdp, 1);
	ck_assert_uint_eq(TDPSIM_ROLE_LEVEL(tdp.fault_role), 4);
	ck_assert_uint_eq(TDPSIM_ROLE_DIRECT(tdp.fault_role), 1);
	ck_assert_uint_eq(TDPSIM_ROLE_ACCESS(tdp.fault_role), 7);
	ck_assert_int_eq(tdp.leaves, 1);
	ck_assert_int_eq(tdp.spte_mmu, TDPSIM_MMU_TDP);
	ck_assert_uint_eq(TDPSIM_ROLE_LEVEL(tdp.leaf_role), 2);
	ck_assert_uint_eq(tdp.leaf_role & ~0xfu, tdp.fault_role & ~0xfu);
	ck_assert_int_eq(legacy.fault_mmu, TDPSIM_MMU_LEGACY_TDP);
	ck_assert_int_eq(legacy.spte_mmu, TDPSIM_MMU_LEGACY_TDP);
	ck_assert_int_eq(legacy.leaves, 1);
	ck_assert_uint_eq(legacy.fault_role, tdp.fault_role);
	ck_assert_uint_eq(legacy.leaf_role, tdp.leaf_role);
}
END_TEST

/* Replay `text` (a trace) on sim; the events replayed or a negative code. */
static int64_t replay_text(tdpsim_sim *sim, const char *text)
{
	const char *path = write_file(scratch_dir(), "t.tdpt", text);
	tdpsim_trace *t = NULL;
	int64_t n;

	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	n = tdpsim_sim_replay(sim, t, NULL, NULL);
	tdpsim_trace_free(t);
	return n;
}

/* 128 guest 4K pages (512K) read in order twice, on skylake-sp: a dTLB of 64 4K entries in
 * 4 ways (16 sets, true LRU) and an STLB of 1536 in 12 ways (128 sets, index vpn bits 0-6
 * xor 7-13), models/cpu/skylake-sp.ini. */
static const char two_sweeps[] =
	"tdpsim-trace 1\n"
	"set cpu=skylake-sp\n"
	"memslot slot=0 gpa=0 size=64M hva=0x7f0000000000\n"
	"backing hva=0x7f0000000000 size=64M kind=4k\n"
	"guest-pt gpa=0x100000 size=1M\n"
	"guest-map gva=0x40000000 gpa=0x1000000 size=512K page=4k prot=rw user=1 ad=1\n"
	"sweep vcpu=0 gva=0x40000000 len=512K stride=4K op=r\n"
	"mark label=first\n"
	"sweep vcpu=0 gva=0x40000000 len=512K stride=4K op=r\n";

/* L2 reads through a table page EPT12 does not map, then (mapped) writes to a data page
 * EPT12 maps read-only, then leaves by the trace's l2-exit.  L2's tables are the first
 * pages of its guest-pt region, in walk order: PML4 0x200000, PDPT 0x201000, PD 0x202000,
 * PT 0x203000. */
static const char nested_exits[] =
	"tdpsim-trace 3\n"
	"memslot slot=0 gpa=0 size=64M hva=0x7f0000000000\n"
	"backing hva=0x7f0000000000 size=64M kind=4k\n"
	"guest-pt gpa=0x100000 size=1M\n"
	"guest-pt gpa=0x200000 size=1M l2=1\n"
	"guest-map gva=0x40000000 gpa=0x1000000 size=4K page=4k user=1 ad=1 l2=1\n"
	"ept12-map ept=0 l2gpa=0x200000 gpa=0x800000 size=12K page=4k ad=1\n"
	"ept12-map ept=0 l2gpa=0x1000000 gpa=0x2000000 size=4K page=4k prot=r ad=1\n"
	"l2-enter vcpu=0 ept=0\n"
	"access vcpu=0 gva=0x40000000 op=r\n"
	"ept12-map ept=0 l2gpa=0x203000 gpa=0x803000 size=4K page=4k ad=1\n"
	"l2-enter vcpu=0 ept=0\n"
	"access vcpu=0 gva=0x40000000 op=w\n"
	"l2-enter vcpu=0 ept=0\n"
	"l2-exit vcpu=0\n";

/* An older caller's struct is a prefix of today's: a version-3 one ends at payload, a
 * version-4 one at on_spte_event, a version-5 one at on_walk.  Callbacks set beyond that prefix must never run. */
static int beyond_calls;

static void beyond_spte_event(const tdpsim_spte_change *c, void *payload)
{
	(void)c;
	(void)payload;
	beyond_calls++;
}

static void beyond_tlb_miss(const tdpsim_tlb_miss *m, void *payload)
{
	(void)m;
	(void)payload;
	beyond_calls++;
}

static void beyond_walk(const tdpsim_walk *w, void *payload)
{
	(void)w;
	(void)payload;
	beyond_calls++;
}

static void beyond_nested_exit(const tdpsim_nested_exit *e, void *payload)
{
	(void)e;
	(void)payload;
	beyond_calls++;
}

START_TEST(an_older_hooks_struct_is_read_no_further_than_it_reaches)
{
	unsigned version = 3 + (unsigned)_i; /* 3 (0.1), 4, 5 */
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	tdpsim_sim *sim = NULL;

	h.version = version;
	if (version < 4)
		h.on_spte_event = beyond_spte_event;
	if (version < 5) {
		h.on_tlb_miss = beyond_tlb_miss;
		h.on_walk = beyond_walk;
	}
	h.on_nested_exit = beyond_nested_exit;
	beyond_calls = 0;
	sim = sim_with_hooks(&h);
	/* the sweeps change SPTEs, miss in the TLBs and walk; L2 exits: every callback would
	 * run */
	ck_assert_int_gt(replay_text(sim, two_sweeps), 0);
	tdpsim_sim_free(sim);
	sim = sim_with_hooks(&h);
	ck_assert_int_gt(replay_text(sim, nested_exits), 0);
	ck_assert_int_eq(beyond_calls, 0);
	tdpsim_sim_free(sim);
}
END_TEST

struct tlb_seen {
	unsigned l1[2], stlb[2];   /* misses by TLB, before and after the mark */
	unsigned not_4k, permission, not_vcpu0, fetch;
	unsigned walks, walks_ok, walks_ept, walks_guest_pf, walks_other;
	uint64_t refs, refs_cached;
	int phase;
};

static void on_tlb_miss_seen(const tdpsim_tlb_miss *m, void *payload)
{
	struct tlb_seen *s = payload;

	if (m->tlb == TDPSIM_TLB_L1)
		s->l1[s->phase]++;
	else
		s->stlb[s->phase]++;
	s->not_4k += m->page_level != 1;
	s->permission += m->permission != 0;
	s->not_vcpu0 += m->vcpu != 0;
	s->fetch += m->op == TDPSIM_OP_EXEC;
}

static void on_walk_seen(const tdpsim_walk *w, void *payload)
{
	struct tlb_seen *s = payload;

	s->walks++;
	s->refs += w->refs;
	s->refs_cached += w->refs_cached;
	if (w->result == TDPSIM_WALK_OK && w->page_level == 1 && w->two_dimensional &&
	    w->gpa == 0x1000000 + (w->gva - 0x40000000))
		s->walks_ok++;
	else if (w->result == TDPSIM_WALK_EPT_VIOLATION && w->error_code)
		s->walks_ept++;
	else if (w->result == TDPSIM_WALK_GUEST_PF)
		s->walks_guest_pf++;
	else
		s->walks_other++;
}

static void on_mark_phase(const char *label, const tdpsim_stats *st, void *payload)
{
	(void)label;
	(void)st;
	((struct tlb_seen *)payload)->phase = 1;
}

START_TEST(tlb_miss_and_walk_hooks_see_each_miss_and_walk_as_the_stats_count_them)
{
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	struct tlb_seen s = { 0 };
	tdpsim_sim *sim = NULL;
	tdpsim_stats st;

	h.on_tlb_miss = on_tlb_miss_seen;
	h.on_walk = on_walk_seen;
	h.on_mark = on_mark_phase;
	h.payload = &s;
	sim = sim_with_hooks(&h);
	ck_assert_int_gt(replay_text(sim, two_sweeps), 0);
	tdpsim_sim_stats(sim, &st);
	/* First sweep: nothing cached, so every page is walked and filled once - 128 STLB
	 * misses (the walks that ended in an EPT violation fill nothing: the access retries). */
	ck_assert_uint_eq(s.stlb[0], 128);
	ck_assert_uint_eq(s.l1[0], 0);
	/* Second: 128 pages in order through 16 sets of 4 LRU ways is 8 per set in a cycle,
	 * so the dTLB misses each; the STLB's 128 sets hold one page each (vpns 0x40000..
	 * 0x4007f: bits 7-13 are 0, bits 0-6 all differ): 128 STLB hits, no walk. */
	ck_assert_uint_eq(s.l1[1], 128);
	ck_assert_uint_eq(s.stlb[1], 0);
	ck_assert_uint_eq(s.not_4k + s.permission + s.not_vcpu0 + s.fetch, 0);
	/* One call per counted miss, one per walk, with the references the stats sum. */
	ck_assert_uint_eq(st.stlb_misses, 128);
	ck_assert_uint_eq(st.stlb_hits, 128);
	ck_assert_uint_eq(s.walks_ok, 128);
	ck_assert_uint_gt(s.walks_ept, 0); /* the first touches of EPT: violations, then KVM */
	ck_assert_uint_eq(s.walks_guest_pf + s.walks_other, 0);
	ck_assert_uint_eq(s.refs, st.walk_refs);
	ck_assert_uint_eq(s.refs_cached, st.walk_refs_cached);
	tdpsim_sim_free(sim);
}
END_TEST

struct exits_seen {
	unsigned n;
	tdpsim_nested_exit e[4];
};

static void on_nested_exit_seen(const tdpsim_nested_exit *e, void *payload)
{
	struct exits_seen *s = payload;

	if (s->n < 4)
		s->e[s->n] = *e;
	s->n++;
}

static void exit_is(const tdpsim_nested_exit *e, int reason, uint64_t qual, uint64_t gpa,
		    uint64_t gla)
{
	ck_assert_uint_eq(e->vcpu, 0);
	ck_assert_int_eq(e->reason, reason);
	ck_assert_msg(e->exit_qualification == qual, "qualification 0x%llx, wanted 0x%llx",
		      (unsigned long long)e->exit_qualification, (unsigned long long)qual);
	ck_assert_uint_eq(e->guest_physical_address, gpa);
	ck_assert_uint_eq(e->guest_linear_address, gla);
}

START_TEST(nested_exit_hook_gives_vmcs12s_exit_reason_qualification_and_addresses)
{
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	struct exits_seen s = { 0 };
	tdpsim_sim *sim = NULL;
	tdpsim_stats st;

	h.on_nested_exit = on_nested_exit_seen;
	h.payload = &s;
	sim = sim_with_hooks(&h);
	ck_assert_int_gt(replay_text(sim, nested_exits), 0);
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(st.nested_vmexits, 3);
	ck_assert_uint_eq(st.nested_ept_violations, 2);
	/* The read of L2's PT page, which EPT12 does not map: an EPT violation (48) for the
	 * table's gpa.  The qualification (vmx.h EPT_VIOLATION_*): with EPT A/D on (l2-enter's
	 * ad=1: EPT02 has them too), an access to a guest paging-structure entry counts as a write, and its violation
	 * sets bits 0 and 1; bits 5:3 are the AND of the EPT12 entries' R/W/X down to the one
	 * that stopped the walk - not present, so 0 (KVM's FNAME(walk_addr_generic) ANDs each
	 * entry in before testing it); bit 7 the linear address is valid; bit 8 clear: the gpa
	 * was an entry of L2's own walk, not the data (bits 7:8 come from the hardware exit,
	 * nested_ept_inject_page_fault). */
	exit_is(&s.e[0], TDPSIM_NESTED_EXIT_EPT_VIOLATION,
		TDPSIM_EPT_QUAL_READ | TDPSIM_EPT_QUAL_WRITE | TDPSIM_EPT_QUAL_GLA_VALID, 0x203000,
		0x40000000);
	/* The write to the data page EPT12 maps read-only: bit 1 a write; bits 5:3 read only
	 * (0x8, the AND of RWX upper entries and the R leaf); bits 7 and 8: the data's gpa. */
	exit_is(&s.e[1], TDPSIM_NESTED_EXIT_EPT_VIOLATION,
		TDPSIM_EPT_QUAL_WRITE | TDPSIM_EPT_QUAL_READABLE | TDPSIM_EPT_QUAL_GLA_VALID |
		TDPSIM_EPT_QUAL_GLA_FINAL, 0x1000000, 0x40000000);
	/* The trace's l2-exit names no reason and no address. */
	exit_is(&s.e[2], TDPSIM_NESTED_EXIT_BY_TRACE, 0, 0, 0);
	tdpsim_sim_free(sim);
}
END_TEST

/* The same first exit when L1's EPTP leaves EPT A/D off: EPT02 has none either
 * (construct_eptp), the table access is a plain read: bit 0 alone, with bit 7. */
/* Every event of `text` applied, refused or not; the last one's return. */
static int apply_each(tdpsim_sim *sim, const char *text)
{
	const char *path = write_file(scratch_dir(), "t.tdpt", text);
	tdpsim_trace *t = NULL;
	tdpsim_event ev;
	int rc = 0;

	ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
	while (tdpsim_trace_next(t, &ev) > 0)
		rc = tdpsim_sim_apply(sim, &ev);
	tdpsim_trace_free(t);
	return rc;
}

/* KVM shadows EPT12 from L1's memory (mmu_alloc_shadow_roots): with no memslot under its
 * root there is nothing to shadow, and the l2-enter is refused - before it changes anything:
 * with the memory added after it, the rest runs as it would have without it, digest for
 * digest.  (Tables are declared without memory; only their use needs it.) */
START_TEST(an_l2_enter_refused_for_an_ept12_root_outside_memory_changes_nothing)
{
	const char *tables = strstr(nested_exits, "guest-pt gpa=0x100000");
	const char *enter = strstr(nested_exits, "l2-enter");
	const char *memory = strstr(nested_exits, "memslot");
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim = NULL, *plain = NULL;
	char text[sizeof(nested_exits) + 64];
	int n;

	o.check = 1;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(tdpsim_sim_new(&plain, &o), 0);
	n = snprintf(text, sizeof(text), "tdpsim-trace 3\n%.*s", (int)(enter - tables), tables);
	ck_assert_int_eq(apply_each(plain, text), 0);
	snprintf(text + n, sizeof(text) - (size_t)n, "l2-enter vcpu=0 ept=0\n");
	ck_assert_int_eq(apply_each(sim, text), TDPSIM_EINPUT);
	ck_assert_msg(strstr(tdpsim_error_last()->message, "EPT12 root"), "%s",
		      tdpsim_error_last()->message);
	snprintf(text, sizeof(text), "tdpsim-trace 3\n%.*s%s", (int)(tables - memory), memory,
		 enter);
	ck_assert_int_eq(apply_each(sim, text), 0);
	ck_assert_int_eq(apply_each(plain, text), 0);
	ck_assert_uint_eq(tdpsim_sim_digest(sim), tdpsim_sim_digest(plain));
	tdpsim_sim_free(sim);
	tdpsim_sim_free(plain);
}
END_TEST

START_TEST(without_ept_ad_an_l2_table_access_is_a_read_for_ept)
{
	char text[2 * sizeof(nested_exits) + 64]; /* room the compiler can prove */
	const char *first = strstr(nested_exits, "l2-enter vcpu=0 ept=0\n");
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	struct exits_seen s = { 0 };
	tdpsim_sim *sim = NULL;

	ck_assert_ptr_nonnull(first);
	snprintf(text, sizeof(text), "%.*sl2-enter vcpu=0 ept=0 ad=0\n%s",
		 (int)(first - nested_exits), nested_exits,
		 first + strlen("l2-enter vcpu=0 ept=0\n"));
	h.on_nested_exit = on_nested_exit_seen;
	h.payload = &s;
	sim = sim_with_hooks(&h);
	ck_assert_int_gt(replay_text(sim, text), 0);
	ck_assert_uint_ge(s.n, 1);
	exit_is(&s.e[0], TDPSIM_NESTED_EXIT_EPT_VIOLATION,
		TDPSIM_EPT_QUAL_READ | TDPSIM_EPT_QUAL_GLA_VALID, 0x203000, 0x40000000);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(a_write_to_a_page_read_clean_is_a_permission_miss)
{
	/* ad=0: the read's walk sets A only, so its entry does not permit writes (the
	 * processor sets D by walking again, SDM 4.8): the write hits the L1 dTLB and walks. */
	static const char text[] =
		"tdpsim-trace 1\n"
		"memslot slot=0 gpa=0 size=64M hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=64M kind=4k\n"
		"guest-pt gpa=0x100000 size=1M\n"
		"guest-map gva=0x40000000 gpa=0x1000000 size=4K page=4k prot=rw user=1 ad=0\n"
		"access vcpu=0 gva=0x40000000 op=r\n"
		"access vcpu=0 gva=0x40000000 op=w\n";
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	struct tlb_seen s = { 0 };
	tdpsim_sim *sim = NULL;

	h.on_tlb_miss = on_tlb_miss_seen;
	h.payload = &s;
	sim = sim_with_hooks(&h);
	ck_assert_int_gt(replay_text(sim, text), 0);
	ck_assert_uint_eq(s.stlb[0], 2);
	ck_assert_uint_eq(s.permission, 1);
	tdpsim_sim_free(sim);
}
END_TEST

static uint64_t g_code64;
static int g_goal, g_result;

static void on_fault_code(const tdpsim_fault *f, void *payload)
{
	(void)payload;
	g_code64 = f->error_code64;
	g_goal = f->goal_level;
	g_result = f->result;
}

START_TEST(a_fault_keeps_kvms_64_bit_error_code_and_decides_by_its_low_bits)
{
	/* An EPT violation on the guest's final translation (VMX sets PFERR_GUEST_FINAL from
	 * the exit qualification, __vmx_handle_ept_violation): KVM's descriptor takes the
	 * whole u64, and decides write/exec/present/user from bits 0-4 alone - the same 2M
	 * mapping as without the bit. */
	static const char base[] =
		"tdpsim-trace 1\n"
		"memslot slot=0 gpa=0 size=2M hva=0x7f0000000000\n"
		"backing hva=0x7f0000000000 size=2M kind=hugetlb2m populate=1\n";
	char text[512];
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;
	tdpsim_sim *sim = NULL;
	int goal[2], result[2];

	h.on_fault = on_fault_code;
	for (int i = 0; i < 2; i++) {
		snprintf(text, sizeof(text), "%sfault vcpu=0 gpa=0x1000 err=%s\n", base,
			 i ? "0x100000006" : "0x6");
		ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
		ck_assert_int_eq(tdpsim_sim_set_hooks(sim, &h), 0);
		ck_assert_int_gt(replay_text(sim, text), 0);
		ck_assert_uint_eq(g_code64, i ? 0x100000006ull : 0x6ull);
		goal[i] = g_goal;
		result[i] = g_result;
		tdpsim_sim_free(sim);
	}
	ck_assert_int_eq(goal[0], 2);
	ck_assert_int_eq(goal[1], goal[0]);
	ck_assert_int_eq(result[1], result[0]);
}
END_TEST

START_TEST(the_model_sets_are_listed_with_their_fields)
{
	char buf[64];

	/* models/kvm: 5.10 5.15 6.1 6.6 6.12 6.18, in version order */
	ck_assert_uint_eq(tdpsim_model_count(TDPSIM_MODEL_KERNEL_PROFILE), 6);
	ck_assert_str_eq(tdpsim_model_name(TDPSIM_MODEL_KERNEL_PROFILE, 0), "5.10");
	ck_assert_str_eq(tdpsim_model_name(TDPSIM_MODEL_KERNEL_PROFILE, 5), "6.18");
	ck_assert_ptr_null(tdpsim_model_name(TDPSIM_MODEL_KERNEL_PROFILE, 6));
	ck_assert_str_eq(tdpsim_model_field_name(TDPSIM_MODEL_KERNEL_PROFILE, 0), "tdp_mmu_default");
	ck_assert_int_eq(tdpsim_model_field_value(TDPSIM_MODEL_KERNEL_PROFILE, 0, 0, buf,
						  sizeof(buf)), 5);
	ck_assert_str_eq(buf, "false"); /* 5.10 ran the legacy MMU by default */
	ck_assert_uint_ge(tdpsim_model_count(TDPSIM_MODEL_CPU), 5);
	ck_assert_ptr_nonnull(tdpsim_model_description(TDPSIM_MODEL_CPU, 0));
	ck_assert_uint_gt(tdpsim_model_field_count(TDPSIM_MODEL_CPU), 10);
	ck_assert_int_eq(tdpsim_model_field_value(TDPSIM_MODEL_CPU, 99, 0, buf, sizeof(buf)),
			 TDPSIM_EINVAL);
}
END_TEST

/* ---- the resource budget ---- */

static void apply_ok(tdpsim_sim *sim, const tdpsim_event *ev)
{
	int rc = tdpsim_sim_apply(sim, ev);

	ck_assert_msg(rc == 0, "%s: %s", tdpsim_cmd_name(ev->cmd),
		      rc ? tdpsim_error_last()->message : "");
}

static void memslot(tdpsim_sim *sim, uint32_t slot, uint64_t gpa, uint64_t size, uint64_t hva)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_MEMSLOT };

	ev.u.memslot.slot = slot;
	ev.u.memslot.gpa = gpa;
	ev.u.memslot.size = size;
	ev.u.memslot.hva = hva;
	apply_ok(sim, &ev);
}

static int backing(tdpsim_sim *sim, uint64_t hva, uint64_t size, uint32_t kind)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_BACKING };

	ev.u.backing.hva = hva;
	ev.u.backing.size = size;
	ev.u.backing.kind = kind;
	ev.u.backing.populate = 1;
	return tdpsim_sim_apply(sim, &ev);
}

START_TEST(an_options_struct_of_version_1_is_read_and_filled_no_further_than_it_reaches)
{
	unsigned char buf[sizeof(tdpsim_options)];
	tdpsim_options *o = (tdpsim_options *)buf;
	size_t v1 = offsetof(tdpsim_options, max_memory);
	tdpsim_sim *sim = NULL;

	memset(buf, 0xa5, sizeof(buf));
	ck_assert_int_eq(tdpsim_options_init(o, 1), 0);
	for (size_t i = v1; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0xa5);
	/* A version-1 caller has no budget fields: what lies there is not read (a budget of
	 * 1 byte and 1 unit would refuse the first event). */
	o->max_memory = 1;
	o->max_work = 1;
	ck_assert_int_eq(tdpsim_sim_new(&sim, o), 0);
	memslot(sim, 0, 0, 1ull << 30, 0x7f0000000000ull);
	ck_assert_int_eq(backing(sim, 0x7f0000000000ull, 1ull << 30, TDPSIM_BACKING_4K), 0);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(the_work_budget_counts_each_event_before_it_runs)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_event ev = { .cmd = TDPSIM_CMD_GUEST_PT };
	tdpsim_sim *sim = NULL;
	tdpsim_stats st;
	uint64_t work;

	/* 1 (memslot) + 512 (1G of 2M pages populated) + 1 (guest-pt) + 1 (one 2M page
	 * mapped) + 16 (a 64K sweep at 4K) = 531 */
	o.max_work = 531;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	memslot(sim, 0, 0, 1ull << 30, 0x7f0000000000ull);
	ck_assert_int_eq(backing(sim, 0x7f0000000000ull, 1ull << 30, TDPSIM_BACKING_HUGETLB2M), 0);
	ev.u.guest_pt.gpa = 0x3ff00000;
	ev.u.guest_pt.size = 1 << 20;
	apply_ok(sim, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_MAP;
	ev.u.guest_map.gva = 0x40000000;
	ev.u.guest_map.size = 2 << 20;
	ev.u.guest_map.page_level = 2;
	ev.u.guest_map.prot = TDPSIM_PROT_R | TDPSIM_PROT_W;
	apply_ok(sim, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_SWEEP;
	ev.u.sweep.gva = 0x40000000;
	ev.u.sweep.len = 64 << 10;
	ev.u.sweep.stride = 4096;
	ev.u.sweep.repeat = 1;
	apply_ok(sim, &ev);
	tdpsim_sim_budget_used(sim, NULL, &work);
	ck_assert_uint_eq(work, 531);
	/* one access more is past it: refused before it runs */
	ev.u.sweep.len = 4096;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), TDPSIM_ELIMIT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "after the 531 done"));
	tdpsim_sim_stats(sim, &st);
	ck_assert_uint_eq(st.accesses, 16);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(an_event_of_one_unit_at_the_budgets_end_is_refused_naming_it)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_event ev = { .cmd = TDPSIM_CMD_GUEST_PT };
	tdpsim_sim *sim = NULL;
	uint64_t work;

	/* the memslot is the one unit of the budget; the guest-pt after it, one unit too (it
	 * takes the inline path), would pass it and is refused before it runs */
	o.max_work = 1;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	memslot(sim, 0, 0, 1ull << 30, 0x7f0000000000ull);
	ev.u.guest_pt.gpa = 0x3ff00000;
	ev.u.guest_pt.size = 1 << 20;
	ck_assert_int_eq(tdpsim_sim_apply(sim, &ev), TDPSIM_ELIMIT);
	ck_assert_str_eq(tdpsim_error_last()->message,
			 "guest-pt of 1 event is 1 units of work; after the 1 done that passes the "
			 "work budget of 1 (--max-work)");
	tdpsim_sim_budget_used(sim, NULL, &work);
	ck_assert_uint_eq(work, 1);
	tdpsim_sim_free(sim);
}
END_TEST

/* A memslot made and deleted, with dirty logging on between, under `mmu`: the memory the
 * budget counts comes back to what it was. */
static void slot_comes_and_goes(const char *mmu)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_event ev = { .cmd = TDPSIM_CMD_DIRTY_LOG };
	tdpsim_sim *sim = NULL;
	uint64_t before, during, after;

	o.mmu = mmu;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	memslot(sim, 0, 0, 1ull << 30, 0x7f0000000000ull); /* the slot arrays exist from here */
	tdpsim_sim_budget_used(sim, &before, NULL);
	memslot(sim, 1, 1ull << 32, 1ull << 30, 0x7f8000000000ull);
	ev.u.dirty_log.slot = 1;
	ev.u.dirty_log.on = 1;
	apply_ok(sim, &ev);
	tdpsim_sim_budget_used(sim, &during, NULL);
	/* at least the dirty bitmap (2^18 pages / 8) and the lpage_info (512 counters) */
	ck_assert_uint_ge(during - before, (1u << 18) / 8 + 512 * 4);
	memslot(sim, 1, 1ull << 32, 0, 0x7f8000000000ull);
	tdpsim_sim_budget_used(sim, &after, NULL);
	ck_assert_uint_eq(after, before);
	tdpsim_sim_free(sim);
}

START_TEST(a_deleted_memslot_gives_its_metadata_back_to_the_budget)
{
	slot_comes_and_goes("tdp");
	slot_comes_and_goes("shadow"); /* with rmaps and write tracking */
}
END_TEST

START_TEST(a_populate_past_the_memory_budget_is_refused_before_it_starts)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim = NULL;
	uint64_t before, after;

	o.max_memory = 4 << 20;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	memslot(sim, 0, 0, 1ull << 30, 0x7f0000000000ull);
	tdpsim_sim_budget_used(sim, &before, NULL);
	ck_assert_uint_lt(before, 2 << 20);
	/* 4 GiB of 4K pages: 2^20 pages, 2048 PTE tables and 4 PMD tables of 4K, 8 MiB */
	ck_assert_int_eq(backing(sim, 0x100000000000ull, 4ull << 30, TDPSIM_BACKING_4K),
			 TDPSIM_ENOMEM);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message,
				     "needs 8.0 MiB more for the host page tables"));
	tdpsim_sim_budget_used(sim, &after, NULL);
	ck_assert_uint_eq(after, before);
	/* 256 MiB: 64 + 1 tables, 260 KiB (a pool chunk more at most): it fits */
	ck_assert_int_eq(backing(sim, 0x100000000000ull, 256ull << 20, TDPSIM_BACKING_4K), 0);
	tdpsim_sim_free(sim);
}
END_TEST

/* A nested run under every memory budget up to what it needs: each event either runs or is
 * refused (out of memory, or made impossible by an earlier refusal), and the simulator's invariants (--check) hold after each - an
 * allocation that fails half way (EPT12's tables, L2's shadow root, the rmaps its first
 * shadow page brings) leaves nothing broken. */
START_TEST(every_memory_budget_refuses_a_nested_run_cleanly_or_runs_it)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	const char *path = write_file(scratch_dir(), "t.tdpt", nested_exits);
	tdpsim_sim *sim = NULL;
	uint64_t need;
	unsigned refused = 0;

	o.check = 1;
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_gt(replay_text(sim, nested_exits), 0);
	tdpsim_sim_budget_used(sim, &need, NULL);
	tdpsim_sim_free(sim);
	for (unsigned step = 1; step <= 64; step++) {
		tdpsim_trace *t = NULL;
		tdpsim_event ev;

		o.max_memory = need * step / 64;
		ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
		ck_assert_int_eq(tdpsim_trace_open(&t, path), 0);
		while (tdpsim_trace_next(t, &ev) > 0) {
			int rc = tdpsim_sim_apply(sim, &ev);

			/* out of memory, or input a refused event left impossible (an l2-enter
			 * on an EPT12 that has no tables) */
			ck_assert_msg(rc == 0 || rc == TDPSIM_ENOMEM || rc == TDPSIM_EINPUT,
				      "budget %" PRIu64 ", %s: %s", o.max_memory,
				      tdpsim_cmd_name(ev.cmd), tdpsim_error_last()->message);
			refused += rc == TDPSIM_ENOMEM;
		}
		tdpsim_trace_free(t);
		tdpsim_sim_free(sim);
	}
	ck_assert_uint_gt(refused, 0);
}
END_TEST

START_TEST(pf_counters_before_5_19_are_absent_except_pf_fixed)
{
	size_t taken = (size_t)tdpsim_stats_find("pf_taken");
	size_t fixed = (size_t)tdpsim_stats_find("pf_fixed");
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim = NULL;

	o.kvm = "5.15"; /* 5.19 brought pf_taken, pf_fast, pf_spurious, pf_emulate, ... */
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(tdpsim_sim_stat_present(sim, taken), 0);
	ck_assert_int_eq(tdpsim_sim_stat_present(sim, fixed), 1);
	ck_assert_int_eq(tdpsim_sim_vcpu_stat_present(sim, 0), 0); /* vCPU stat 0 is pf_taken */
	ck_assert_str_eq(tdpsim_vcpu_stats_name(0), "pf_taken");
	tdpsim_sim_free(sim);
	o.kvm = "6.1";
	ck_assert_int_eq(tdpsim_sim_new(&sim, &o), 0);
	ck_assert_int_eq(tdpsim_sim_stat_present(sim, taken), 1);
	tdpsim_sim_free(sim);
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");

	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, options_and_hooks_of_every_released_version_are_accepted);
	tcase_add_test(tc, versions_past_the_current_one_are_refused_with_a_message);
	tcase_add_test(tc, hooks_say_which_mmu_and_role_a_fault_and_an_spte_belong_to);
	tcase_add_loop_test(tc, an_older_hooks_struct_is_read_no_further_than_it_reaches, 0, 3);
	tcase_add_test(tc, tlb_miss_and_walk_hooks_see_each_miss_and_walk_as_the_stats_count_them);
	tcase_add_test(tc, nested_exit_hook_gives_vmcs12s_exit_reason_qualification_and_addresses);
	tcase_add_test(tc, an_l2_enter_refused_for_an_ept12_root_outside_memory_changes_nothing);
	tcase_add_test(tc, without_ept_ad_an_l2_table_access_is_a_read_for_ept);
	tcase_add_test(tc, a_write_to_a_page_read_clean_is_a_permission_miss);
	tcase_add_test(tc, a_fault_keeps_kvms_64_bit_error_code_and_decides_by_its_low_bits);
	tcase_add_test(tc, the_model_sets_are_listed_with_their_fields);
	tcase_add_test(tc, an_options_struct_of_version_1_is_read_and_filled_no_further_than_it_reaches);
	tcase_add_test(tc, the_work_budget_counts_each_event_before_it_runs);
	tcase_add_test(tc, an_event_of_one_unit_at_the_budgets_end_is_refused_naming_it);
	tcase_add_test(tc, a_deleted_memslot_gives_its_metadata_back_to_the_budget);
	tcase_add_test(tc, a_populate_past_the_memory_budget_is_refused_before_it_starts);
	tcase_add_test(tc, pf_counters_before_5_19_are_absent_except_pf_fixed);
	tcase_add_test(tc, every_memory_budget_refuses_a_nested_run_cleanly_or_runs_it);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(api_suite)
