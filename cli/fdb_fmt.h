/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Output of `xbr fdb show` and `xbr show`: text like `bridge fdb show`, or JSON. */
#ifndef XBR_FDB_FMT_H
#define XBR_FDB_FMT_H

#include <stdbool.h>
#include <stdio.h>
#include "bridge.h"

void fdb_print_text(FILE *f, const char *bridge, const struct xbr_fdb_row *rows, size_t n);
void fdb_print_json(FILE *f, const char *bridge, const struct xbr_fdb_row *rows, size_t n,
		    bool pretty);

/* Port flags as words ("learning", "flood", ...): one per set bit. */
size_t port_flag_words(uint32_t flags, const char **words, size_t max);

void ports_print_text(FILE *f, const char *bridge, const struct xbr_config *cfg,
		      const struct xbr_port *ports, const struct xbr_port_meta *meta, size_t n);
/* One port as `xbr -j show` lists it (`xbr -j port add` prints the new one). */
void port_print_json(FILE *f, const struct xbr_config *cfg, const struct xbr_port *p,
		     const struct xbr_port_meta *meta, bool pretty);
void ports_print_json(FILE *f, const char *bridge, const struct xbr_config *cfg,
		      const struct xbr_port *ports, const struct xbr_port_meta *meta, size_t n,
		      bool pretty);
/*
 * The same, with the state of the bridge's nf_tables rules (@nat_rules:
 * "ok", "missing" or "unknown"; NULL: not shown): text "nat masquerade
 * (rules missing: run xbr restore)", JSON "nat_rules".
 */
void ports_print_text_nat(FILE *f, const char *bridge, const struct xbr_config *cfg,
			  const char *nat_rules, const struct xbr_port *ports,
			  const struct xbr_port_meta *meta, size_t n);
void ports_print_json_nat(FILE *f, const char *bridge, const struct xbr_config *cfg,
			  const char *nat_rules, const struct xbr_port *ports,
			  const struct xbr_port_meta *meta, size_t n, bool pretty);

#endif
