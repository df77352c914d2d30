/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One output path for text and JSON, as iproute2's print_*(PRINT_ANY, ...):
 * a command describes each value once (its JSON key, its text format) and
 * the same call writes whichever the user asked for (-j or not). Containers
 * (objects, arrays) exist in JSON only; text that has no JSON form is
 * OUT_TEXT, JSON that has no text form OUT_JSON.
 *
 * Counters are described once, in a table of struct out_counter (key, text
 * format, the field's offset): a new counter is one line in one table, and
 * both outputs have it.
 */
#ifndef XBR_OUT_H
#define XBR_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "json.h"

enum out_which {
	OUT_TEXT = 1,
	OUT_JSON = 2,
	OUT_ANY = 3,
};

struct xbr_out {
	FILE *f;
	bool json;
	struct xbr_json j;
};

/* Start a document on @f: JSON if @json (indented if @pretty), else text. */
void out_start(struct xbr_out *o, FILE *f, bool json, bool pretty);
/* End it (JSON: written now, with its newline). */
void out_end(struct xbr_out *o);

/* Containers, JSON only: @key names it inside an object, NULL in an array. */
void out_open_object(struct xbr_out *o, const char *key);
void out_close_object(struct xbr_out *o);
void out_open_array(struct xbr_out *o, const char *key);
void out_close_array(struct xbr_out *o);

/* A value: under @key in JSON, through printf format @fmt in text. */
void out_str(struct xbr_out *o, enum out_which w, const char *key, const char *fmt,
	     const char *v);
void out_u64(struct xbr_out *o, enum out_which w, const char *key, const char *fmt, uint64_t v);
void out_bool(struct xbr_out *o, enum out_which w, const char *key, const char *fmt, bool v);
/* Text only. */
void out_text(struct xbr_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A counter: JSON key, text format (with one %llu), where it is in its struct. */
struct out_counter {
	const char *key;
	const char *fmt;
	size_t off;
};
#define OUT_COUNTER(type, field, fmt) { #field, fmt, offsetof(type, field) }
/* Every counter of table @c (@n of them) read from @base (u64 fields). */
void out_counters(struct xbr_out *o, const struct out_counter *c, size_t n, const void *base);

#endif
