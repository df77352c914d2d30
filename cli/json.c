// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The CLI's JSON output over jansson (see json.h). */
#include <stdlib.h>
#include <string.h>
#include "json.h"

void jw_init(struct xbr_json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

/* Put @v (a new reference, taken) where the document is: the root, the
 * open array's end, or the open object under the pending key. */
static void put(struct xbr_json *j, json_t *v)
{
	json_t *in = j->depth ? j->stack[j->depth - 1] : NULL;

	if (!v)
		return;
	if (!in) {
		json_decref(j->root);
		j->root = v;
	} else if (json_is_array(in)) {
		json_array_append_new(in, v);
	} else {
		json_object_set_new_nocheck(in, j->key ? j->key : "", v);
	}
	free(j->key);
	j->key = NULL;
}

static void open_container(struct xbr_json *j, json_t *c)
{
	if (!c)
		return;
	json_incref(c);
	put(j, c);
	if (j->depth < XBR_JSON_MAX_DEPTH)
		j->stack[j->depth++] = c;
	else
		json_decref(c);
}

static void close_container(struct xbr_json *j)
{
	if (j->depth > 0)
		json_decref(j->stack[--j->depth]);
}

void jw_open_array(struct xbr_json *j)
{
	open_container(j, json_array());
}

void jw_close_array(struct xbr_json *j)
{
	close_container(j);
}

void jw_open_object(struct xbr_json *j)
{
	open_container(j, json_object());
}

void jw_close_object(struct xbr_json *j)
{
	close_container(j);
}

/* @s as a JSON string: as it is when it is UTF-8, else byte by byte (every
 * byte above 0x7f taken for the code point of its value). */
static json_t *string_of(const char *s)
{
	json_t *v = json_string(s);
	size_t i, n;
	char *u, *p;

	if (v)
		return v;
	n = strlen(s);
	u = malloc(2 * n + 1);
	if (!u)
		return NULL;
	for (i = 0, p = u; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			*p++ = (char)c;
		} else {
			*p++ = (char)(0xc0 | (c >> 6));
			*p++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*p = '\0';
	v = json_string(u);
	free(u);
	return v;
}

void jw_key(struct xbr_json *j, const char *key)
{
	json_t *k = string_of(key);

	free(j->key);
	j->key = k ? strdup(json_string_value(k)) : NULL;
	json_decref(k);
}

void jw_string(struct xbr_json *j, const char *s)
{
	put(j, string_of(s));
}

void jw_uint(struct xbr_json *j, uint64_t v)
{
	put(j, v > INT64_MAX ? json_real((double)v) : json_integer((json_int_t)v));
}

void jw_int(struct xbr_json *j, int64_t v)
{
	put(j, json_integer(v));
}

void jw_bool(struct xbr_json *j, bool v)
{
	put(j, json_boolean(v));
}

void jw_finish(struct xbr_json *j)
{
	size_t flags = JSON_ENCODE_ANY | (j->pretty ? JSON_INDENT(4) : JSON_COMPACT);

	if (j->root)
		json_dumpf(j->root, j->f, flags);
	fputc('\n', j->f);
	while (j->depth > 0)
		close_container(j);
	json_decref(j->root);
	j->root = NULL;
	free(j->key);
	j->key = NULL;
}
