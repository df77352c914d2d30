/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A minimal streaming JSON writer (in the spirit of iproute2's json_writer). */
#ifndef XBR_JSON_H
#define XBR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XBR_JSON_MAX_DEPTH 16

struct xbr_json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[XBR_JSON_MAX_DEPTH]; /* no element written yet at this level */
	bool after_key;
};

void json_init(struct xbr_json *j, FILE *f, bool pretty);
void json_open_array(struct xbr_json *j);
void json_close_array(struct xbr_json *j);
void json_open_object(struct xbr_json *j);
void json_close_object(struct xbr_json *j);
void json_key(struct xbr_json *j, const char *key);
void json_string(struct xbr_json *j, const char *s);
void json_uint(struct xbr_json *j, uint64_t v);
void json_int(struct xbr_json *j, int64_t v);
void json_bool(struct xbr_json *j, bool v);
/* End of document: newline. */
void json_finish(struct xbr_json *j);

static inline void json_kv_string(struct xbr_json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_string(j, v);
}

static inline void json_kv_uint(struct xbr_json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_uint(j, v);
}

static inline void json_kv_bool(struct xbr_json *j, const char *k, bool v)
{
	json_key(j, k);
	json_bool(j, v);
}

#endif
