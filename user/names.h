/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge's names (layout 4): what its datapath answers DNS queries from
 * (bpf/lib/dns.h). Every named port has its own name (a station's, an
 * attached port's: the port's name, when it is a DNS label) and any aliases
 * given to it (`port add ... name web`); each name answers with the port's
 * addresses, and each address answers PTR with the port's own name (or its
 * first alias). Names are unique per bridge, in lower case.
 */
#ifndef XBR_NAMES_H
#define XBR_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include "pins.h"

/* @s as a name key (lower case): 0, or -EINVAL when @s is not a DNS label
 * (1-63 of letters, digits and '-', not first or last). */
int names_key(const char *s, struct xbr_name_key *k);
/* Why @s is not a DNS label, or NULL when it is. */
const char *names_label_problem(const char *s);

/* The bridge's domain (its name, lower case, when a DNS label) into @cfg. */
void names_domain_set(struct xbr_config *cfg, const char *brname);

/*
 * Name port @p (its record as in the port table) @alias, or its own name when
 * @alias is NULL (a port whose name is no DNS label, the gateway and uplinks
 * then get none: 0). -EEXIST with one line when another port has the name.
 * The maps are @names_fd and @rnames_fd; @cfg for the IPv6 prefix.
 */
int names_add(int names_fd, int rnames_fd, const struct xbr_config *cfg, const char *brname,
	      const struct xbr_port *p, const char *alias);
/* Remove every name of port @p and its addresses' PTR entries. */
void names_del(int names_fd, int rnames_fd, const struct xbr_config *cfg, const struct xbr_port *p);
/* Every port of @ports_fd named (own names only): a migrated bridge. */
int names_fill(int names_fd, int rnames_fd, int ports_fd, const struct xbr_config *cfg,
	       const char *brname);

/* Every name of the bridge, sorted by name; *out to free(). */
int names_list(int names_fd, struct xbr_name_ent **out, size_t *n);

#endif /* XBR_NAMES_H */
