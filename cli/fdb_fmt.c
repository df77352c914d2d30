// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Output of `xbr fdb show` and `xbr show`: text like iproute2's, or JSON. */
#include <arpa/inet.h>
#include <string.h>
#include "fdb_fmt.h"
#include "json.h"
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
 * As `bridge fdb show`, then xbr's own fields:
 * aa:bb:cc:dd:ee:ff dev xbr0-ns1 [vlan N] [dst ADDR] [sticky] master xbr0 [static]
 *   [netns ns1 | uplink NAME] [owner ID] [age 3]
 */
void fdb_print_text(FILE *f, const char *bridge, const struct xbr_fdb_row *rows, size_t n)
{
	char mac[XBR_MAC_STRLEN], dst[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct xbr_fdb_row *r = &rows[i];

		xbr_format_mac(r->mac, mac);
		fprintf(f, "%s dev %s", mac, r->ifname);
		if (r->vlan)
			fprintf(f, " vlan %u", r->vlan);
		if (r->flags & XBR_FDB_F_REMOTE) /* where `bridge fdb` puts it */
			fprintf(f, " dst %s", fdb_dst(r, dst, sizeof(dst)));
		if (r->flags & XBR_FDB_F_STICKY)
			fprintf(f, " sticky");
		fprintf(f, " master %s", bridge);
		if (r->flags & XBR_FDB_F_STATIC)
			fprintf(f, " static");
		if (r->kind == XBR_KIND_UPLINK)
			fprintf(f, " uplink %s", r->netns);
		else if (r->netns[0])
			fprintf(f, " netns %s", r->netns);
		if (r->owner[0])
			fprintf(f, " owner %s", r->owner);
		if (!(r->flags & XBR_FDB_F_STATIC))
			fprintf(f, " age %llu", (unsigned long long)r->age_sec);
		fputc('\n', f);
	}
}

/* Keys and their order as `bridge -j fdb show` (mac, ifname, vlan, flags,
 * master, state), then xbr's own: netns, age (seconds since the entry was
 * last refreshed; not for static entries), origin (learned or user). */
void fdb_print_json(FILE *f, const char *bridge, const struct xbr_fdb_row *rows, size_t n,
		    bool pretty)
{
	struct xbr_json j;
	char mac[XBR_MAC_STRLEN], dst[INET6_ADDRSTRLEN];
	size_t i;

	jw_init(&j, f, pretty);
	jw_open_array(&j);
	for (i = 0; i < n; i++) {
		const struct xbr_fdb_row *r = &rows[i];

		xbr_format_mac(r->mac, mac);
		jw_open_object(&j);
		jw_kv_string(&j, "mac", mac);
		jw_kv_string(&j, "ifname", r->ifname);
		if (r->vlan)
			jw_kv_uint(&j, "vlan", r->vlan);
		if (r->flags & XBR_FDB_F_REMOTE)
			jw_kv_string(&j, "dst", fdb_dst(r, dst, sizeof(dst)));
		jw_key(&j, "flags");
		jw_open_array(&j);
		if (r->flags & XBR_FDB_F_STICKY)
			jw_string(&j, "sticky");
		jw_close_array(&j);
		jw_kv_string(&j, "master", bridge);
		jw_kv_string(&j, "state", fdb_state(r->flags));
		jw_kv_string(&j, "netns", r->netns);
		if (r->kind == XBR_KIND_UPLINK)
			jw_kv_string(&j, "uplink", r->netns);
		if (r->owner[0])
			jw_kv_string(&j, "owner", r->owner);
		if (!(r->flags & XBR_FDB_F_STATIC))
			jw_kv_uint(&j, "age", r->age_sec);
		jw_kv_string(&j, "origin", fdb_origin(r->flags));
		jw_close_object(&j);
	}
	jw_close_array(&j);
	jw_finish(&j);
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

static const char *const kind_words[] = { "station", "gateway", "attached", "uplink" };

static const char *kind_word(unsigned int kind)
{
	return kind < sizeof(kind_words) / sizeof(kind_words[0]) ? kind_words[kind] : "unknown";
}

void ports_print_text(FILE *f, const char *bridge, const struct xbr_config *cfg,
		      const struct xbr_port *ports, const struct xbr_port_meta *meta, size_t n)
{
	ports_print_text_nat(f, bridge, cfg, NULL, ports, meta, n);
}

void ports_print_text_nat(FILE *f, const char *bridge, const struct xbr_config *cfg,
			  const char *nat_rules, const struct xbr_port *ports,
			  const struct xbr_port_meta *meta, size_t n)
{
	char sub[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], addr[INET_ADDRSTRLEN];
	char mac[XBR_MAC_STRLEN];
	const char *words[12];
	size_t i, k, nw;

	inet_ntop(AF_INET, &cfg->subnet, sub, sizeof(sub));
	inet_ntop(AF_INET, &cfg->gateway, gw, sizeof(gw));
	fprintf(f, "bridge %s mode %s subnet %s/%u gateway %s", bridge, mode_name(cfg->mode), sub,
		cfg->plen, gw);
	if (cfg->plen6) {
		char s6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, cfg->subnet6, s6, sizeof(s6));
		fprintf(f, " subnet6 %s/%u", s6, cfg->plen6);
	}
	fprintf(f, " nat %s", nat_mode_name(cfg->flags));
	if (nat_rules && !strcmp(nat_rules, "missing"))
		fprintf(f, " (rules missing: run xbr restore)");
	else if (nat_rules && strcmp(nat_rules, "ok"))
		fprintf(f, " (rules %s)", nat_rules);
	fprintf(f, " ageing %llu fdb-size %u neigh-suppress %s ports %zu\n",
		(unsigned long long)(cfg->ageing_ns / 1000000000ULL), cfg->fdb_size,
		(cfg->flags & XBR_CFG_F_NEIGH_SUPPRESS) ? "on" : "off", n);
	for (i = 0; i < n; i++) {
		const struct xbr_port *p = &ports[i];

		xbr_format_mac(p->mac, mac);
		inet_ntop(AF_INET, &p->addr, addr, sizeof(addr));
		fprintf(f, "%u: %s netns %s %s %s", p->ifindex, p->ifname, p->name[0] ? p->name : "-",
			p->kind == XBR_KIND_GATEWAY ? "station" : kind_word(p->kind), mac);
		if (p->kind == XBR_KIND_UPLINK) /* no address: a tunnel (xbr uplink show) */
			fprintf(f, " vni %u mtu %u", p->vni, p->mtu);
		else
			fprintf(f, " %s/%u", addr, p->plen);
		if (cfg->plen6 && p->kind != XBR_KIND_UPLINK) {
			uint8_t a6[16];
			char s6[INET6_ADDRSTRLEN];

			xbr_station_addr6(cfg->subnet6, cfg->plen6, p->addr, a6);
			inet_ntop(AF_INET6, a6, s6, sizeof(s6));
			fprintf(f, " %s/%u", s6, cfg->plen6);
		}
		fprintf(f, " <");
		nw = port_flag_words(p->flags, words, 12);
		for (k = 0; k < nw; k++)
			fprintf(f, "%s%s", k ? "," : "", words[k]);
		fprintf(f, ">");
		if (meta && p->kind == XBR_KIND_ATTACHED)
			fprintf(f, " nspath %s dev %s", meta[i].nspath, meta[i].ifname_in);
		if (meta && meta[i].owner[0])
			fprintf(f, " owner %s", meta[i].owner);
		fprintf(f, "\n");
	}
}

/* One port; @meta (may be NULL) what the loader alone knows of it. */
static void port_json(struct xbr_json *j, const struct xbr_config *cfg, const struct xbr_port *p,
		      const struct xbr_port_meta *meta)
{
	char mac[XBR_MAC_STRLEN], addr[INET_ADDRSTRLEN];
	const char *words[12];
	size_t k, nw;

	xbr_format_mac(p->mac, mac);
	inet_ntop(AF_INET, &p->addr, addr, sizeof(addr));
	jw_open_object(j);
	jw_kv_uint(j, "ifindex", p->ifindex);
	jw_kv_string(j, "ifname", p->ifname);
	jw_kv_string(j, "netns", p->name);
	jw_kv_string(j, "kind", kind_word(p->kind));
	if (meta && p->kind == XBR_KIND_ATTACHED) {
		jw_kv_string(j, "nspath", meta->nspath);
		jw_kv_string(j, "dev", meta->ifname_in);
	}
	if (meta && meta->owner[0])
		jw_kv_string(j, "owner", meta->owner);
	jw_kv_string(j, "mac", mac);
	if (p->kind == XBR_KIND_UPLINK) { /* no address: a tunnel (xbr uplink show) */
		jw_kv_uint(j, "vni", p->vni);
		jw_kv_uint(j, "mtu", p->mtu);
	} else {
		jw_kv_string(j, "addr", addr);
		jw_kv_uint(j, "prefixlen", p->plen);
	}
	if (cfg->plen6 && p->kind != XBR_KIND_UPLINK) {
		uint8_t a6[16];
		char s6[INET6_ADDRSTRLEN];

		xbr_station_addr6(cfg->subnet6, cfg->plen6, p->addr, a6);
		inet_ntop(AF_INET6, a6, s6, sizeof(s6));
		jw_kv_string(j, "addr6", s6);
	}
	jw_key(j, "flags");
	jw_open_array(j);
	nw = port_flag_words(p->flags, words, 12);
	for (k = 0; k < nw; k++)
		jw_string(j, words[k]);
	jw_close_array(j);
	jw_close_object(j);
}

void port_print_json(FILE *f, const struct xbr_config *cfg, const struct xbr_port *p,
		     const struct xbr_port_meta *meta, bool pretty)
{
	struct xbr_json j;

	jw_init(&j, f, pretty);
	port_json(&j, cfg, p, meta);
	jw_finish(&j);
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
	char sub[INET_ADDRSTRLEN + 4], gw[INET_ADDRSTRLEN];
	struct xbr_json j;
	size_t i;

	inet_ntop(AF_INET, &cfg->subnet, sub, sizeof(sub));
	snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "/%u", (unsigned int)(cfg->plen & 63));
	inet_ntop(AF_INET, &cfg->gateway, gw, sizeof(gw));
	jw_init(&j, f, pretty);
	jw_open_object(&j);
	jw_kv_string(&j, "bridge", bridge);
	jw_kv_string(&j, "mode", mode_name(cfg->mode));
	jw_kv_string(&j, "subnet", sub);
	jw_kv_string(&j, "gateway", gw);
	if (cfg->plen6) {
		char s6[INET6_ADDRSTRLEN + 5];

		inet_ntop(AF_INET6, cfg->subnet6, s6, INET6_ADDRSTRLEN);
		snprintf(s6 + strlen(s6), sizeof(s6) - strlen(s6), "/%u", cfg->plen6 & 255u);
		jw_kv_string(&j, "subnet6", s6);
	}
	jw_kv_string(&j, "nat", nat_mode_name(cfg->flags));
	if (nat_rules)
		jw_kv_string(&j, "nat_rules", nat_rules);
	jw_kv_uint(&j, "ageing", cfg->ageing_ns / 1000000000ULL);
	jw_kv_uint(&j, "fdb_size", cfg->fdb_size);
	jw_kv_bool(&j, "neigh_suppress", !!(cfg->flags & XBR_CFG_F_NEIGH_SUPPRESS));
	jw_key(&j, "ports");
	jw_open_array(&j);
	for (i = 0; i < n; i++)
		port_json(&j, cfg, &ports[i], meta ? &meta[i] : NULL);
	jw_close_array(&j);
	jw_close_object(&j);
	jw_finish(&j);
}
