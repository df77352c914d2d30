/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Ports: every kind behind one interface.
 *
 * A port is a record in the pinned port table (struct xbr_port, what the
 * datapath reads), a record in xbr_port_meta (what only the loader needs:
 * where its receiving end is, who owns it) and the links its kind made. What
 * differs between kinds is only what they make and remove, so a kind is a
 * struct port_kind in its own file (port_station.c, port_gateway.c,
 * port_attached.c, port_uplink.c) and an entry in kinds[] (port.c); port.c does the
 * rest for all of them: the crash journal, the datapath attachment, the
 * records, the flood list, removal.
 */
#ifndef XBR_PORT_H
#define XBR_PORT_H

#include <stddef.h>
#include <stdint.h>
#include "journal.h"
#include "parse.h"
#include "pins.h"

#define XBR_GW_PORT_SUFFIX "gw"

struct port_kind {
	const char *name; /* as `xbr show` prints it */
	/* Before anything is made: refuse what cannot work, with one line. */
	int (*precheck)(struct xbr_bridge *br, const struct xbr_ns_spec *s, const char *ifname);
	/*
	 * Make the port's links and configure them. @p arrives with ifname,
	 * name, kind, addr and plen set; create fills ifindex, mac and flags
	 * (beyond the defaults), and @m. Everything made goes into @j.
	 * @nsfd_out: the namespace of the receiving end (-1: the host), kept
	 * open for the datapath attachment.
	 */
	int (*create)(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
		      struct xbr_port_meta *m, struct journal *j, int *nsfd_out);
	/* Remove what this kind made (quiet when already gone). Called only
	 * through xbr_teardown() (journal.h), with the undo kinds' own. */
	void (*teardown)(struct xbr_bridge *br, const char *name, const char *ifname);
};

extern const struct port_kind port_station, port_gateway, port_attached, port_uplink,
	port_docker;
/* The kind's operations, NULL for a kind this build does not know. */
const struct port_kind *port_kind_of(unsigned int kind);
const char *port_kind_name(unsigned int kind);

/* Host-side interface name of a port (deterministic, <= 15 characters). */
void port_host_ifname(const struct xbr_bridge *br, unsigned int kind, const char *name, char *buf);
/* The alias xbr puts on a port's host link: "xbr:<bridge>:<name>" for a
 * station, "xbr:<bridge>:gateway", "xbr:<bridge>:<kind>:<name>" otherwise. */
void port_alias(const struct xbr_bridge *br, unsigned int kind, const char *name, char *buf,
		size_t len);
/* Parse an alias of this bridge: 0 and kind/name, or -1 when not ours. */
int port_alias_parse(const struct xbr_bridge *br, const char *alias, unsigned int *kind,
		     char name[XBR_NSNAMSIZ]);

/* Station MAC derived from an IPv4 address: 0a:58:a:b:c:d. */
void xbr_station_mac(uint32_t addr, uint8_t mac[6]);

/* ---- port.c: the life of a port ---- */

/* Add a port of any kind (spec->kind); 0 or a negative errno, nothing left.
 * It is port_make() then port_commit(). */
int port_add(struct xbr_bridge *br, const struct xbr_ns_spec *spec);

/* A port made in the kernel but not yet recorded. */
struct port_made {
	struct xbr_port p; /* the record to write (no stats index nor slot yet) */
	struct xbr_port_meta m;
	struct journal j; /* how to undo what was made */
};

/*
 * port_make - the kernel side of adding a port: the crash-journal entry, what
 * the kind makes, the datapath attachment. Touches no shared state of @br but
 * its maps (each a syscall) and @br->nl, so threads may run it at once, each
 * with its own copy of @br and netlink socket (port_batch.c). 0 (then
 * port_commit() or journal_undo(&pm->j)) or a negative errno, said in one
 * line, nothing left.
 */
int port_make(struct xbr_bridge *br, const struct xbr_ns_spec *spec, struct port_made *pm);
/* port_commit - record a made port (stats index, flood slot, config: one
 * thread at a time) and clear its crash-journal entry; on failure undo it. */
int port_commit(struct xbr_bridge *br, const struct xbr_ns_spec *spec, struct port_made *pm);
/* The one-line message of a failed step of adding @spec. */
void port_add_failed(struct xbr_bridge *br, const struct xbr_ns_spec *spec, const char *step,
		     int err);
/* Add many stations (up): port_make() by a few threads at once, then
 * port_commit() in @specs order. 0 or the first failure's errno (said once);
 * on failure the ports made are undone (recorded ones stay: the caller's). */
int port_add_batch(struct xbr_bridge *br, const struct xbr_ns_spec *specs, size_t n);
/* Remove a port by name and what its kind made; -ENOENT. */
int port_del(struct xbr_bridge *br, const char *name);
/* Remove what interrupted commands left (crash journal); @ports_only keeps
 * the gateway's entry (an `up` in progress). Returns the number cleaned. */
int port_cleanup_intents(struct xbr_bridge *br, int ports_only);
/* Free address check / allocation for @s against the bridge's ports. */
int port_spec_resolve(struct xbr_bridge *br, struct xbr_ns_spec *s, const uint32_t *used,
		      size_t nused);

/* MTU @mtu on both ends of port @p (not an uplink); one line on failure. */
int port_set_mtu(struct xbr_bridge *br, const struct xbr_port *p, unsigned int mtu);

/* Delete a port's host-side link (quiet when gone): its peer goes with it,
 * wherever it is. The attached and docker kinds' teardown. */
void port_host_end_teardown(struct xbr_bridge *br, const char *name, const char *ifname);
/* A docker port's receiving end: in the host under its own name, or in
 * its container (meta nspath) under the name Docker gave it. */
int port_docker_rx(struct xbr_bridge *br, const struct xbr_port *p, const struct xbr_port_meta *m,
		   int *nsfd, char ifname[16]);
/* The receiving end of a port (XDP offloads): its namespace fd (-1: host,
 * else to be closed by the caller) and interface name. */
int port_rx_open(struct xbr_bridge *br, const struct xbr_port *p, int *nsfd, char ifname[16]);

/* ---- port_table.c: records and the flood list ---- */

/*
 * Every lookup below is served from the port index (br->ports): xbr_ports
 * read once per open bridge (one batch lookup), written through by the
 * functions here that change it, freed by pins_close(). Code that writes
 * xbr_ports by other means calls port_index_drop() after it.
 */
void port_index_drop(struct xbr_bridge *br);

/* All port records (gateway first, then by name); caller frees *out. */
int port_list(struct xbr_bridge *br, struct xbr_port **out, size_t *n);
/* A port by name (not the gateway); -ENOENT. */
int port_find(struct xbr_bridge *br, const char *name, struct xbr_port *out);
/* A port by name, host-side ifname, or "gateway"; -ENOENT. */
int port_lookup(struct xbr_bridge *br, const char *name, struct xbr_port *out);
int port_meta_get(struct xbr_bridge *br, uint32_t ifindex, struct xbr_port_meta *out);
/* Write back the meta of port @ifindex (which must exist); 0 or -errno. */
int port_meta_set(struct xbr_bridge *br, uint32_t ifindex, const struct xbr_port_meta *m);
/* Every port's IPv4 address (0 for none), in no order; caller frees *out. */
int port_used_addrs(struct xbr_bridge *br, uint32_t **out, size_t *n);
/* The smallest non-zero MTU of the ports of @kind but @skip_ifindex; 0: none. */
uint32_t port_min_mtu(struct xbr_bridge *br, unsigned int kind, uint32_t skip_ifindex);
/* Record a new port (stats index, flood slot, devmaps) and its meta. */
int port_record_add(struct xbr_bridge *br, struct xbr_port *p, const struct xbr_port_meta *m);
/* Remove a record: flood list kept dense, its FDB entries flushed. */
int port_record_del(struct xbr_bridge *br, uint32_t ifindex);
/* Write a changed record back, with its flood-list entry and devmaps. */
int port_record_update(struct xbr_bridge *br, const struct xbr_port *p);
/* Make the flood list and nports agree with the port table again. */
int flood_rebuild(struct xbr_bridge *br);

/*
 * The flood list's swap-remove, shared with the datapath tests: clear slot
 * @slot of the list in @flood_fd by moving the last valid entry (of
 * *@nports) into it and fixing that port's slot in @ports_fd.
 */
int flood_list_remove(int flood_fd, int ports_fd, uint32_t *nports, uint32_t slot);

/*
 * Station @name's resolver configuration (/etc/netns/NAME/resolv.conf: the
 * gateway, search the bridge's domain), none when the bridge answers no DNS
 * query. 0 or a negative errno after one line.
 */
int port_station_resolv(struct xbr_bridge *br, const char *name);

#endif

/*
 * Configure the inside end @ifname of a port in namespace @nsfd: up, and
 * unless @spec->no_config its address, the bridge's IPv6 address and the
 * default routes via the gateway; with @lo_up, lo too. Prints one line
 * naming @spec's port and the step (with the kernel's message) on failure.
 */
int port_configure_inside(struct xbr_bridge *br, int nsfd, const char *ifname,
			  const struct xbr_ns_spec *spec, int lo_up);
/*
 * A veth pair for a port whose receiving end is in namespace @nsfd: host end
 * p->ifname (aliased, up), peer @in inside with p->mac, configured by
 * port_configure_inside() (lo too with @lo_up); fills p->ifindex and PEER.
 * The pair goes into @j; one line printed on failure.
 */
int port_veth_make(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
		   int nsfd, const char *in, int lo_up, struct journal *j);
/* The word for a port in messages: "namespace" for a station, else "port". */
const char *port_noun(unsigned int kind);
