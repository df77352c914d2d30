// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The undo journal and the crash journal (see journal.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include "journal.h"
#include "netns.h"

void journal_add(struct journal *j, enum undo_kind kind, const char *name, uint32_t ifindex)
{
	if (j->n >= (int)(sizeof(j->v) / sizeof(j->v[0])))
		return;
	j->v[j->n].kind = kind;
	snprintf(j->v[j->n].name, sizeof(j->v[j->n].name), "%s", name ? name : "");
	j->v[j->n].ifindex = ifindex;
	j->n++;
}

void journal_undo(struct xbr_bridge *br, struct journal *j)
{
	while (j->n > 0) {
		struct undo *u = &j->v[--j->n];

		switch (u->kind) {
		case UNDO_NETNS:
			netns_delete(u->name);
			break;
		case UNDO_LINK:
			nl_link_del_name(&br->nl, u->name);
			break;
		case UNDO_INTENT:
			intent_del(br, u->name);
			break;
		}
	}
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
