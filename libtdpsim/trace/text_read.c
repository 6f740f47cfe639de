/* SPDX-License-Identifier: MIT */
/*
 * The text decoder: one command per line, `COMMAND key=value ...`, `#` comments.  Lines are
 * found in the reader's buffer without copying; only string values are unescaped into a
 * buffer that lives as long as the line.
 */
#define _GNU_SOURCE /* memmem */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/num.h"
#include "trace/reader.h"

struct line {
	const char *p;   /* cursor */
	const char *end;
	char *out;       /* where the next unescaped string goes */
};

/* One token: `key=value` (key set) or a bare word (key NULL). */
struct token {
	const char *key;
	size_t klen;
	const char *val; /* for a quoted value: the unescaped copy, NUL-terminated */
	size_t vlen;
	int quoted;
};

/* Find the next line; 1 with the line, 0 at the end, or a negative code. */
static int next_line(struct tdpsim_trace *t, const char **line, size_t *len)
{
	size_t scanned = 0;

	for (;;) {
		const char *s = (const char *)t->data + t->pos;
		size_t avail = t->end - t->pos;
		const char *nl = memchr(s + scanned, '\n', avail - scanned);
		int64_t got;

		if (!nl && t->eof && avail > 0) {
			t->line++;
			if (memchr(s, '\r', avail))
				return reader_fail(t, TDPSIM_EPARSE, "the lines end in a lone CR: use "
						   "LF or CR LF line ends");
			return reader_fail(t, TDPSIM_EPARSE, "the last line has no newline: the "
					   "trace ends mid-line (cut short?)");
		}
		if (nl) {
			size_t n = (size_t)(nl - s);

			t->pos += n + 1;
			t->line++;
			if (n > 0 && s[n - 1] == '\r')
				n--;
			if (n > LINE_MAX_BYTES)
				return reader_fail(t, TDPSIM_EPARSE,
						   "line is longer than %u bytes", LINE_MAX_BYTES);
			*line = s;
			*len = n;
			return 1;
		}
		if (t->eof)
			return 0;
		if (avail > LINE_MAX_BYTES + 1) { /* no newline after the longest line and its \r */
			t->line++;
			return reader_fail(t, TDPSIM_EPARSE, "line is longer than %u bytes",
					   LINE_MAX_BYTES);
		}
		scanned = avail;
		got = reader_fill(t, avail + 1);
		if (got < 0)
			return (int)got;
	}
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Read a quoted string at l->p (on the opening quote) into l->out. */
static int scan_quoted(struct tdpsim_trace *t, struct line *l, struct token *tok)
{
	char *o = l->out;

	tok->val = o;
	tok->quoted = 1;
	for (l->p++; l->p < l->end && *l->p != '"'; l->p++) {
		char c = *l->p;

		if (c == '\\') {
			if (++l->p >= l->end)
				break;
			c = *l->p;
			if (c != '"' && c != '\\')
				return reader_fail(t, TDPSIM_EPARSE,
						   "unknown escape '\\%c' in a quoted value", c);
		}
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return reader_fail(t, TDPSIM_EPARSE, "control character in a quoted value");
		*o++ = c;
	}
	if (l->p >= l->end)
		return reader_fail(t, TDPSIM_EPARSE, "unterminated quoted value");
	l->p++; /* closing quote */
	if (l->p < l->end && !is_space(*l->p) && *l->p != '#')
		return reader_fail(t, TDPSIM_EPARSE, "text after a closing quote");
	tok->vlen = (size_t)(o - tok->val);
	*o++ = '\0';
	l->out = o;
	return 0;
}

/* The next token; 1 with one, 0 at the end of the line (or a comment), negative on error. */
static int next_token(struct tdpsim_trace *t, struct line *l, struct token *tok)
{
	const char *start;

	while (l->p < l->end && is_space(*l->p))
		l->p++;
	if (l->p >= l->end || *l->p == '#')
		return 0;
	memset(tok, 0, sizeof(*tok));
	start = l->p;
	while (l->p < l->end && !is_space(*l->p) && *l->p != '=' && *l->p != '#')
		l->p++;
	if (l->p >= l->end || *l->p != '=') { /* a bare word */
		tok->val = start;
		tok->vlen = (size_t)(l->p - start);
		return 1;
	}
	tok->key = start;
	tok->klen = (size_t)(l->p - start);
	if (tok->klen == 0)
		return reader_fail(t, TDPSIM_EPARSE, "'=' without a key before it");
	l->p++; /* '=' */
	if (l->p < l->end && *l->p == '"') {
		int rc = scan_quoted(t, l, tok);

		return rc < 0 ? rc : 1;
	}
	tok->val = l->p;
	while (l->p < l->end && !is_space(*l->p) && *l->p != '#')
		l->p++;
	tok->vlen = (size_t)(l->p - tok->val);
	if (tok->vlen == 0)
		return reader_fail(t, TDPSIM_EPARSE, "key '%.*s' has an empty value",
				   (int)tok->klen, tok->key);
	return 1;
}

/* A string value (quoted or bare) as FORMAT.md 1.1 allows it: no control characters, UTF-8. */
static int check_string(struct tdpsim_trace *t, const char *what, const struct token *tok)
{
	const char *problem = trace_string_problem(tok->val, tok->vlen);

	return problem ? reader_fail(t, TDPSIM_EPARSE, "%s holds %s", what, problem) : 0;
}

/* Copy a bare value into the string buffer, so it can be handed out NUL-terminated. */
static const char *own_string(struct line *l, const struct token *tok)
{
	char *o;

	if (tok->quoted)
		return tok->val;
	o = l->out;
	memcpy(o, tok->val, tok->vlen);
	o[tok->vlen] = '\0';
	l->out = o + tok->vlen + 1;
	return o;
}

static int word_index(const char *const *words, const char *s, size_t len)
{
	for (int i = 0; words[i]; i++)
		if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0)
			return i;
	return -1;
}

static int fail_words(struct tdpsim_trace *t, const struct key_spec *k, const struct token *tok)
{
	char list[256] = "";

	for (int i = 0; k->words[i]; i++) {
		strncat(list, i ? "|" : "", sizeof(list) - strlen(list) - 1);
		strncat(list, k->words[i], sizeof(list) - strlen(list) - 1);
	}
	return reader_fail(t, TDPSIM_EPARSE, "%s='%.*s' is not one of %s", k->name,
			   (int)tok->vlen, tok->val, list);
}

static int parse_flags(struct tdpsim_trace *t, const struct key_spec *k,
		       const struct token *tok, uint64_t *v)
{
	const char *p = tok->val, *end = tok->val + tok->vlen;

	*v = 0;
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		int i = word_index(k->words, p, (size_t)(stop - p));

		if (i < 0)
			return fail_words(t, k, tok);
		*v |= 1ull << i;
		p = stop + 1;
	}
	return 0;
}

static int parse_prot(struct tdpsim_trace *t, const struct key_spec *k,
		      const struct token *tok, uint64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < tok->vlen; i++) {
		const char *at = memchr("rwx", tok->val[i], 3);
		uint64_t bit = at ? 1ull << (at - "rwx") : 0;

		if (!bit || (*v & bit))
			return reader_fail(t, TDPSIM_EPARSE,
					   "%s='%.*s': use each of the letters r, w, x at most once",
					   k->name, (int)tok->vlen, tok->val);
		*v |= bit;
	}
	if (spec_prot_problem(k, *v))
		return reader_fail(t, TDPSIM_EPARSE, "%s='%.*s' %s", k->name, (int)tok->vlen,
				   tok->val, spec_prot_problem(k, *v));
	return 0;
}

static int parse_number(struct tdpsim_trace *t, const struct key_spec *k,
			const struct token *tok, uint64_t *v)
{
	int suffix = k->type == KT_SIZE || k->type == KT_GVA || k->type == KT_GPA ||
		     k->type == KT_HVA;
	int rc = tok->quoted ? NUM_BAD : num_parse_u64(tok->val, tok->vlen, suffix, v);

	if (rc == NUM_BAD)
		return reader_fail(t, TDPSIM_EPARSE, "%s='%.*s' is not a number%s", k->name,
				   (int)tok->vlen, tok->val,
				   suffix ? " (decimal or 0x hex, optional K/M/G/T suffix)"
					  : " (decimal or 0x hex)");
	if (rc == NUM_OVERFLOW)
		return reader_fail(t, TDPSIM_EPARSE, "%s='%.*s' does not fit in 64 bits", k->name,
				   (int)tok->vlen, tok->val);
	if (k->type == KT_DUR) {
		if (*v > k->max / k->scale)
			return reader_fail(t, TDPSIM_EPARSE, "%s='%.*s' is too long a time",
					   k->name, (int)tok->vlen, tok->val);
		*v *= k->scale;
	}
	if (k->type == KT_GVA)
		return 0; /* any 64-bit value; canonical form is checked after */
	if (*v > k->max && k->max > 0xffff)
		return reader_fail(t, TDPSIM_EPARSE, "%s=%.*s is out of range (at most 0x%" PRIx64 ")",
				   k->name, (int)tok->vlen, tok->val, k->max);
	if (*v > k->max)
		return reader_fail(t, TDPSIM_EPARSE, "%s=%.*s is out of range (at most %" PRIu64 ")",
				   k->name, (int)tok->vlen, tok->val, k->max);
	return 0;
}

/* Store one key's value into the event. */
static int parse_value(struct tdpsim_trace *t, struct line *l, const struct key_spec *k,
		       const struct token *tok, tdpsim_event *ev)
{
	uint64_t v = 0;
	int rc = 0, i;

	switch (k->type) {
	case KT_STR:
		if (tok->vlen > STR_MAX)
			return reader_fail(t, TDPSIM_EPARSE, "%s is longer than %u bytes", k->name,
					   STR_MAX);
		if ((rc = check_string(t, k->name, tok)) < 0)
			return rc;
		*field_str(ev, k->offset) = own_string(l, tok);
		return 0;
	case KT_ENUM:
		i = word_index(k->words, tok->val, tok->vlen);
		if (i < 0 || tok->quoted)
			return fail_words(t, k, tok);
		v = k->enum_base + (uint64_t)i;
		break;
	case KT_FLAGS:
		rc = parse_flags(t, k, tok, &v);
		break;
	case KT_PROT:
	case KT_EPT_PROT:
		rc = parse_prot(t, k, tok, &v);
		break;
	default:
		rc = parse_number(t, k, tok, &v);
		break;
	}
	if (rc < 0)
		return rc;
	key_put(ev, k, v);
	if (k->present >= 0)
		*field_u32(ev, (uint16_t)k->present) = 1;
	return 0;
}

static int find_key(const struct cmd_spec *c, const struct token *tok)
{
	for (unsigned i = 0; i < c->nkeys; i++) {
		const struct key_spec *k = &c->keys[i];

		if (tok->key && k->type != KT_ONOFF && strlen(k->name) == tok->klen &&
		    memcmp(k->name, tok->key, tok->klen) == 0)
			return (int)i;
		if (!tok->key && k->type == KT_ONOFF &&
		    ((tok->vlen == 2 && memcmp(tok->val, "on", 2) == 0) ||
		     (tok->vlen == 3 && memcmp(tok->val, "off", 3) == 0)))
			return (int)i;
	}
	return -1;
}

static int fail_unknown_key(struct tdpsim_trace *t, const struct cmd_spec *c,
			    const struct token *tok)
{
	char list[256] = "";

	for (unsigned i = 0; i < c->nkeys; i++) {
		strncat(list, i ? " " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, c->keys[i].type == KT_ONOFF ? "on|off" : c->keys[i].name,
			sizeof(list) - strlen(list) - 1);
	}
	if (!tok->key)
		return reader_fail(t, TDPSIM_EPARSE, "expected KEY=VALUE, got '%.*s' (%s takes: %s)",
				   (int)tok->vlen, tok->val, c->name, list);
	return reader_fail(t, TDPSIM_EPARSE, "unknown key '%.*s' for %s (it takes: %s)",
			   (int)tok->klen, tok->key, c->name, list);
}

/* After all tokens: every required key (or one of each required group) is there. */
static int check_required(struct tdpsim_trace *t, const struct cmd_spec *c, uint32_t given)
{
	for (unsigned i = 0; i < c->nkeys; i++) {
		const struct key_spec *k = &c->keys[i];
		uint32_t group_given = 0;

		if (!k->group) {
			if (k->required == 1 && !(given & (1u << i)))
				return reader_fail(t, TDPSIM_EPARSE, "%s needs %s%s", c->name,
						   k->type == KT_ONOFF ? "on or off" : k->name,
						   k->type == KT_ONOFF ? "" : "=");
			continue;
		}
		if (!key_is_first_of_field(c, i))
			continue;
		for (unsigned j = i; j < c->nkeys; j++)
			if (c->keys[j].group == k->group && (given & (1u << j)))
				group_given++;
		if (group_given != 1)
			return reader_fail(t, TDPSIM_EPARSE, "%s needs exactly one of ns= us= ms= s=",
					   c->name);
	}
	return 0;
}

static int parse_command(struct tdpsim_trace *t, struct line *l, const struct cmd_spec *c,
			 tdpsim_event *ev)
{
	struct token tok;
	uint32_t given = 0;
	char buf[160];
	const char *msg;
	int rc;

	spec_defaults(ev);
	while ((rc = next_token(t, l, &tok)) > 0) {
		int i = find_key(c, &tok);

		if (i < 0)
			return fail_unknown_key(t, c, &tok);
		if (!spec_key_in(&c->keys[i], t->version))
			return reader_fail(t, TDPSIM_EPARSE, "key '%s' of %s is new in trace format "
					   "version %u, but the trace says version %u",
					   c->keys[i].name, c->name, c->keys[i].since, t->version);
		if (given & (1u << i))
			return reader_fail(t, TDPSIM_EPARSE, "key '%s' is given twice",
					   c->keys[i].type == KT_ONOFF ? "on|off" : c->keys[i].name);
		given |= 1u << i;
		if (c->keys[i].type == KT_ONOFF)
			*field_u32(ev, c->keys[i].offset) = tok.val[1] == 'n';
		else if ((rc = parse_value(t, l, &c->keys[i], &tok, ev)) < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if ((rc = check_required(t, c, given)) < 0)
		return rc;
	msg = spec_validate(ev, given, buf, sizeof(buf));
	if (!msg)
		msg = spec_version_problem(ev, t->version, buf, sizeof(buf));
	if (msg)
		return reader_fail(t, TDPSIM_EPARSE, "%s: %s", c->name, msg);
	return 1;
}

static int is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* A `set` line: keep every pair, hand them out one per call. */
static int parse_set(struct tdpsim_trace *t, struct line *l)
{
	struct token tok;
	int rc;

	l->out = t->setbuf;
	t->set_n = t->set_i = 0;
	while ((rc = next_token(t, l, &tok)) > 0) {
		char *key;

		if (!tok.key)
			return reader_fail(t, TDPSIM_EPARSE, "set expects KEY=VALUE, got '%.*s'",
					   (int)tok.vlen, tok.val);
		for (size_t i = 0; i < tok.klen; i++)
			if (!is_key_char(tok.key[i]))
				return reader_fail(t, TDPSIM_EPARSE,
						   "setting name '%.*s' may use only a-z, 0-9 and _",
						   (int)tok.klen, tok.key);
		if (t->set_n == SET_PAIRS_MAX)
			return reader_fail(t, TDPSIM_EPARSE, "more than %u settings on one line",
					   SET_PAIRS_MAX);
		if (tok.vlen > STR_MAX)
			return reader_fail(t, TDPSIM_EPARSE, "set value is longer than %u bytes",
					   STR_MAX);
		if ((rc = check_string(t, "a set value", &tok)) < 0)
			return rc;
		for (size_t i = 0; i < t->set_n; i++) /* each key once, as on every line */
			if (strlen(t->set_key[i]) == tok.klen &&
			    memcmp(t->set_key[i], tok.key, tok.klen) == 0)
				return reader_fail(t, TDPSIM_EPARSE, "key '%.*s' is given twice",
						   (int)tok.klen, tok.key);
		t->set_val[t->set_n] = own_string(l, &tok);
		key = l->out;
		memcpy(key, tok.key, tok.klen);
		key[tok.klen] = '\0';
		l->out = key + tok.klen + 1;
		t->set_key[t->set_n++] = key;
	}
	if (rc < 0)
		return rc;
	if (t->set_n == 0)
		return reader_fail(t, TDPSIM_EPARSE, "set needs at least one KEY=VALUE");
	return 1;
}

static int emit_set(struct tdpsim_trace *t, tdpsim_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->cmd = TDPSIM_CMD_SET;
	ev->u.set.key = t->set_key[t->set_i];
	ev->u.set.value = t->set_val[t->set_i];
	t->set_i++;
	return 1;
}

/* The next line that is not blank or only a comment; 1, 0 at the end, or negative. */
static int next_content_line(struct tdpsim_trace *t, struct line *l)
{
	const char *s = NULL;
	size_t n = 0;
	int rc;

	while ((rc = next_line(t, &s, &n)) > 0) {
		if (memchr(s, '\0', n))
			return reader_fail(t, TDPSIM_EPARSE,
					   "NUL byte in a text trace (binary data or a damaged file?)");
		l->p = s;
		l->end = s + n;
		while (l->p < l->end && is_space(*l->p))
			l->p++;
		if (l->p < l->end && *l->p != '#')
			return 1;
	}
	return rc;
}

/* For a first line that is not the header: what the file seems to be instead, if it is
 * something people give by mistake. */
static const char *what_it_looks_like(const char *line, const char *end)
{
	size_t n = (size_t)(end - line);

	if (n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		return " (the file begins with a UTF-8 byte-order mark: save it without one)";
	if (memchr(line, '\r', n))
		return " (its lines end in a lone CR: use LF or CR LF line ends)";
	if (n >= 2 && line[0] == '=' && line[1] == '=')
		return " (it looks like a valgrind log: tdpsim import --from lackey turns one into "
		       "a trace)";
	if (memmem(line, n, "kvm_", 4) || memmem(line, n, "kvmmmu_", 7))
		return " (it looks like a recording of KVM's tracepoints: tdpsim import --from "
		       "ftrace or perf turns one into a trace)";
	return "";
}

int text_header(struct tdpsim_trace *t)
{
	static const char magic[] = "tdpsim-trace";
	struct line l = { 0 };
	struct token tok;
	uint64_t version;
	int rc = next_content_line(t, &l);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return reader_fail(t, TDPSIM_EPARSE, "empty trace: expected 'tdpsim-trace 2'");
	l.out = t->strbuf;
	if ((size_t)(l.end - l.p) < sizeof(magic) - 1 || memcmp(l.p, magic, sizeof(magic) - 1) != 0)
		return reader_fail(t, TDPSIM_EPARSE,
				   "not a tdpsim trace: the first line must be 'tdpsim-trace 2'%s",
				   what_it_looks_like(l.p, l.end));
	rc = next_token(t, &l, &tok);
	if (rc < 0)
		return rc;
	if (tok.key || tok.vlen != sizeof(magic) - 1 || memcmp(tok.val, magic, tok.vlen) != 0)
		return reader_fail(t, TDPSIM_EPARSE,
				   "not a tdpsim trace: the first line must be 'tdpsim-trace 2'");
	rc = next_token(t, &l, &tok);
	if (rc < 0)
		return rc;
	if (rc > 0 && memchr(tok.val, '\r', tok.vlen))
		return reader_fail(t, TDPSIM_EPARSE, "the lines end in a lone CR: use LF or CR LF "
				   "line ends");
	if (rc == 0 || tok.key || num_parse_u64(tok.val, tok.vlen, 0, &version) != NUM_OK)
		return reader_fail(t, TDPSIM_EPARSE, "'tdpsim-trace' must be followed by a version");
	if (version < FORMAT_VERSION_MIN || version > FORMAT_VERSION)
		return reader_fail(t, TDPSIM_EPARSE,
				   "trace format version %" PRIu64 " is not supported "
				   "(this tdpsim reads versions %d to %d)", version,
				   FORMAT_VERSION_MIN, FORMAT_VERSION);
	t->version = (unsigned)version;
	if ((rc = next_token(t, &l, &tok)) != 0)
		return rc < 0 ? rc : reader_fail(t, TDPSIM_EPARSE, "text after the version");
	return 0;
}

int text_next(struct tdpsim_trace *t, tdpsim_event *ev)
{
	struct line l = { 0 };
	struct token tok;
	const struct cmd_spec *c;
	tdpsim_cmd cmd;
	int rc;

	if (t->set_i < t->set_n)
		return emit_set(t, ev);
	rc = next_content_line(t, &l);
	if (rc <= 0) {
		t->done = rc == 0;
		return rc;
	}
	l.out = t->strbuf;
	if ((rc = next_token(t, &l, &tok)) < 0)
		return rc;
	if (tok.key)
		return reader_fail(t, TDPSIM_EPARSE, "a line must start with a command, not '%.*s='",
				   (int)tok.klen, tok.key);
	cmd = spec_lookup(tok.val, tok.vlen);
	if (cmd == TDPSIM_CMD_NONE)
		return reader_fail(t, TDPSIM_EPARSE, "unknown command '%.*s'", (int)tok.vlen,
				   tok.val);
	if (cmd == TDPSIM_CMD_SET) {
		if ((rc = parse_set(t, &l)) < 0)
			return rc;
		return emit_set(t, ev);
	}
	c = spec_of(cmd);
	if (!spec_cmd_in(c, t->version))
		return reader_fail(t, TDPSIM_EPARSE, "command '%s' is new in trace format version "
				   "%u, but the trace says version %u (its first line)", c->name,
				   c->since, t->version);
	ev->cmd = cmd;
	return parse_command(t, &l, c, ev);
}
