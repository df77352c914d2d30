// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Output of `xbr fdb show` and `xbr show`: text like iproute2's, or JSON. */
#include <arpa/inet.h>
#include <string.h>
#include "bridge.h"
#include "fdb_fmt.h"
#include "out.h"
#include "nat.h"

/* The tunnel endpoint of a remote entry as text, "" for a local one. */
static const char *fdb_dst(const struct xbr_fdb_row *r, char *buf, size_t len)
{
	if (!(r->flags & XBR_FDB_F_REMOTE))
		return "";
	return inet_ntop(r->flags & XBR_FDB_F_REMOTE6 ? AF_INET6 : AF_INET, r->remote, buf,
			 (socklen_t)len);
}

/* `bridge fdb show`'s state: "static", or nothing for entries that age. */
static const char *fdb_state(uint32_t flags)
{
	return (flags & XBR_FDB_F_STATIC) ? "static" : "";
}

/* xbr's own: who made the entry. */
static const char *fdb_origin(uint32_t flags)
{
	return (flags & XBR_FDB_F_USER) ? "user" : "learned";
}

/*
 * One entry. Text as `bridge fdb show`, then xbr's own fields:
 * aa:bb:cc:dd:ee:ff dev xbr0-ns1 [vlan N] [dst ADDR] [sticky] master xbr0 [static]
 *   [netns ns1 | uplink NAME] [owner ID] [age 3]
 * JSON with the keys and order of `bridge -j fdb show` (mac, ifname, vlan,
 * flags, master, state), then xbr's own: netns, uplink, owner, age (seconds
 * since the entry was last refreshed; not for static entries), origin
 * (learned or user).
 */
static void fdb_out(struct xbr_out *o, const char *bridge, const struct xbr_fdb_row *r)
{
	char mac[XBR_MAC_STRLEN], dst[INET6_ADDRSTRLEN];

	xbr_format_mac(r->mac, mac);
	out_open_object(o, NULL);
	out_str(o, OUT_ANY, "mac", "%s", mac);
	out_str(o, OUT_ANY, "ifname", " dev %s", r->ifname);
	if (r->vlan)
		out_u64(o, OUT_ANY, "vlan", " vlan %llu", r->vlan);
	if (r->flags & XBR_FDB_F_REMOTE) /* where `bridge fdb` puts it */
		out_str(o, OUT_ANY, "dst", " dst %s", fdb_dst(r, dst, sizeof(dst)));
	out_open_array(o, "flags");
	if (r->flags & XBR_FDB_F_STICKY)
		out_str(o, OUT_ANY, NULL, " %s", "sticky");
	out_close_array(o);
	out_str(o, OUT_ANY, "master", " master %s", bridge);
	out_str(o, OUT_JSON, "state", NULL, fdb_state(r->flags));
	if (r->flags & XBR_FDB_F_STATIC)
		out_text(o, " static");
	out_str(o, OUT_JSON, "netns", NULL, r->netns);
	if (r->kind == XBR_KIND_UPLINK)
		out_str(o, OUT_ANY, "uplink", " uplink %s", r->netns);
	else if (r->netns[0])
		out_str(o, OUT_TEXT, NULL, " netns %s", r->netns);
	if (r->owner[0])
		out_str(o, OUT_ANY, "owner", " owner %s", r->owner);
	if (!(r->flags & XBR_FDB_F_STATIC))
		out_u64(o, OUT_ANY, "age", " age %llu", r->age_sec);
	out_str(o, OUT_JSON, "origin", NULL, fdb_origin(r->flags));
	out_text(o, "\n");
	out_close_object(o);
}

static void fdb_rows_out(FILE *f, bool json, bool pretty, const char *bridge,
			 const struct xbr_fdb_row *rows, size_t n)
{
	struct xbr_out o;
	size_t i;

	out_start(&o, f, json, pretty);
	out_open_array(&o, NULL);
	for (i = 0; i < n; i++)
		fdb_out(&o, bridge, &rows[i]);
	out_close_array(&o);
	out_end(&o);
}

void fdb_print_text(FILE *f, const char *bridge, const struct xbr_fdb_row *rows, size_t n)
{
	fdb_rows_out(f, false, false, bridge, rows, n);
}

void fdb_print_json(FILE *f, const char *bridge, const struct xbr_fdb_row *rows, size_t n,
		    bool pretty)
{
	fdb_rows_out(f, true, pretty, bridge, rows, n);
}

static const struct {
	uint32_t bit;
	const char *word;
} port_flags[] = {
	{ XBR_PORT_F_GATEWAY, "gateway" },   { XBR_PORT_F_LEARNING, "learning" },
	{ XBR_PORT_F_FLOOD, "flood" },       { XBR_PORT_F_ISOLATED, "isolated" },
	{ XBR_PORT_F_HAIRPIN, "hairpin" },   { XBR_PORT_F_LOCKED, "locked" },
	{ XBR_PORT_F_SPOOFCHK, "spoof-check" }, { XBR_PORT_F_TUNNEL, "tunnel" },
	{ XBR_PORT_F_NEIGH_SUPPRESS, "neigh-suppress" },
};

size_t port_flag_words(uint32_t flags, const char **words, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(port_flags) / sizeof(port_flags[0]) && n < max; i++)
		if (flags & port_flags[i].bit)
			words[n++] = port_flags[i].word;
	return n;
}

static const char *mode_name(uint8_t mode)
{
	return mode == XBR_MODE_XDP ? "xdp" : "tc";
}

static const char *kind_word(unsigned int kind)
{
	return br_port_kind_name(kind);
}

void ports_print_text(FILE *f, const char *bridge, const struct xbr_config *cfg,
		      const struct xbr_port *ports, const struct xbr_port_meta *meta, size_t n)
{
	ports_print_text_nat(f, bridge, cfg, NULL, ports, meta, n);
}

/* One port: a line of text, or an object; @meta (may be NULL) what the
 * loader alone knows of it. */
static void port_out(struct xbr_out *o, const struct xbr_config *cfg, const struct xbr_port *p,
		     const struct xbr_port_meta *meta)
{
	char mac[XBR_MAC_STRLEN], addr[INET_ADDRSTRLEN];
	const char *words[12];
	size_t k, nw;

	xbr_format_mac(p->mac, mac);
	inet_ntop(AF_INET, &p->addr, addr, sizeof(addr));
	out_open_object(o, NULL);
	out_u64(o, OUT_ANY, "ifindex", "%llu:", p->ifindex);
	out_str(o, OUT_ANY, "ifname", " %s", p->ifname);
	out_str(o, OUT_JSON, "netns", NULL, p->name);
	out_str(o, OUT_TEXT, NULL, " netns %s", p->name[0] ? p->name : "-");
	/* (text has called the gateway port a station since the first release) */
	out_str(o, OUT_JSON, "kind", NULL, kind_word(p->kind));
	out_str(o, OUT_TEXT, NULL, " %s",
		p->kind == XBR_KIND_GATEWAY ? "station" : kind_word(p->kind));
	if (meta && (p->kind == XBR_KIND_ATTACHED || p->kind == XBR_KIND_DOCKER)) {
		out_str(o, OUT_JSON, "nspath", NULL, meta->nspath);
		out_str(o, OUT_JSON, "dev", NULL, meta->ifname_in);
	}
	if (meta && meta->owner[0])
		out_str(o, OUT_JSON, "owner", NULL, meta->owner);
	out_str(o, OUT_ANY, "mac", " %s", mac);
	if (p->kind == XBR_KIND_UPLINK) { /* no address: a tunnel (xbr uplink show) */
		out_u64(o, OUT_ANY, "vni", " vni %llu", p->vni);
		out_u64(o, OUT_ANY, "mtu", " mtu %llu", p->mtu);
	} else {
		out_str(o, OUT_ANY, "addr", " %s", addr);
		out_u64(o, OUT_ANY, "prefixlen", "/%llu", p->plen);
	}
	if (cfg->plen6 && p->kind != XBR_KIND_UPLINK) {
		uint8_t a6[16];
		char s6[INET6_ADDRSTRLEN];

		if (p->kind == XBR_KIND_GATEWAY)
			xbr_gateway_addr6(cfg, a6);
		else
			xbr_port_addr6(cfg, p, a6);
		inet_ntop(AF_INET6, a6, s6, sizeof(s6));
		out_str(o, OUT_ANY, "addr6", " %s", s6);
		out_u64(o, OUT_TEXT, NULL, "/%llu", cfg->plen6);
	}
	out_text(o, " <");
	out_open_array(o, "flags");
	nw = port_flag_words(p->flags, words, 12);
	for (k = 0; k < nw; k++)
		out_str(o, OUT_ANY, NULL, k ? ",%s" : "%s", words[k]);
	out_close_array(o);
	out_text(o, ">");
	if (meta && (p->kind == XBR_KIND_ATTACHED || p->kind == XBR_KIND_DOCKER))
		out_text(o, " nspath %s dev %s", meta->nspath[0] ? meta->nspath : "-",
			 meta->ifname_in);
	if (meta && meta->owner[0])
		out_text(o, " owner %s", meta->owner);
	out_text(o, "\n");
	out_close_object(o);
}

/* `show`: the bridge's settings, then a line (an object) per port. */
static void bridge_out(struct xbr_out *o, const char *bridge, const struct xbr_config *cfg,
		       const char *nat_rules, const struct xbr_port *ports,
		       const struct xbr_port_meta *meta, size_t n)
{
	char sub[INET_ADDRSTRLEN + 4], gw[INET_ADDRSTRLEN];
	size_t i;

	inet_ntop(AF_INET, &cfg->subnet, sub, sizeof(sub));
	snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "/%u", (unsigned int)(cfg->plen & 63));
	inet_ntop(AF_INET, &cfg->gateway, gw, sizeof(gw));
	out_open_object(o, NULL);
	out_str(o, OUT_ANY, "bridge", "bridge %s", bridge);
	out_str(o, OUT_ANY, "mode", " mode %s", mode_name(cfg->mode));
	out_str(o, OUT_ANY, "subnet", " subnet %s", sub);
	out_str(o, OUT_ANY, "gateway", " gateway %s", gw);
	if (cfg->plen6) {
		char s6[INET6_ADDRSTRLEN + 5];

		inet_ntop(AF_INET6, cfg->subnet6, s6, INET6_ADDRSTRLEN);
		snprintf(s6 + strlen(s6), sizeof(s6) - strlen(s6), "/%u", cfg->plen6 & 255u);
		out_str(o, OUT_ANY, "subnet6", " subnet6 %s", s6);
		/* the gateway's IPv6 address: in the text only when it is its
		 * own (up --gateway6, a Docker network's), not prefix + IPv4 */
		{
			uint8_t g6[16];

			xbr_gateway_addr6(cfg, g6);
			inet_ntop(AF_INET6, g6, s6, INET6_ADDRSTRLEN);
			out_str(o, (cfg->flags & XBR_CFG_F_GW6) ? OUT_ANY : OUT_JSON, "gateway6",
				" gateway6 %s", s6);
		}
	}
	out_str(o, OUT_ANY, "nat", " nat %s", nat_mode_name(cfg->flags));
	/* IPv6's own, in the text only when it differs (up --no-nat6) */
	if (cfg->plen6)
		out_str(o, strcmp(nat6_mode_name(cfg->flags), nat_mode_name(cfg->flags)) ? OUT_ANY :
											   OUT_JSON,
			"nat6", " nat6 %s", nat6_mode_name(cfg->flags));
	if (nat_rules)
		out_str(o, OUT_JSON, "nat_rules", NULL, nat_rules);
	if (nat_rules && !strcmp(nat_rules, "missing"))
		out_text(o, " (rules missing: run xbr restore)");
	else if (nat_rules && strcmp(nat_rules, "ok"))
		out_text(o, " (rules %s)", nat_rules);
	out_u64(o, OUT_ANY, "ageing", " ageing %llu", cfg->ageing_ns / 1000000000ULL);
	out_u64(o, OUT_ANY, "fdb_size", " fdb-size %llu", cfg->fdb_size);
	if (cfg->mtu) /* set with --mtu (or Docker's driver.mtu) */
		out_u64(o, OUT_ANY, "mtu", " mtu %llu", cfg->mtu);
	if (cfg->pub_addr) { /* set with --publish-address (or host_binding_ipv4) */
		char pa[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &cfg->pub_addr, pa, sizeof(pa));
		out_str(o, OUT_ANY, "publish_address", " publish-address %s", pa);
	}
	out_bool(o, OUT_JSON, "neigh_suppress", NULL, !!(cfg->flags & XBR_CFG_F_NEIGH_SUPPRESS));
	out_text(o, " neigh-suppress %s", (cfg->flags & XBR_CFG_F_NEIGH_SUPPRESS) ? "on" : "off");
	out_bool(o, OUT_JSON, "dns", NULL, !(cfg->flags & XBR_CFG_F_NO_DNS));
	out_text(o, " dns %s", (cfg->flags & XBR_CFG_F_NO_DNS) ? "off" : "on");
	out_text(o, " ports %zu\n", n);
	out_open_array(o, "ports");
	for (i = 0; i < n; i++)
		port_out(o, cfg, &ports[i], meta ? &meta[i] : NULL);
	out_close_array(o);
	out_close_object(o);
}

void ports_print_text_nat(FILE *f, const char *bridge, const struct xbr_config *cfg,
			  const char *nat_rules, const struct xbr_port *ports,
			  const struct xbr_port_meta *meta, size_t n)
{
	struct xbr_out o;

	out_start(&o, f, false, false);
	bridge_out(&o, bridge, cfg, nat_rules, ports, meta, n);
	out_end(&o);
}

void port_print_json(FILE *f, const struct xbr_config *cfg, const struct xbr_port *p,
		     const struct xbr_port_meta *meta, bool pretty)
{
	struct xbr_out o;

	out_start(&o, f, true, pretty);
	port_out(&o, cfg, p, meta);
	out_end(&o);
}

void ports_print_json(FILE *f, const char *bridge, const struct xbr_config *cfg,
		      const struct xbr_port *ports, const struct xbr_port_meta *meta, size_t n,
		      bool pretty)
{
	ports_print_json_nat(f, bridge, cfg, NULL, ports, meta, n, pretty);
}

void ports_print_json_nat(FILE *f, const char *bridge, const struct xbr_config *cfg,
			  const char *nat_rules, const struct xbr_port *ports,
			  const struct xbr_port_meta *meta, size_t n, bool pretty)
{
	struct xbr_out o;

	out_start(&o, f, true, pretty);
	bridge_out(&o, bridge, cfg, nat_rules, ports, meta, n);
	out_end(&o);
}
