/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "core/clock.h"
#include "core/error.h"

#define CLOCK_INITIAL_CAP 16

int clock_init(struct clock *c)
{
	c->now = 0;
	c->seq = 0;
	c->n = 0;
	c->cap = CLOCK_INITIAL_CAP;
	c->heap = malloc(c->cap * sizeof(*c->heap));
	return c->heap ? 0 : err_set(TDPSIM_ENOMEM, "clock: out of memory");
}

void clock_free(struct clock *c)
{
	free(c->heap);
	c->heap = NULL;
	c->n = c->cap = 0;
}

static int before(const struct clock_work *a, const struct clock_work *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void swap(struct clock_work *a, struct clock_work *b)
{
	struct clock_work t = *a;

	*a = *b;
	*b = t;
}

int clock_schedule(struct clock *c, uint64_t when, clock_work_fn fn, void *ctx)
{
	size_t i;

	if (c->n == c->cap) {
		struct clock_work *h = realloc(c->heap, 2 * c->cap * sizeof(*h));

		if (!h)
			return err_set(TDPSIM_ENOMEM, "clock: out of memory");
		c->heap = h;
		c->cap *= 2;
	}
	i = c->n++;
	c->heap[i] = (struct clock_work){ when, c->seq++, fn, ctx };
	while (i > 0 && before(&c->heap[i], &c->heap[(i - 1) / 2])) {
		swap(&c->heap[i], &c->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	return 0;
}

static struct clock_work pop(struct clock *c)
{
	struct clock_work top = c->heap[0];
	size_t i = 0;

	c->heap[0] = c->heap[--c->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < c->n && before(&c->heap[l], &c->heap[m]))
			m = l;
		if (r < c->n && before(&c->heap[r], &c->heap[m]))
			m = r;
		if (m == i)
			break;
		swap(&c->heap[i], &c->heap[m]);
		i = m;
	}
	return top;
}

void clock_advance(struct clock *c, uint64_t ns)
{
	uint64_t until = c->now + ns;

	while (c->n > 0 && c->heap[0].when <= until) {
		struct clock_work w = pop(c);

		if (w.when > c->now)
			c->now = w.when;
		w.fn(w.ctx, c->now);
	}
	c->now = until;
}
