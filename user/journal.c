// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The undo journal and the crash journal (see journal.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "journal.h"

/* Room for a station's entries (intent, namespace, veth) without regrowing. */
#define JOURNAL_CAP0 4

int journal_add(struct journal *j, unsigned int kind, const char *name, const char *ifname)
{
	struct undo *u;
	char step[32];

	/* XBR_FAULT=journal-<kind> (journal-link, ...): as if out of memory. */
	snprintf(step, sizeof(step), "journal-%s", xbr_kind_name(kind));
	if (xbr_fault(step))
		return -ENOMEM;
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : JOURNAL_CAP0;

		u = realloc(j->v, cap * sizeof(*u));
		if (!u)
			return -ENOMEM;
		j->v = u;
		j->cap = cap;
	}
	u = &j->v[j->n++];
	u->kind = kind;
	snprintf(u->name, sizeof(u->name), "%s", name ? name : "");
	snprintf(u->ifname, sizeof(u->ifname), "%s", ifname ? ifname : "");
	return 0;
}

void journal_forget(struct journal *j)
{
	free(j->v);
	j->v = NULL;
	j->n = 0;
	j->cap = 0;
}

void journal_undo(struct xbr_bridge *br, struct journal *j)
{
	while (j->n > 0) {
		const struct undo *u = &j->v[--j->n];

		xbr_teardown(br, u->kind, u->name, u->ifname);
	}
	journal_forget(j);
}

int intent_add(struct xbr_bridge *br, const char *name, const char *ifname, uint8_t kind)
{
	struct xbr_intent_key k = {};
	struct xbr_intent v = { .kind = kind };

	snprintf(k.name, sizeof(k.name), "%s", name);
	snprintf(v.ifname, sizeof(v.ifname), "%s", ifname);
	if (bpf_map_update_elem(br->map[XBR_M_INTENT], &k, &v, BPF_ANY) < 0)
		return -errno;
	return 0;
}

void intent_del(struct xbr_bridge *br, const char *name)
{
	struct xbr_intent_key k = {};

	if (br->map[XBR_M_INTENT] < 0)
		return;
	snprintf(k.name, sizeof(k.name), "%s", name);
	bpf_map_delete_elem(br->map[XBR_M_INTENT], &k);
}

int intent_get(struct xbr_bridge *br, const char *name, struct xbr_intent *out)
{
	struct xbr_intent_key k = {};
	struct xbr_intent v;

	if (br->map[XBR_M_INTENT] < 0)
		return 0;
	snprintf(k.name, sizeof(k.name), "%s", name);
	if (bpf_map_lookup_elem(br->map[XBR_M_INTENT], &k, &v) < 0)
		return 0;
	if (out)
		*out = v;
	return 1;
}
