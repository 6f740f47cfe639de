/* SPDX-License-Identifier: MIT */
/*
 * The binary decoder.  Records follow the 8-byte header (magic + version); every record
 * starts with a tag byte; the stream ends with an end record that carries the record count,
 * so a file cut at a record boundary is still caught.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "trace/binary.h"
#include "trace/reader.h"

int binary_header(struct tdpsim_trace *t)
{
	int64_t n = reader_fill(t, BINARY_MAGIC_LEN + 1);
	unsigned version;

	t->rec_off = 0;
	if (n < 0)
		return (int)n;
	if (n < BINARY_MAGIC_LEN + 1)
		return reader_fail(t, TDPSIM_EPARSE, "truncated binary header");
	version = t->data[t->pos + BINARY_MAGIC_LEN];
	if (version < FORMAT_VERSION_MIN || version > FORMAT_VERSION)
		return reader_fail(t, TDPSIM_EPARSE,
				   "binary trace format version %u is not supported "
				   "(this tdpsim reads versions %d to %d)", version,
				   FORMAT_VERSION_MIN, FORMAT_VERSION);
	t->version = version;
	t->pos += BINARY_MAGIC_LEN + 1;
	return 0;
}

static int fail_varint(struct tdpsim_trace *t, int rc, const char *what)
{
	return reader_fail(t, TDPSIM_EPARSE, rc == -1 ? "truncated record (in %s)"
						    : "malformed varint (in %s)", what);
}

/* A string field: length, then bytes.  May refill the buffer (so it works on indices). */
static int read_string(struct tdpsim_trace *t, size_t *i, char *dst, const char *what)
{
	uint64_t len;
	int64_t avail;
	const char *problem;
	int rc = varint_get(t->data, i, t->end, &len);

	if (rc < 0)
		return fail_varint(t, rc, what);
	if (len > STR_MAX)
		return reader_fail(t, TDPSIM_EPARSE, "%s is %" PRIu64 " bytes long (at most %u)",
				   what, len, STR_MAX);
	t->pos = *i;
	avail = reader_fill(t, (size_t)len);
	if (avail < 0)
		return (int)avail;
	if ((uint64_t)avail < len)
		return reader_fail(t, TDPSIM_EPARSE, "truncated record (in %s)", what);
	problem = trace_string_problem((const char *)t->data + t->pos, (size_t)len);
	if (problem)
		return reader_fail(t, TDPSIM_EPARSE, "%s holds %s", what, problem);
	memcpy(dst, t->data + t->pos, (size_t)len);
	dst[len] = '\0';
	t->pos += (size_t)len;
	/* Keep the fixed-size margin for the fields after the string (the fill may slide the
	 * buffer, so the index is taken after it). */
	avail = reader_fill(t, RECORD_FIXED_MAX);
	*i = t->pos;
	return avail < 0 ? (int)avail : 0;
}

static int read_generic(struct tdpsim_trace *t, size_t *i, tdpsim_event *ev)
{
	const struct cmd_spec *c = spec_of(ev->cmd);
	unsigned nstr = 0;

	spec_defaults(ev);
	for (unsigned k = 0; k < c->nkeys; k++) {
		const struct key_spec *key = &c->keys[k];
		int cls = key_addr_class(key);
		uint64_t v, present = 1;
		int rc;

		/* A key newer than the stream's version has no field: its default stands. */
		if (!key_is_first_of_field(c, k) || !spec_key_in(key, t->version))
			continue;
		if (key->type == KT_STR) {
			rc = read_string(t, i, t->bstr[nstr], key->name);
			if (rc < 0)
				return rc;
			*field_str(ev, key->offset) = t->bstr[nstr++];
			continue;
		}
		if (key->present >= 0) {
			rc = varint_get(t->data, i, t->end, &present);
			if (rc < 0 || present > 1)
				return rc < 0 ? fail_varint(t, rc, key->name)
					      : reader_fail(t, TDPSIM_EPARSE, "bad presence flag");
			*field_u32(ev, (uint16_t)key->present) = (uint32_t)present;
			if (!present)
				continue;
		}
		rc = varint_get(t->data, i, t->end, &v);
		if (rc < 0)
			return fail_varint(t, rc, key->name);
		if (cls >= 0) {
			v = t->last_addr[cls] + (uint64_t)unzigzag(v);
			t->last_addr[cls] = v;
		}
		if (!key_is_u64(key) && v > UINT32_MAX)
			return reader_fail(t, TDPSIM_EPARSE, "%s=%" PRIu64 " is out of range",
					   key->name, v);
		key_put(ev, key, v);
	}
	return 0;
}

static int read_compact_access(struct tdpsim_trace *t, size_t *i, tdpsim_event *ev)
{
	struct trace_access a;
	int rc = compact_access_decode(t->data, i, t->end, t->last_addr[ADDR_GVA], &a);

	if (rc == -3)
		return reader_fail(t, TDPSIM_EPARSE, "compact access with op 3");
	if (rc < 0)
		return fail_varint(t, rc, "gva");
	memset(ev, 0, sizeof(*ev));
	ev->cmd = TDPSIM_CMD_ACCESS;
	ev->u.access.vcpu = a.vcpu;
	ev->u.access.cpl = a.cpl;
	ev->u.access.op = a.op;
	ev->u.access.gva = a.gva;
	t->last_addr[ADDR_GVA] = a.gva;
	return 0;
}

static int read_end(struct tdpsim_trace *t, size_t *i)
{
	uint64_t count;
	int64_t rest;
	int rc = varint_get(t->data, i, t->end, &count);

	if (rc < 0)
		return fail_varint(t, rc, "end record");
	if (count != t->records)
		return reader_fail(t, TDPSIM_EPARSE,
				   "end record says %" PRIu64 " records, the stream had %" PRIu64,
				   count, t->records);
	t->pos = *i;
	rest = reader_fill(t, 1);
	if (rest < 0)
		return (int)rest;
	if (rest > 0)
		return reader_fail(t, TDPSIM_EPARSE, "data after the end record");
	t->done = 1;
	return 0;
}

int binary_next(struct tdpsim_trace *t, tdpsim_event *ev)
{
	int64_t avail = reader_fill(t, RECORD_FIXED_MAX);
	char buf[160];
	const char *msg;
	size_t i;
	unsigned tag;
	int rc;

	if (avail < 0)
		return (int)avail;
	t->rec_off = t->base + t->pos;
	if (avail == 0)
		return reader_fail(t, TDPSIM_EPARSE, "truncated trace: the end record is missing");
	i = t->pos;
	tag = t->data[i];
	if (tag == TAG_END) {
		i++;
		rc = read_end(t, &i);
		return rc < 0 ? rc : 0;
	}
	if (tag & TAG_COMPACT) {
		rc = read_compact_access(t, &i, ev);
	} else if (tag < TDPSIM_CMD__COUNT && !spec_cmd_in(spec_of((tdpsim_cmd)tag), t->version)) {
		return reader_fail(t, TDPSIM_EPARSE, "record tag 0x%02x (%s) is new in format "
				   "version %u, but the stream is version %u", tag,
				   tdpsim_cmd_name((tdpsim_cmd)tag), spec_of((tdpsim_cmd)tag)->since,
				   t->version);
	} else if (tag < TDPSIM_CMD__COUNT) {
		i++;
		ev->cmd = (tdpsim_cmd)tag;
		rc = read_generic(t, &i, ev);
	} else {
		return reader_fail(t, TDPSIM_EPARSE, "unknown record tag 0x%02x", tag);
	}
	if (rc < 0)
		return rc;
	t->pos = i;
	t->records++;
	/* A compact access is valid by construction but for its gva: the common case stays
	 * off the table-driven checks. */
	if ((tag & TAG_COMPACT) && gva_is_canonical(ev->u.access.gva))
		return 1;
	msg = spec_validate(ev, UINT32_MAX, buf, sizeof(buf));
	if (!msg)
		msg = spec_version_problem(ev, t->version, buf, sizeof(buf));
	if (msg)
		return reader_fail(t, TDPSIM_EPARSE, "%s: %s", tdpsim_cmd_name(ev->cmd), msg);
	return 1;
}
