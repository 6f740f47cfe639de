/* SPDX-License-Identifier: MIT */
/*
 * Writing traces, in either encoding, through zlib ("T" mode when not compressing).  Output
 * goes to a temporary file that close() renames into place.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/error.h"
#include "tdpsim/output.h"
#include "trace/binary.h"
#include "trace/reader.h"

#define OUT_BUF (1u << 16)

struct tdpsim_trace_writer {
	gzFile gz;
	char *path;    /* the name given, NULL for stdout */
	tdpsim_output *out; /* the file (tdpsim/output.h), NULL for stdout */
	tdpsim_encoding enc;
	uint64_t last_addr[ADDR__COUNT];
	uint64_t records;
	size_t used;
	unsigned char buf[OUT_BUF];
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int writer_flush(struct tdpsim_trace_writer *w)
{
	if (w->used && gzwrite(w->gz, w->buf, (unsigned)w->used) != (int)w->used) {
		int zerr;
		const char *msg = gzerror(w->gz, &zerr);

		return err_set(TDPSIM_EIO, "%s: write failed: %s", w->path ? w->path : "(stdout)",
			       zerr == Z_ERRNO ? strerror(errno) : msg);
	}
	w->used = 0;
	return 0;
}

static int writer_put(struct tdpsim_trace_writer *w, const void *p, size_t n)
{
	if (w->used + n > OUT_BUF) {
		int rc = writer_flush(w);

		if (rc < 0)
			return rc;
	}
	memcpy(w->buf + w->used, p, n);
	w->used += n;
	return 0;
}

int tdpsim_trace_writer_new(tdpsim_trace_writer **out, const char *path)
{
	struct tdpsim_trace_writer *w;
	const char *mode;
	int compress, fd;
	size_t base_len;

	if (!out || !path)
		return err_set(TDPSIM_EINVAL, "tdpsim_trace_writer_new: bad argument");
	*out = NULL;
	compress = ends_with(path, ".gz");
	base_len = strlen(path) - (compress ? 3 : 0);
	w = calloc(1, sizeof(*w));
	if (!w)
		return err_set(TDPSIM_ENOMEM, "%s: out of memory", path);
	if (strcmp(path, "-") == 0) {
		w->enc = TDPSIM_ENCODING_TEXT;
		fd = dup(1);
	} else {
		if (base_len >= 5 && strncmp(path + base_len - 5, ".tdpb", 5) == 0)
			w->enc = TDPSIM_ENCODING_BINARY;
		else if (base_len >= 5 && strncmp(path + base_len - 5, ".tdpt", 5) == 0)
			w->enc = TDPSIM_ENCODING_TEXT;
		else {
			free(w);
			return err_set(TDPSIM_EINVAL,
				       "%s: cannot tell the encoding from the name "
				       "(use .tdpt or .tdpb, optionally with .gz)", path);
		}
		int rc;

		if (!(w->path = strdup(path))) {
			free(w);
			return err_set(TDPSIM_ENOMEM, "%s: out of memory", path);
		}
		if ((rc = tdpsim_output_open(&w->out, path)) < 0) {
			free(w->path);
			free(w);
			return rc;
		}
		fd = tdpsim_output_fd(w->out);
	}
	mode = compress ? "wb6" : "wbT";
	w->gz = gzdopen(fd, mode);
	if (!w->gz) {
		close(fd);
		tdpsim_trace_writer_abort(w);
		return err_set(TDPSIM_ENOMEM, "%s: cannot start zlib", path);
	}
	gzbuffer(w->gz, 1u << 18);
	if (w->enc == TDPSIM_ENCODING_BINARY) {
		static const unsigned char hdr[] = { 'T', 'D', 'P', 'B', '\r', '\n', 0x1a,
						     FORMAT_VERSION };

		writer_put(w, hdr, BINARY_MAGIC_LEN + 1);
	} else {
		static const char hdr[] = "tdpsim-trace " FORMAT_VERSION_TEXT "\n";

		writer_put(w, hdr, sizeof(hdr) - 1);
	}
	*out = w;
	return 0;
}

/* ---- text ---- */

static int bare_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_.,:/+@%-", *s)))
			return 0;
	return 1;
}

static void put_string(char **o, const char *s)
{
	if (bare_ok(s)) {
		*o += sprintf(*o, "%s", s);
		return;
	}
	*(*o)++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*(*o)++ = '\\';
		*(*o)++ = *s;
	}
	*(*o)++ = '"';
}

static void put_size(char **o, uint64_t v)
{
	static const char units[] = "TGMK";

	for (int i = 0; i < 4 && v; i++) {
		unsigned shift = 40 - 10 * (unsigned)i;

		if ((v & ((1ull << shift) - 1)) == 0) {
			*o += sprintf(*o, "%" PRIu64 "%c", v >> shift, units[i]);
			return;
		}
	}
	*o += sprintf(*o, "%" PRIu64, v);
}

/* The key of a duration group that writes `ns` most readably (largest unit that divides). */
static const struct key_spec *best_duration_key(const struct cmd_spec *c, unsigned i, uint64_t ns)
{
	const struct key_spec *best = &c->keys[i];

	for (unsigned j = i + 1; j < c->nkeys; j++)
		if (c->keys[j].group == best->group && ns && ns % c->keys[j].scale == 0 &&
		    c->keys[j].scale > best->scale)
			best = &c->keys[j];
	return best;
}

static void put_value(char **o, const struct cmd_spec *c, unsigned i, const tdpsim_event *ev)
{
	const struct key_spec *k = &c->keys[i];
	tdpsim_event *e = (tdpsim_event *)ev;
	uint64_t v = 0;

	if (k->type == KT_STR) {
		*o += sprintf(*o, " %s=", k->name);
		put_string(o, *field_str(e, k->offset));
		return;
	}
	v = key_get(e, k);
	if (k->type == KT_ONOFF) {
		*o += sprintf(*o, v ? " on" : " off");
		return;
	}
	if (k->type == KT_DUR) {
		k = best_duration_key(c, i, v);
		*o += sprintf(*o, " %s=%" PRIu64, k->name, v / k->scale);
		return;
	}
	*o += sprintf(*o, " %s=", k->name);
	switch (k->type) {
	case KT_ENUM:
		*o += sprintf(*o, "%s", k->words[v - k->enum_base]);
		break;
	case KT_FLAGS:
		for (int b = 0, first = 1; k->words[b]; b++)
			if (v & (1ull << b)) {
				*o += sprintf(*o, "%s%s", first ? "" : ",", k->words[b]);
				first = 0;
			}
		break;
	case KT_PROT:
	case KT_EPT_PROT:
		for (int b = 0; b < 3; b++)
			if (v & (1u << b))
				*(*o)++ = "rwx"[b];
		break;
	case KT_SIZE:
		put_size(o, v);
		break;
	case KT_HEX: case KT_GVA: case KT_GPA: case KT_HVA:
		*o += sprintf(*o, "0x%" PRIx64, v);
		break;
	default:
		*o += sprintf(*o, "%" PRIu64, v);
		break;
	}
}

/* Whether an optional key holds its default (and so is left out of the text). */
static int is_default(const struct key_spec *k, const tdpsim_event *ev)
{
	tdpsim_event *e = (tdpsim_event *)ev;

	if (k->required)
		return 0;
	if (k->present >= 0)
		return !*field_u32(e, (uint16_t)k->present);
	return key_get(e, k) == k->def;
}

static int write_text(struct tdpsim_trace_writer *w, const tdpsim_event *ev)
{
	const struct cmd_spec *c = spec_of(ev->cmd);
	char line[4 * STR_MAX + 512], *o = line; /* a key and a fully escaped value */

	if (ev->cmd == TDPSIM_CMD_SET) {
		o += sprintf(o, "set %s=", ev->u.set.key);
		put_string(&o, ev->u.set.value);
	} else {
		o += sprintf(o, "%s", c->name);
		for (unsigned i = 0; i < c->nkeys; i++)
			if (key_is_first_of_field(c, i) && !is_default(&c->keys[i], ev))
				put_value(&o, c, i, ev);
	}
	*o++ = '\n';
	return writer_put(w, line, (size_t)(o - line));
}

/* ---- binary ---- */

static int write_binary(struct tdpsim_trace_writer *w, const tdpsim_event *ev)
{
	const struct cmd_spec *c = spec_of(ev->cmd);
	tdpsim_event *e = (tdpsim_event *)ev;
	unsigned char rec[RECORD_FIXED_MAX + 2 * (STR_MAX + VARINT_MAX)];
	size_t n = 0;

	if (ev->cmd == TDPSIM_CMD_ACCESS && ev->u.access.vcpu <= COMPACT_VCPU_MAX) {
		rec[n++] = (unsigned char)(TAG_COMPACT | ev->u.access.vcpu << 3 |
					   (ev->u.access.cpl == 0) << 2 | ev->u.access.op);
		n += varint_put(rec + n, zigzag((int64_t)(ev->u.access.gva -
							  w->last_addr[ADDR_GVA])));
		w->last_addr[ADDR_GVA] = ev->u.access.gva;
		w->records++;
		return writer_put(w, rec, n);
	}
	rec[n++] = (unsigned char)ev->cmd;
	for (unsigned i = 0; i < c->nkeys; i++) {
		const struct key_spec *k = &c->keys[i];
		int cls = key_addr_class(k);
		uint64_t v;

		if (!key_is_first_of_field(c, i))
			continue;
		if (k->type == KT_STR) {
			const char *s = *field_str(e, k->offset);
			size_t len = strlen(s);

			n += varint_put(rec + n, len);
			memcpy(rec + n, s, len);
			n += len;
			continue;
		}
		if (k->present >= 0) {
			uint32_t present = *field_u32(e, (uint16_t)k->present) != 0;

			rec[n++] = (unsigned char)present;
			if (!present)
				continue;
		}
		v = key_get(e, k);
		if (cls >= 0) {
			uint64_t d = zigzag((int64_t)(v - w->last_addr[cls]));

			w->last_addr[cls] = v;
			v = d;
		}
		n += varint_put(rec + n, v);
	}
	w->records++;
	return writer_put(w, rec, n);
}

int tdpsim_trace_write(tdpsim_trace_writer *w, const tdpsim_event *ev)
{
	char buf[160];
	const char *msg;

	if (!w || !ev || !spec_of(ev->cmd))
		return err_set(TDPSIM_EINVAL, "tdpsim_trace_write: bad argument or command");
	if (ev->cmd == TDPSIM_CMD_SET || ev->cmd == TDPSIM_CMD_MARK) {
		const char *a = ev->cmd == TDPSIM_CMD_SET ? ev->u.set.key : ev->u.mark.label;
		const char *b = ev->cmd == TDPSIM_CMD_SET ? ev->u.set.value : "";

		if (!a || !b || strlen(a) > STR_MAX || strlen(b) > STR_MAX)
			return err_set(TDPSIM_EINVAL, "tdpsim_trace_write: missing or too long string");
		const char *problem = trace_string_problem(a, strlen(a));

		if (!problem)
			problem = trace_string_problem(b, strlen(b));
		if (problem) /* what a reader would refuse is never written */
			return err_set(TDPSIM_EINVAL, "tdpsim_trace_write: a string holds %s",
				       problem);
	}
	msg = spec_validate(ev, UINT32_MAX, buf, sizeof(buf));
	if (msg)
		return err_set(TDPSIM_EINVAL, "tdpsim_trace_write: %s: %s", tdpsim_cmd_name(ev->cmd),
			       msg);
	return w->enc == TDPSIM_ENCODING_TEXT ? write_text(w, ev) : write_binary(w, ev);
}

/* A comment line: kept in the text encoding, dropped by the binary one (FORMAT.md 7). */
int tdpsim_trace_write_comment(tdpsim_trace_writer *w, const char *text)
{
	int rc;

	if (!w || !text || strchr(text, '\n') || strlen(text) > STR_MAX)
		return err_set(TDPSIM_EINVAL, "tdpsim_trace_write_comment: bad argument");
	if (w->enc != TDPSIM_ENCODING_TEXT)
		return 0;
	if ((rc = writer_put(w, "# ", 2)) < 0 || (rc = writer_put(w, text, strlen(text))) < 0)
		return rc;
	return writer_put(w, "\n", 1);
}

static void writer_free(struct tdpsim_trace_writer *w)
{
	free(w->path);
	free(w);
}

int tdpsim_trace_writer_close(tdpsim_trace_writer *w)
{
	int rc = 0, zrc;

	if (!w)
		return err_set(TDPSIM_EINVAL, "tdpsim_trace_writer_close: NULL writer");
	if (w->enc == TDPSIM_ENCODING_BINARY) {
		unsigned char end[1 + VARINT_MAX];
		size_t n = 0;

		end[n++] = TAG_END;
		n += varint_put(end + n, w->records);
		rc = writer_put(w, end, n);
	}
	if (rc == 0)
		rc = writer_flush(w);
	zrc = gzclose(w->gz);
	w->gz = NULL;
	if (rc == 0 && zrc != Z_OK)
		rc = err_set(TDPSIM_EIO, "%s: closing failed", w->path ? w->path : "(stdout)");
	if (rc == 0 && w->out)
		rc = tdpsim_output_commit(w->out);
	else if (w->out)
		tdpsim_output_discard(w->out);
	writer_free(w);
	return rc;
}

void tdpsim_trace_writer_abort(tdpsim_trace_writer *w)
{
	if (!w)
		return;
	if (w->gz)
		gzclose(w->gz);
	tdpsim_output_discard(w->out);
	writer_free(w);
}
