// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* One output path for text and JSON (see out.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "out.h"

void out_start(struct xbr_out *o, FILE *f, bool json, bool pretty)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->json = json;
	if (json)
		jw_init(&o->j, f, pretty);
}

void out_end(struct xbr_out *o)
{
	if (o->json)
		jw_finish(&o->j);
}

static void key(struct xbr_out *o, const char *k)
{
	if (k)
		jw_key(&o->j, k);
}

void out_open_object(struct xbr_out *o, const char *k)
{
	if (!o->json)
		return;
	key(o, k);
	jw_open_object(&o->j);
}

void out_close_object(struct xbr_out *o)
{
	if (o->json)
		jw_close_object(&o->j);
}

void out_open_array(struct xbr_out *o, const char *k)
{
	if (!o->json)
		return;
	key(o, k);
	jw_open_array(&o->j);
}

void out_close_array(struct xbr_out *o)
{
	if (o->json)
		jw_close_array(&o->j);
}

void out_str(struct xbr_out *o, enum out_which w, const char *k, const char *fmt, const char *v)
{
	if (o->json && (w & OUT_JSON)) {
		key(o, k);
		jw_string(&o->j, v);
	} else if (!o->json && (w & OUT_TEXT)) {
		fprintf(o->f, fmt, v);
	}
}

void out_u64(struct xbr_out *o, enum out_which w, const char *k, const char *fmt, uint64_t v)
{
	if (o->json && (w & OUT_JSON)) {
		key(o, k);
		jw_uint(&o->j, v);
	} else if (!o->json && (w & OUT_TEXT)) {
		fprintf(o->f, fmt, (unsigned long long)v);
	}
}

void out_bool(struct xbr_out *o, enum out_which w, const char *k, const char *fmt, bool v)
{
	if (o->json && (w & OUT_JSON)) {
		key(o, k);
		jw_bool(&o->j, v);
	} else if (!o->json && (w & OUT_TEXT)) {
		fprintf(o->f, fmt, v ? "true" : "false");
	}
}

void out_text(struct xbr_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

void out_counters(struct xbr_out *o, const struct out_counter *c, size_t n, const void *base)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, (const char *)base + c[i].off, sizeof(v));
		out_u64(o, OUT_ANY, c[i].key, c[i].fmt, v);
	}
}
