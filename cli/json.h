/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The CLI's JSON output, in the streaming style of iproute2's json_writer
 * (open, key, value, close), over jansson: the calls build the document and
 * jw_finish() writes it, in one piece, through json_dumpf(). Pretty output
 * is indented by four, compact output has no spaces, keys keep the order
 * they were written in. The same library the CNI plugin and the agent parse
 * and write with.
 *
 * Numbers: jansson's integers are signed 64-bit; an unsigned value above
 * INT64_MAX (no counter gets there) is written as a real, which is what jq
 * reads any number as anyway. A string that is not UTF-8 has its other
 * bytes written as \u00XX.
 */
#ifndef XBR_JSON_H
#define XBR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#define XBR_JSON_MAX_DEPTH 16

struct xbr_json {
	FILE *f;
	bool pretty;
	int depth;
	json_t *root;
	json_t *stack[XBR_JSON_MAX_DEPTH]; /* open containers, innermost last */
	char *key; /* the key the next value goes under (in an object) */
};

void jw_init(struct xbr_json *j, FILE *f, bool pretty);
void jw_open_array(struct xbr_json *j);
void jw_close_array(struct xbr_json *j);
void jw_open_object(struct xbr_json *j);
void jw_close_object(struct xbr_json *j);
void jw_key(struct xbr_json *j, const char *key);
void jw_string(struct xbr_json *j, const char *s);
void jw_uint(struct xbr_json *j, uint64_t v);
void jw_int(struct xbr_json *j, int64_t v);
void jw_bool(struct xbr_json *j, bool v);
/* End of document: written, with a newline; @j is empty again. */
void jw_finish(struct xbr_json *j);

static inline void jw_kv_string(struct xbr_json *j, const char *k, const char *v)
{
	jw_key(j, k);
	jw_string(j, v);
}

static inline void jw_kv_uint(struct xbr_json *j, const char *k, uint64_t v)
{
	jw_key(j, k);
	jw_uint(j, v);
}

static inline void jw_kv_bool(struct xbr_json *j, const char *k, bool v)
{
	jw_key(j, k);
	jw_bool(j, v);
}

#endif
