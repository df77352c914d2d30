// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The forwarding table as the commands see it: live rows joined with their
 * ports, and control requests (xbr_ctl.bpf.c) that change it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "bridge.h"
#include "pins.h"
#include "port.h"
#include "xbr_rules.h"

static int fdb_row_cmp(const void *a, const void *b)
{
	const struct xbr_fdb_row *x = a, *y = b;
	int c = strcmp(x->ifname, y->ifname);

	if (c)
		return c;
	c = memcmp(x->mac, y->mac, 6);
	if (c)
		return c;
	return (int)x->vlan - (int)y->vlan;
}

int br_fdb_rows(struct xbr_bridge *br, struct xbr_fdb_row **out, size_t *n)
{
	struct xbr_fdb_row *rows = NULL, *nr;
	struct xbr_fdb_key key, next, *prev = NULL;
	struct xbr_fdb_val val;
	struct xbr_port *ports = NULL;
	struct xbr_port_meta meta;
	size_t cnt = 0, cap = 0, np = 0, i;
	int fd = br->map[XBR_M_FDB];
	struct timespec ts;
	uint64_t now;
	int err;

	err = port_list(br, &ports, &np);
	if (err)
		return err;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val) < 0)
			continue;
		if (xbr_fdb_expired(val.flags, val.updated_ns, br->cfg.ageing_ns, now))
			continue; /* the datapath no longer uses it */
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			nr = realloc(rows, cap * sizeof(*rows));
			if (!nr) {
				free(rows);
				free(ports);
				return -ENOMEM;
			}
			rows = nr;
		}
		memset(&rows[cnt], 0, sizeof(rows[cnt]));
		memcpy(rows[cnt].mac, key.mac, 6);
		rows[cnt].vlan = key.vlan;
		rows[cnt].ifindex = val.ifindex;
		rows[cnt].flags = val.flags;
		memcpy(rows[cnt].remote, val.remote, sizeof(rows[cnt].remote));
		rows[cnt].age_sec = now > val.updated_ns ? (now - val.updated_ns) / 1000000000ULL : 0;
		for (i = 0; i < np; i++) {
			if (ports[i].ifindex == val.ifindex) {
				memcpy(rows[cnt].ifname, ports[i].ifname, XBR_IFNAMSIZ);
				memcpy(rows[cnt].netns, ports[i].name, XBR_NSNAMSIZ);
				rows[cnt].kind = ports[i].kind;
				if (port_meta_get(br, val.ifindex, &meta) == 0)
					memcpy(rows[cnt].owner, meta.owner, sizeof(rows[cnt].owner));
				break;
			}
		}
		if (!rows[cnt].ifname[0])
			snprintf(rows[cnt].ifname, XBR_IFNAMSIZ, "if%u", val.ifindex);
		cnt++;
	}
	free(ports);
	if (cnt)
		qsort(rows, cnt, sizeof(*rows), fdb_row_cmp);
	*out = rows;
	*n = cnt;
	return 0;
}

int br_ctl(struct xbr_bridge *br, struct xbr_ctl_req *c)
{
	return ctl_run(br->prog[XBR_P_CTL], c);
}
