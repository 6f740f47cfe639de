/* SPDX-License-Identifier: MIT */
/* Sampling the stats at interval boundaries: the registration, the boundaries, the calls. */
#include <string.h>

#include "core/error.h"
#include "tdpsim/tdpsim.h"
#include "timeline.h"

void timeline_init(struct timeline *t)
{
	memset(t, 0, sizeof(*t));
	t->next_access = t->next_event = t->next_ns = TIMELINE_NONE;
}

int tdpsim_sampling_init(tdpsim_sampling *s, unsigned int version)
{
	static const tdpsim_sampling init = TDPSIM_SAMPLING_INIT;

	if (!s || version != TDPSIM_SAMPLING_VERSION)
		return err_set(TDPSIM_EINVAL, "tdpsim_sampling_init: version %u, expected %u",
			       version, (unsigned)TDPSIM_SAMPLING_VERSION);
	*s = init;
	return 0;
}

/* The unit's counter in `st`. */
static uint64_t unit_counter(tdpsim_interval_unit unit, const tdpsim_stats *st)
{
	switch (unit) {
	case TDPSIM_INTERVAL_EVENTS:
		return st->events;
	case TDPSIM_INTERVAL_NS:
		return st->sim_ns;
	default:
		return st->accesses;
	}
}

/* The boundary slot of the unit sampled. */
static uint64_t *unit_next(struct timeline *t)
{
	switch (t->cfg.unit) {
	case TDPSIM_INTERVAL_EVENTS:
		return &t->next_event;
	case TDPSIM_INTERVAL_NS:
		return &t->next_ns;
	default:
		return &t->next_access;
	}
}

/* The first multiple of `every` above `now`, or none if it does not fit in 64 bits. */
static uint64_t boundary_after(uint64_t now, uint64_t every)
{
	uint64_t k = now / every + 1;

	return k > (TIMELINE_NONE - 1) / every ? TIMELINE_NONE : k * every;
}

int timeline_configure(struct timeline *t, const tdpsim_sim *sim, const tdpsim_sampling *s)
{
	tdpsim_stats st;

	if (s && s->version != TDPSIM_SAMPLING_VERSION)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_sampling: version %u, expected %u "
			       "(use TDPSIM_SAMPLING_INIT)", s->version,
			       (unsigned)TDPSIM_SAMPLING_VERSION);
	if (s && (s->unit < TDPSIM_INTERVAL_ACCESSES || s->unit > TDPSIM_INTERVAL_NS))
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_sampling: unknown unit %d",
			       (int)s->unit);
	if (s && (s->every == 0 || !s->fn))
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_sampling: %s",
			       s->every == 0 ? "the interval is 0" : "no callback");
	timeline_init(t);
	if (!s)
		return 0;
	t->cfg = *s;
	tdpsim_sim_stats(sim, &st);
	*unit_next(t) = boundary_after(unit_counter(s->unit, &st), s->every);
	return 0;
}

static const char *mark_in_force(const tdpsim_sim *sim)
{
	size_t n = tdpsim_sim_mark_count(sim);
	const char *label = NULL;

	if (n)
		tdpsim_sim_mark(sim, n - 1, &label, NULL);
	return label;
}

void timeline_cross(struct timeline *t, const tdpsim_sim *sim)
{
	uint64_t *next = unit_next(t);
	tdpsim_stats st;
	tdpsim_sample s;

	tdpsim_sim_stats(sim, &st);
	s.index = t->index++;
	s.at = *next;
	s.stats = &st;
	s.mark = mark_in_force(sim);
	*next = boundary_after(*next, t->cfg.every);
	t->cfg.fn(&s, t->cfg.payload);
}

void timeline_advance(struct timeline *t, const tdpsim_sim *sim, struct clock *c, uint64_t ns,
		      uint64_t *sim_ns)
{
	uint64_t end = c->now + ns;

	while (t->next_ns <= end) {
		clock_advance(c, t->next_ns - c->now);
		*sim_ns = c->now;
		timeline_cross(t, sim);
	}
	clock_advance(c, end - c->now);
	*sim_ns = c->now;
}
