/* SPDX-License-Identifier: MIT */
/*
 * CPU models (libtdpsim/cpu/model.c, models/cpu/<name>.ini): the built-in models load, in
 * file-name order, with the iTLB-multihit status the kernel gives each part and the TLB
 * geometry the public sources give (the expectations below come from those sources -
 * models/cpu/README.md names them - never from the files); every value line of a built-in file
 * names its source; malformed model files give errors that name the file and the line; the
 * cpu setting takes the built-in names and model files.
 */
#include <ini.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "core/error.h"
#include "cpu/model.h"
#include "tdpsim/tdpsim.h"
#include "test_util.h"

#ifndef TDPSIM_SOURCE_DIR
#error "TDPSIM_SOURCE_DIR: the source tree (tests/unit/cpu_model.cmake defines it)"
#endif

/* In file-name order. */
static const char *const names[] = { "icelake-server", "sapphire-rapids", "skylake-sp", "zen3",
				     "zen4" };
#define NNAMES (sizeof(names) / sizeof(names[0]))

static const struct cpu_model *model(const char *name)
{
	const struct cpu_model *m = cpu_model_lookup(name);

	ck_assert_msg(m != NULL, "no built-in model %s", name);
	return m;
}

static void geometry_is(const struct tlb_geometry *g, uint32_t entries, uint32_t ways,
			const char *what)
{
	ck_assert_msg(g->entries == entries && g->ways == ways, "%s: %u/%u, wanted %u/%u", what,
		      g->entries, g->ways, entries, ways);
}

/* ---- the built-in models ---- */

START_TEST(every_builtin_model_loads_in_file_name_order)
{
	size_t n = cpu_model_count();

	ck_assert_uint_eq(n, NNAMES);
	for (size_t i = 0; i < n; i++) {
		const struct cpu_model *m = cpu_model_at(i);
		size_t id = 99;

		ck_assert_str_eq(m->name, names[i]);
		ck_assert_msg(strlen(m->description) > 10, "%s: description '%s'", m->name,
			      m->description);
		ck_assert_ptr_eq(cpu_model_lookup(names[i]), m);
		ck_assert_int_eq(cpu_model_resolve(names[i], &id), 0);
		ck_assert_uint_eq(id, i);
		ck_assert_ptr_eq(cpu_model_by_id(id), m);
		if (i)
			ck_assert_int_lt(strcmp(cpu_model_at(i - 1)->name, m->name), 0);
	}
	ck_assert_ptr_null(cpu_model_at(n));
	ck_assert_ptr_null(cpu_model_by_id(n + 1000));
	tdpsim_error_clear();
	ck_assert_ptr_null(cpu_model_lookup("pentium"));
	ck_assert_int_eq(tdpsim_error_last()->code, TDPSIM_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "no CPU model 'pentium'"));
}
END_TEST

/* arch/x86/kernel/cpu/common.c cpu_set_bug_bits: the bug is set unless the part is on the
 * NO_ITLB_MULTIHIT whitelist (every AMD part) or reports PSCHANGE_MC_NO (Ice Lake server and
 * later Intel server parts do; Skylake-SP does not). */
START_TEST(skylake_sp_alone_has_the_itlb_multihit_bug)
{
	ck_assert(model("skylake-sp")->itlb_multihit);
	ck_assert(!model("icelake-server")->itlb_multihit);
	ck_assert(!model("sapphire-rapids")->itlb_multihit);
	ck_assert(!model("zen3")->itlb_multihit);
	ck_assert(!model("zen4")->itlb_multihit);
	for (size_t i = 0; i < cpu_model_count(); i++) {
		const struct cpu_model *m = cpu_model_at(i);
		bool amd = strcmp(m->vendor, "amd") == 0;

		ck_assert_msg(amd || strcmp(m->vendor, "intel") == 0, "%s: vendor %s", m->name,
			      m->vendor);
		ck_assert_msg(amd == (m->name[0] == 'z'), "%s: vendor %s", m->name, m->vendor);
		if (amd) /* the kernel's whitelist has every AMD part */
			ck_assert_msg(!m->itlb_multihit, "%s", m->name);
		/* PML is a VMX feature; every one of these parts maps 1G in the EPT/NPT */
		ck_assert_msg(m->pml == !amd, "%s: pml", m->name);
		ck_assert_msg(m->ept_1g, "%s: ept_1g", m->name);
		/* 5-level paging came with Ice Lake and Zen 4; NPT is as deep as the host */
		ck_assert_msg(m->la57 == (strcmp(m->name, "skylake-sp") && strcmp(m->name, "zen3")),
			      "%s: la57", m->name);
		ck_assert_msg(m->ept_5level == m->la57, "%s: ept_5level", m->name);
		ck_assert_msg(m->maxphyaddr >= 46 && m->maxphyaddr <= 52, "%s: maxphyaddr %u",
			      m->name, m->maxphyaddr);
	}
}
END_TEST

/* Intel's optimization manual 248966-045 (Table 2-15) via McCalpin; a Skylake-SP's CPUID. */
START_TEST(skylake_sp_has_the_published_tlbs)
{
	const struct cpu_model *m = model("skylake-sp");

	geometry_is(&m->itlb_4k, 128, 8, "skylake-sp itlb_4k");      /* 128 entries, 8-way */
	ck_assert_uint_eq(m->itlb_2m.entries, 8);                     /* 8 per thread */
	ck_assert_uint_eq(m->itlb_1g.entries, 0);
	geometry_is(&m->dtlb_4k, 64, 4, "skylake-sp dtlb_4k");       /* 64 entries, 4-way */
	geometry_is(&m->dtlb_2m, 32, 4, "skylake-sp dtlb_2m");       /* Haswell's 32, 4-way */
	geometry_is(&m->dtlb_1g, 4, 4, "skylake-sp dtlb_1g");        /* 4 entries, 4-way */
	geometry_is(&m->stlb, 1536, 12, "skylake-sp stlb");          /* 1536, 12-way */
	ck_assert_uint_eq(m->stlb.entries / m->stlb.ways, 128);      /* 128 sets */
	ck_assert_uint_eq(m->stlb_1g.entries, 16);                   /* 16 x 1G */
	ck_assert(m->stlb_holds_2m);                                 /* 4K + 2M */
}
END_TEST

/* CPUID leaf 18h of a Sunny Cove part; Golden Cove per perf-book/notebookitalia. */
START_TEST(icelake_and_sapphire_rapids_have_the_published_tlbs)
{
	const struct cpu_model *icx = model("icelake-server"), *spr = model("sapphire-rapids");

	geometry_is(&icx->dtlb_4k, 64, 4, "icelake-server dtlb_4k");   /* 4-way x 16 sets */
	geometry_is(&icx->dtlb_2m, 32, 4, "icelake-server dtlb_2m");   /* 4-way x 8 sets */
	geometry_is(&icx->dtlb_1g, 8, 8, "icelake-server dtlb_1g");    /* 8-way x 1 set */
	geometry_is(&icx->stlb_1g, 1024, 8, "icelake-server stlb_1g"); /* 4K/1G 8-way x 128 */
	ck_assert_uint_eq(icx->stlb.entries, 2048); /* 2 x 1024 for 4K pages */
	ck_assert_uint_eq(icx->stlb.entries / icx->stlb.ways, 128);
	ck_assert_uint_eq(icx->itlb_4k.entries, 128);  /* "from 128 to 256" in Golden Cove */
	ck_assert_uint_eq(icx->itlb_2m.entries, 16);   /* "from 16 to 32" */
	ck_assert_uint_eq(spr->itlb_4k.entries, 256);
	ck_assert_uint_eq(spr->itlb_2m.entries, 32);
	ck_assert_uint_eq(spr->dtlb_4k.entries, 96);
	ck_assert_uint_eq(spr->dtlb_2m.entries, 32);
	ck_assert_uint_eq(spr->stlb.entries, 2048);
	ck_assert(icx->stlb_holds_2m && spr->stlb_holds_2m);
}
END_TEST

/* Zen 3: Zen 2's figures (WikiChip, 7-cpu.com); Zen 4: AMD's SOG 57647. */
START_TEST(zen_models_have_fully_associative_l1_tlbs_for_every_size)
{
	const struct cpu_model *z3 = model("zen3"), *z4 = model("zen4");
	const struct tlb_geometry *l1[] = { &z3->itlb_4k, &z3->itlb_2m, &z3->itlb_1g,
					    &z3->dtlb_4k, &z3->dtlb_2m, &z3->dtlb_1g };

	for (size_t i = 0; i < sizeof(l1) / sizeof(l1[0]); i++)
		geometry_is(l1[i], 64, 64, "zen3 L1"); /* 64, fully associative, all sizes */
	ck_assert_uint_eq(z3->stlb.entries, 2048);
	ck_assert_uint_eq(z3->stlb_1g.entries, 0); /* 1G smashed into 2M entries */
	geometry_is(&z4->itlb_4k, 64, 64, "zen4 itlb_4k");
	geometry_is(&z4->itlb_1g, 64, 64, "zen4 itlb_1g");
	geometry_is(&z4->dtlb_4k, 72, 72, "zen4 dtlb_4k");
	geometry_is(&z4->dtlb_1g, 72, 72, "zen4 dtlb_1g");
	geometry_is(&z4->stlb, 3072, 24, "zen4 stlb");
	ck_assert_uint_eq(z4->stlb_1g.entries, 0);
	ck_assert(z3->stlb_holds_2m && z4->stlb_holds_2m);
}
END_TEST

static int pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* What the loader demands of any file, and orders of magnitude the sources give. */
START_TEST(every_builtin_model_is_consistent)
{
	for (size_t i = 0; i < cpu_model_count(); i++) {
		const struct cpu_model *m = cpu_model_at(i);
		const struct tlb_geometry *g[] = { &m->itlb_4k, &m->itlb_2m, &m->itlb_1g,
						   &m->dtlb_4k, &m->dtlb_2m, &m->dtlb_1g,
						   &m->stlb,    &m->stlb_1g };

		for (size_t k = 0; k < sizeof(g) / sizeof(g[0]); k++)
			if (g[k]->entries)
				ck_assert_msg(g[k]->ways && g[k]->entries % g[k]->ways == 0 &&
						      pow2(g[k]->entries / g[k]->ways),
					      "%s: array %zu is %u/%u", m->name, k, g[k]->entries,
					      g[k]->ways);
		ck_assert(m->itlb_4k.entries && m->itlb_2m.entries);
		ck_assert(m->dtlb_4k.entries && m->dtlb_2m.entries);
		ck_assert_msg(m->stlb.entries > m->dtlb_4k.entries, "%s: stlb", m->name);
		ck_assert_int_eq(m->replacement, TLB_LRU);
		/* an L1 hit is cheaper than an STLB hit, a cached walk reference than memory */
		ck_assert(m->cyc_l1_tlb_hit < m->cyc_stlb_hit);
		ck_assert(m->cyc_walk_ref_cached < m->cyc_walk_ref_memory);
		/* 200-300 cycles to memory; VM exit + entry 1,300-2,500 (SplitX, LKML 2020) */
		ck_assert(m->cyc_walk_ref_memory >= 200 && m->cyc_walk_ref_memory <= 300);
		ck_assert(m->cyc_vmexit >= 1300 && m->cyc_vmexit <= 2500);
		/* KVM's fault path is in the order of the trace: map > fast path > topup > faultin */
		ck_assert(m->cyc_fast_page_fault > m->cyc_topup);
		ck_assert(m->cyc_topup > m->cyc_faultin);
		ck_assert(m->cyc_make_spte > m->cyc_hugepage_adjust);
		ck_assert(m->cyc_split_per_table > 512 * 4);
		ck_assert(m->cpu_mhz >= 1500 && m->cpu_mhz <= 4000);
	}
}
END_TEST

/* Every key = value line of a built-in file carries a source after " ; ". */
START_TEST(every_value_in_a_builtin_file_names_its_source)
{
	for (size_t i = 0; i < NNAMES; i++) {
		char path[600], line[512];
		FILE *f;
		int n = 0, values = 0;

		snprintf(path, sizeof(path), "%s/models/cpu/%s.ini", TDPSIM_SOURCE_DIR, names[i]);
		f = fopen(path, "r");
		ck_assert_msg(f != NULL, "cannot open %s", path);
		while (fgets(line, sizeof(line), f)) {
			const char *eq = strchr(line, '='), *c;

			n++;
			if (line[0] == ';' || line[0] == '#' || line[0] == '[' || !eq)
				continue;
			if (strncmp(line, "name ", 5) == 0 || strncmp(line, "description ", 12) == 0)
				continue;
			values++;
			c = strstr(eq, " ; ");
			ck_assert_msg(c && strlen(c) > 6, "%s:%d: a value without its source: %s",
				      path, n, line);
		}
		fclose(f);
		ck_assert_uint_eq(values, cpu_model_field_count());
	}
}
END_TEST

static void *find_zen4(void *arg)
{
	(void)arg;
	return (void *)cpu_model_lookup("zen4");
}

/* Check forks each test, so the threads race to the first parse. */
START_TEST(first_use_from_many_threads_parses_once)
{
	pthread_t t[8];
	void *got[8];

	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, find_zen4, NULL), 0);
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(pthread_join(t[i], &got[i]), 0);
		ck_assert_ptr_nonnull(got[i]);
		ck_assert_ptr_eq(got[i], got[0]);
	}
}
END_TEST

START_TEST(fields_are_listed_as_a_file_spells_them)
{
	const struct cpu_model *m = model("skylake-sp");
	char buf[64];
	size_t nf = cpu_model_field_count();

	ck_assert_uint_eq(nf, 38); /* every field but name and description */
	ck_assert_str_eq(cpu_model_field_name(0), "vendor");
	ck_assert_str_eq(cpu_model_field_name(nf - 1), "cpu_mhz");
	ck_assert_ptr_null(cpu_model_field_name(nf));
	for (size_t i = 0; i < nf; i++) {
		const char *f = cpu_model_field_name(i), *t = cpu_model_field_text(m, i, buf,
										     sizeof(buf));

		if (strcmp(f, "vendor") == 0)
			ck_assert_str_eq(t, "intel");
		else if (strcmp(f, "itlb_multihit") == 0)
			ck_assert_str_eq(t, "true");
		else if (strcmp(f, "stlb") == 0)
			ck_assert_str_eq(t, "1536/12");
		else if (strcmp(f, "itlb_1g") == 0)
			ck_assert_str_eq(t, "0/0");
		else if (strcmp(f, "replacement") == 0)
			ck_assert_str_eq(t, "lru");
		else if (strcmp(f, "cpu_mhz") == 0)
			ck_assert_str_eq(t, "2500");
		else if (strcmp(f, "psc_guest") == 0)
			ck_assert(strlen(t) >= 5 && strchr(t, ' '));
	}
	ck_assert_ptr_null(cpu_model_field_text(m, nf, buf, sizeof(buf)));
}
END_TEST

/* ---- the cpu setting ---- */

static const char *setting(tdpsim_sim *sim, const char *name)
{
	for (size_t i = 0; i < tdpsim_setting_count(); i++)
		if (strcmp(tdpsim_setting_name(i), name) == 0)
			return tdpsim_sim_setting_value(sim, i);
	ck_abort_msg("no setting %s", name);
	return NULL;
}

START_TEST(the_cpu_setting_takes_exactly_the_builtin_names)
{
	tdpsim_sim *sim = NULL;
	const char *msg;

	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	ck_assert_str_eq(setting(sim, "cpu"), "skylake-sp"); /* default */
	for (size_t i = 0; i < NNAMES; i++) {
		ck_assert_int_eq(tdpsim_sim_set(sim, "cpu", names[i]), 0);
		ck_assert_str_eq(setting(sim, "cpu"), names[i]);
	}
	ck_assert_int_eq(tdpsim_sim_set(sim, "cpu", "pentium"), TDPSIM_ENOTFOUND);
	msg = tdpsim_error_last()->message;
	ck_assert_ptr_nonnull(strstr(msg, "cpu='pentium'"));
	ck_assert_ptr_nonnull(strstr(msg, "icelake-server|sapphire-rapids|skylake-sp|zen3|zen4"));
	ck_assert_int_eq(tdpsim_sim_set(sim, "cpu", "zen4 "), TDPSIM_ENOTFOUND);
	ck_assert_int_eq(tdpsim_sim_set(sim, "cpu", "Zen4"), TDPSIM_ENOTFOUND);
	ck_assert_str_eq(setting(sim, "cpu"), "zen4");
	tdpsim_sim_free(sim);
}
END_TEST

/* ---- model files ---- */

/* A complete, valid model: line 1 a comment, line 2 [cpu], keys from line 3 on. */
static const char *valid_model(const char *name)
{
	static char text[4096];

	snprintf(text, sizeof(text),
		 "# a test model\n"
		 "[cpu]\n"
		 "name = %s\n"                          /* line 3 */
		 "description = a model for the tests\n" /* 4 */
		 "vendor = intel\n"                     /* 5 */
		 "itlb_multihit = true ; SKL002\n"      /* 6 */
		 "pml = true\n"                         /* 7 */
		 "ept_1g = true\n"                      /* 8 */
		 "itlb_4k = 128/8\n"                    /* 9 */
		 "itlb_2m = 8/8\n"                      /* 10 */
		 "itlb_1g = 0/0\n"                      /* 11 */
		 "dtlb_4k = 64/4\n"                     /* 12 */
		 "dtlb_2m = 32/4\n"                     /* 13 */
		 "dtlb_1g = 4/4\n"                      /* 14 */
		 "stlb = 1536/12 ; 128 sets\n"          /* 15 */
		 "stlb_1g = 16/16\n"                    /* 16 */
		 "stlb_holds_2m = true\n"               /* 17 */
		 "replacement = lru\n"                  /* 18 */
		 "psc_guest = 2 4 32\n"                 /* 19 */
		 "psc_ept = 4 8 16\n"                   /* 20 */
		 "cyc_l1_tlb_hit = 1\n"                 /* 21 */
		 "cyc_stlb_hit = 9\n"                   /* 22 */
		 "cyc_walk_ref_cached = 12\n"           /* 23 */
		 "cyc_walk_ref_memory = 200\n"          /* 24 */
		 "cyc_vmexit = 1500\n"                  /* 25 */
		 "cyc_guest_pf = 300\n"                 /* 26 */
		 "cyc_fast_page_fault = 1850\n"         /* 27 */
		 "cyc_topup = 675\n"                    /* 28 */
		 "cyc_faultin = 550\n"                  /* 29 */
		 "cyc_hugepage_adjust = 425\n"          /* 30 */
		 "cyc_map_per_level = 344\n"            /* 31 */
		 "cyc_make_spte = 700\n"                /* 32 */
		 "cyc_split_per_table = 5190\n"         /* 33 */
		 "cyc_zap_per_spte = 125\n"             /* 34 */
		 "cyc_flush = 1000\n"                   /* 35 */
		 "cyc_ipi = 3000\n"                     /* 36 */
		 "cpu_mhz = 2500\n"                     /* 37 */
		 "cyc_pml_entry = 50\n"                 /* 38 */
		 "stlb_index = xor\n"                   /* 39 */
		 "maxphyaddr = 46\n"                    /* 40 */
		 "la57 = false\n"                       /* 41 */
		 "ept_5level = false\n",                /* 42 */
		 name);
	ck_assert_uint_lt(strlen(text), sizeof(text) - 1);
	return text;
}

/* Load `text` as the file dir/name through the cpu setting's path: the error, or "". */
static const char *load(const char *dir, const char *name, const char *text, size_t *id)
{
	static char path[600];
	size_t dummy;

	snprintf(path, sizeof(path), "%s", write_file(dir, name, text));
	tdpsim_error_clear();
	if (cpu_model_resolve(path, id ? id : &dummy) == 0)
		return "";
	return tdpsim_error_last()->message;
}

static void expect_error(const char *dir, const char *name, const char *text, int line,
			 const char *what)
{
	char where[700];
	const char *msg = load(dir, name, text, NULL);

	snprintf(where, sizeof(where), "%s/%s:%d: ", dir, name, line);
	ck_assert_msg(strstr(msg, where) != NULL, "%s: wanted '%s' in '%s'", name, where, msg);
	ck_assert_msg(strstr(msg, what) != NULL, "%s: wanted '%s' in '%s'", name, what, msg);
}

/* Line `line` of the valid model replaced by "key = value\n", expected to fail there. */
static void expect_value_error(const char *dir, int line, const char *key, const char *value,
			       const char *what)
{
	char file[64], text[256];
	static int n;

	snprintf(file, sizeof(file), "bad%d.ini", ++n);
	snprintf(text, sizeof(text), "%s = %s\n", key, value);
	expect_error(dir, file, replace_line(valid_model("bad"), line, text), line, what);
}

START_TEST(a_model_file_loads_by_path_and_goes_by_its_name)
{
	const char *dir = scratch_dir();
	size_t id = 0, again = 1;
	const struct cpu_model *m;
	char path[600];

	ck_assert_str_eq(load(dir, "mine.ini", valid_model("mine"), &id), "");
	ck_assert_uint_ge(id, cpu_model_count());
	m = cpu_model_by_id(id);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->name, "mine");
	ck_assert_str_eq(m->description, "a model for the tests");
	geometry_is(&m->stlb, 1536, 12, "mine stlb");
	ck_assert_uint_eq(m->psc_guest[0], 2);
	ck_assert_uint_eq(m->psc_guest[1], 4);
	ck_assert_uint_eq(m->psc_guest[2], 32);
	ck_assert_uint_eq(m->psc_ept[2], 16);
	ck_assert_uint_eq(m->cyc_ipi, 3000);
	ck_assert_uint_eq(m->cpu_mhz, 2500);
	ck_assert(m->itlb_multihit && m->pml && m->ept_1g && m->stlb_holds_2m);
	/* once loaded, the model goes by its name (as the cpu setting shows it) ... */
	ck_assert_ptr_eq(cpu_model_lookup("mine"), m);
	/* ... but the setting's resolver never takes a bare name for a file */
	ck_assert_int_eq(cpu_model_resolve("mine", &again), TDPSIM_ENOTFOUND);
	/* the same file again: the same model, by the resolver or by lookup */
	ck_assert_str_eq(load(dir, "mine.ini", valid_model("mine"), &again), "");
	ck_assert_uint_eq(again, id);
	snprintf(path, sizeof(path), "%s/mine.ini", dir);
	ck_assert_ptr_eq(cpu_model_lookup(path), m);
	/* a path without .ini is a path too */
	ck_assert_str_eq(load(dir, "mine.model", valid_model("mine"), &again), "");
	ck_assert_uint_eq(again, id);
	/* another file under the same name with other values is refused */
	ck_assert_ptr_nonnull(strstr(load(dir, "other.ini",
					  replace_line(valid_model("mine"), 25,
						       "cyc_vmexit = 1600\n"), NULL),
				     "a different CPU model named 'mine'"));
}
END_TEST

START_TEST(the_cpu_setting_loads_a_model_file)
{
	const char *dir = scratch_dir();
	char path[600];
	tdpsim_sim *sim = NULL;

	snprintf(path, sizeof(path), "%s", write_file(dir, "t.ini", valid_model("t-model")));
	ck_assert_int_eq(tdpsim_sim_new(&sim, NULL), 0);
	ck_assert_int_eq(tdpsim_sim_set(sim, "cpu", path), 0);
	ck_assert_str_eq(setting(sim, "cpu"), "t-model");
	ck_assert_int_eq(tdpsim_sim_set(sim, "cpu", "no/such/file.ini"), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "no/such/file.ini: cannot open"));
	ck_assert_int_eq(tdpsim_sim_set(sim, "cpu", "zen4"), 0);
	tdpsim_sim_free(sim);
}
END_TEST

START_TEST(unknown_key_is_an_error_at_its_line)
{
	const char *dir = scratch_dir();

	expect_error(dir, "unknown.ini", replace_line(valid_model("u"), 22, "cyc_l2_tlb_hit = 9\n"),
		     22, "unknown key 'cyc_l2_tlb_hit'");
	ck_assert_ptr_nonnull(strstr(load(dir, "u2.ini", replace_line(valid_model("u"), 22,
								      "cyc_l2_tlb_hit = 9\n"),
					  NULL),
				     "cyc_stlb_hit"));
}
END_TEST

START_TEST(missing_key_is_an_error_at_the_section)
{
	const char *dir = scratch_dir();

	expect_error(dir, "missing.ini", replace_line(valid_model("m"), 16, ""), 2,
		     "[cpu] has no 'stlb_1g'");
	expect_error(dir, "missing2.ini", replace_line(valid_model("m"), 37, ""), 2,
		     "[cpu] has no 'cpu_mhz'");
	expect_error(dir, "nosection.ini", "; nothing\n", 1, "no [cpu] section");
}
END_TEST

START_TEST(bad_number_is_an_error_at_its_line)
{
	const char *dir = scratch_dir();

	expect_value_error(dir, 25, "cyc_vmexit", "fast", "cyc_vmexit = 'fast': not a number");
	expect_value_error(dir, 25, "cyc_vmexit", "-5", "not a number of cycles");
	expect_value_error(dir, 25, "cyc_vmexit", "1e3", "not a number of cycles");
	expect_value_error(dir, 25, "cyc_vmexit", "0x100", "not a number of cycles");
	expect_value_error(dir, 25, "cyc_vmexit", "99999999999", "not a number of cycles");
	expect_value_error(dir, 37, "cpu_mhz", "2.5", "cpu_mhz = '2.5': not a number of MHz");
	expect_value_error(dir, 19, "psc_guest", "4 8", "psc_guest = '4 8': not three entry counts");
	expect_value_error(dir, 19, "psc_guest", "4 8 x", "not three entry counts");
	expect_value_error(dir, 19, "psc_guest", "4 8 32 1", "not three entry counts");
	expect_value_error(dir, 20, "psc_ept", "4,8,32", "not three entry counts");
	/* a '#' after the value is not a comment in libinih: part of the value */
	expect_value_error(dir, 22, "cyc_stlb_hit", "9 # estimate", "not a number of cycles");
}
END_TEST

/* Entries that are no whole number of power-of-two sets, and the like. */
START_TEST(nonsense_geometry_is_an_error_at_its_line)
{
	const char *dir = scratch_dir();

	expect_value_error(dir, 15, "stlb", "2048/12",
			   "stlb = 2048/12: 2048 entries are not a whole number of 12-way sets");
	expect_value_error(dir, 12, "dtlb_4k", "64/0", "dtlb_4k = 64/0: 64 entries in 0 ways");
	expect_value_error(dir, 11, "itlb_1g", "0/8", "itlb_1g = 0/8: 8 ways but no entries");
	expect_value_error(dir, 15, "stlb", "1536/4",
			   "stlb = 1536/4: 384 sets, not a power of two");
	expect_value_error(dir, 12, "dtlb_4k", "96/4", "24 sets, not a power of two");
	expect_value_error(dir, 9, "itlb_4k", "128", "itlb_4k = '128': not ENTRIES/WAYS");
	expect_value_error(dir, 9, "itlb_4k", "128/8/2", "not ENTRIES/WAYS");
	expect_value_error(dir, 9, "itlb_4k", "128 / 8", "not ENTRIES/WAYS");
	expect_value_error(dir, 9, "itlb_4k", "-128/8", "not ENTRIES/WAYS");
	expect_value_error(dir, 9, "itlb_4k", "0/0", "itlb_4k = 0/0: the L1 TLBs for 4K and 2M");
	expect_value_error(dir, 13, "dtlb_2m", "0/0", "cannot be absent");
	expect_error(dir, "nostlb.ini", replace_line(valid_model("g"), 15, "stlb = 0/0\n"), 17,
		     "stlb_holds_2m = true but there is no stlb");
	/* ... which is fine when the STLB holds no 2M pages; and absent arrays are fine */
	ck_assert_str_eq(load(dir, "nostlb2m.ini",
			      replace_line(replace_line(valid_model("g2"), 15, "stlb = 0/0\n"), 17,
					   "stlb_holds_2m = false\n"),
			      NULL),
			 "");
	ck_assert_str_eq(load(dir, "fa.ini", replace_line(valid_model("g3"), 15, "stlb = 64/64\n"),
			      NULL),
			 "");
}
END_TEST

START_TEST(absurd_sizes_are_errors_at_their_line)
{
	const char *dir = scratch_dir();

	expect_value_error(dir, 15, "stlb", "131072/8", "stlb = 131072/8: more than 65536 entries");
	expect_value_error(dir, 15, "stlb", "4096/4096", "more than 1024 ways (absurd)");
	expect_value_error(dir, 19, "psc_guest", "4 8 5000",
			   "psc_guest = 4 8 5000: 5000 entries, more than 4096 (absurd)");
	expect_value_error(dir, 25, "cyc_vmexit", "4000000000",
			   "cyc_vmexit = 4000000000: more than 100000000 cycles (absurd)");
	expect_value_error(dir, 37, "cpu_mhz", "50", "cpu_mhz = 50: not from 100 to 10000 MHz");
	expect_value_error(dir, 37, "cpu_mhz", "25000", "not from 100 to 10000 MHz");
	expect_value_error(dir, 37, "cpu_mhz", "0", "not from 100 to 10000 MHz");
	expect_value_error(dir, 40, "maxphyaddr", "53",
			   "maxphyaddr = '53': not a physical-address width from 36 to 52 bits");
	expect_value_error(dir, 40, "maxphyaddr", "32", "not a physical-address width");
}
END_TEST

/* AMD's NPT is as deep as the host's paging: no 5-level NPT apart from LA57 (svm.c
 * get_npt_level), reported at the later of the two keys. */
START_TEST(amd_npt_depth_must_follow_la57)
{
	const char *dir = scratch_dir();
	const char *amd = replace_line(valid_model("a"), 5, "vendor = amd\n");

	expect_error(dir, "npt5.ini", replace_line(amd, 42, "ept_5level = true\n"), 42,
		     "vendor = amd: ept_5level must equal la57");
	/* Intel: 5-level EPT is its own capability (a 4-level host may still use it) */
	ck_assert_str_eq(load(dir, "ept5.ini", replace_line(valid_model("i5"), 42,
							     "ept_5level = true\n"), NULL), "");
}
END_TEST

START_TEST(bad_words_are_errors_at_their_line)
{
	const char *dir = scratch_dir();

	expect_value_error(dir, 6, "itlb_multihit", "yes",
			   "itlb_multihit = 'yes': not a boolean (true|false)");
	expect_value_error(dir, 7, "pml", "1", "not a boolean");
	expect_value_error(dir, 5, "vendor", "via", "vendor = 'via': not one of intel|amd");
	expect_value_error(dir, 5, "vendor", "Intel", "not one of intel|amd");
	expect_value_error(dir, 18, "replacement", "plru", "replacement = 'plru': not one of lru");
}
END_TEST

START_TEST(other_malformed_files_are_errors_at_their_line)
{
	const char *dir = scratch_dir();
	char longline[400];

	expect_error(dir, "twice.ini",
		     replace_line(valid_model("t"), 36, "cyc_ipi = 3000\nstlb = 1536/12\n"), 37,
		     "'stlb' given twice (first on line 15");
	/* an indented line continues the value before it (libinih's multi-line values) */
	expect_error(dir, "indent.ini", replace_line(valid_model("t"), 10, "  itlb_2m = 8/8\n"), 10,
		     "'itlb_4k' given twice");
	expect_error(dir, "syntax.ini", replace_line(valid_model("t"), 20, "just words\n"), 20,
		     "not a 'key = value' line");
	expect_error(dir, "before.ini", replace_line(valid_model("t"), 1, "name = early\n"), 1,
		     "'name' comes before the [cpu] section");
	expect_error(dir, "section.ini",
		     replace_line(valid_model("t"), 37, "cpu_mhz = 2500\n[tlb]\n"), 38,
		     "unknown section [tlb]");
	expect_error(dir, "section2.ini", replace_line(valid_model("t"), 2, "[profile]\n"), 2,
		     "unknown section [profile]");
	expect_error(dir, "name.ini", replace_line(valid_model("t"), 3, "name = a b\n"), 3,
		     "not a CPU model name");
	expect_error(dir, "name2.ini", replace_line(valid_model("t"), 3, "name = x.ini\n"), 3,
		     "not a CPU model name");
	expect_error(dir, "builtin.ini", valid_model("zen4"), 3,
		     "name = zen4 is a built-in CPU model's");
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "description = ", 14);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	expect_error(dir, "long.ini", replace_line(valid_model("t"), 4, longline), 4,
		     "line longer than");
	memset(longline, 'x', 150);
	memcpy(longline, "description = ", 14);
	longline[150] = '\n';
	longline[151] = '\0';
	expect_error(dir, "longdesc.ini", replace_line(valid_model("t"), 4, longline), 4,
		     "description: 1 to 127 characters, not 136");
	/* the first error by line wins, whoever found it */
	expect_error(dir, "first.ini",
		     replace_line(replace_line(valid_model("t"), 30, "what\n"), 15, "stlb = 7/1\n"),
		     15, "7 sets, not a power of two");
	expect_error(dir, "first2.ini",
		     replace_line(replace_line(valid_model("t"), 30, "what\n"), 33,
				  "cyc_split_per_table = x\n"),
		     30, "not a 'key = value' line");
}
END_TEST

/* In memory, as the built-in models are parsed. */
START_TEST(parse_reports_the_given_file_name)
{
	struct cpu_model m;

	ck_assert_int_eq(cpu_model_parse(&m, "mem.ini", valid_model("mem")), 0);
	ck_assert_str_eq(m.name, "mem");
	ck_assert_str_eq(m.vendor, "intel");
	ck_assert_int_eq(cpu_model_parse(&m, "mem.ini", "[cpu]\npml = false\n"), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "mem.ini:1: [cpu] has no "
								    "'name'"));
	ck_assert_int_eq(cpu_model_parse(&m, "mem.ini", ""), TDPSIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(tdpsim_error_last()->message, "mem.ini:1: no [cpu] section"));
}
END_TEST

static Suite *cpu_model_suite(void)
{
	Suite *s = suite_create("cpu_model");
	TCase *b = tcase_create("builtin");
	TCase *f = tcase_create("files");

	tcase_add_test(b, every_builtin_model_loads_in_file_name_order);
	tcase_add_test(b, skylake_sp_alone_has_the_itlb_multihit_bug);
	tcase_add_test(b, skylake_sp_has_the_published_tlbs);
	tcase_add_test(b, icelake_and_sapphire_rapids_have_the_published_tlbs);
	tcase_add_test(b, zen_models_have_fully_associative_l1_tlbs_for_every_size);
	tcase_add_test(b, every_builtin_model_is_consistent);
	tcase_add_test(b, every_value_in_a_builtin_file_names_its_source);
	tcase_add_test(b, first_use_from_many_threads_parses_once);
	tcase_add_test(b, fields_are_listed_as_a_file_spells_them);
	tcase_add_test(b, the_cpu_setting_takes_exactly_the_builtin_names);
	suite_add_tcase(s, b);
	tcase_add_test(f, a_model_file_loads_by_path_and_goes_by_its_name);
	tcase_add_test(f, the_cpu_setting_loads_a_model_file);
	tcase_add_test(f, unknown_key_is_an_error_at_its_line);
	tcase_add_test(f, missing_key_is_an_error_at_the_section);
	tcase_add_test(f, bad_number_is_an_error_at_its_line);
	tcase_add_test(f, nonsense_geometry_is_an_error_at_its_line);
	tcase_add_test(f, absurd_sizes_are_errors_at_their_line);
	tcase_add_test(f, amd_npt_depth_must_follow_la57);
	tcase_add_test(f, bad_words_are_errors_at_their_line);
	tcase_add_test(f, other_malformed_files_are_errors_at_their_line);
	tcase_add_test(f, parse_reports_the_given_file_name);
	suite_add_tcase(s, f);
	return s;
}

CHECK_MAIN(cpu_model_suite)
