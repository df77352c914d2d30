// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <inttypes.h>
#include "json.h"

void json_init(struct xbr_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

static void indent(struct xbr_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

/* Separator and indentation before a value or a key. */
static void begin_value(struct xbr_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->depth > 0)
		indent(j);
}

static void open(struct xbr_json *j, char c)
{
	begin_value(j);
	fputc(c, j->f);
	if (j->depth < XBR_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close(struct xbr_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
}

void json_open_array(struct xbr_json *j)
{
	open(j, '[');
}

void json_close_array(struct xbr_json *j)
{
	close(j, ']');
}

void json_open_object(struct xbr_json *j)
{
	open(j, '{');
}

void json_close_object(struct xbr_json *j)
{
	close(j, '}');
}

static void write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

void json_key(struct xbr_json *j, const char *key)
{
	begin_value(j);
	write_string(j->f, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void json_string(struct xbr_json *j, const char *s)
{
	begin_value(j);
	write_string(j->f, s);
}

void json_uint(struct xbr_json *j, uint64_t v)
{
	begin_value(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_int(struct xbr_json *j, int64_t v)
{
	begin_value(j);
	fprintf(j->f, "%" PRId64, v);
}

void json_bool(struct xbr_json *j, bool v)
{
	begin_value(j);
	fputs(v ? "true" : "false", j->f);
}

void json_finish(struct xbr_json *j)
{
	fputc('\n', j->f);
}
