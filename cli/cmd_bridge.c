// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr up | down | show | reload | restore: the bridge as a whole. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "fdb_fmt.h"
#include "out.h"
#include "log.h"
#include "nat.h"
#include "publish.h"

#define DEFAULT_SUBNET "172.16.0.0/16"

/* `up`'s options, as the parser fills them. */
struct up_args {
	struct xbr_opt_prefix4 subnet;
	struct xbr_opt_addr4 gateway, pub_addr;
	const char *subnet6; /* a prefix or "none": read by up_opts() */
	const char *gateway6; /* an IPv6 address: read by up_opts() */
	struct xbr_opt_u32 ageing, fdb_size, mtu;
	bool no_icc, no_nat, no_nat6, internal, empty, no_dns;
	int mode; /* 1 + index in "tc|xdp|auto" */
	enum xbr_onoff neigh_suppress;
	const char *file;
};

const struct xbr_opt xbr_up_opts[] = {
	{ .name = "--subnet", .arg = "CIDR", .help = "bridge subnet (default " DEFAULT_SUBNET ")",
	  .type = XBR_T_PREFIX4, .min = 8, .max = 30, XBR_AT(struct up_args, subnet) },
	{ .name = "--gateway", .arg = "IP",
	  .help = "gateway (default: A.B.1.254 for A.B.0.0/16; see xbr(8))",
	  .type = XBR_T_ADDR4, XBR_AT(struct up_args, gateway) },
	{ .name = "--subnet6", .arg = "CIDR6",
	  .help = "IPv6 prefix or none (default fd00:A:B:C::/64 for A.B.C.x)",
	  .type = XBR_T_STR, XBR_AT(struct up_args, subnet6) },
	{ .name = "--gateway6", .arg = "IP6",
	  .help = "the gateway's IPv6 address, in a prefix of /64 or longer (default: prefix + IPv4 gateway)",
	  .type = XBR_T_STR, XBR_AT(struct up_args, gateway6) },
	{ .name = "--ageing", .arg = "SEC", .help = "ageing time of learned entries (default 300)",
	  .type = XBR_T_U32, .min = 1, .max = 1000000, XBR_AT(struct up_args, ageing) },
	{ .name = "--fdb-size", .arg = "N", .help = "forwarding table capacity (default 65536)",
	  .type = XBR_T_U32, .min = 16, .max = 16777216, XBR_AT(struct up_args, fdb_size) },
	{ .name = "--mtu", .arg = "N", .help = "MTU of the gateway and of every port (default 1500)",
	  .type = XBR_T_U32, .min = 68, .max = 65535, XBR_AT(struct up_args, mtu) },
	{ .name = "--publish-address", .arg = "IP",
	  .help = "publications without a host address go on this IPv4 address (default: every address)",
	  .type = XBR_T_ADDR4, XBR_AT(struct up_args, pub_addr) },
	{ .name = "--no-icc", .help = "namespaces reach the gateway, not one another (icc=false)",
	  XBR_AT(struct up_args, no_icc) },
	{ .name = "--mode", .arg = "tc|xdp|auto", .compl = XBR_C_WORDS,
	  .help = "datapath (default tc; auto picks tc, faster for TCP on veth)",
	  .type = XBR_T_ENUM, XBR_AT(struct up_args, mode) },
	{ .name = "--no-nat", .group = 1,
	  .help = "stations' traffic leaves untranslated (default: masqueraded)",
	  XBR_AT(struct up_args, no_nat) },
	{ .name = "--no-nat6", .help = "masquerade IPv4 only: IPv6 leaves untranslated (Docker's default)",
	  XBR_AT(struct up_args, no_nat6) },
	{ .name = "--internal", .group = 1, .help = "no way out, no way in (Docker's internal network)",
	  XBR_AT(struct up_args, internal) },
	{ .name = "--neigh-suppress", .arg = "on|off", .compl = XBR_C_WORDS,
	  .help = "answer ARP/ND for known stations (default on)",
	  .type = XBR_T_ONOFF, XBR_AT(struct up_args, neigh_suppress) },
	{ .name = "--no-dns", .help = "the bridge answers no DNS query (default: its stations' names)",
	  XBR_AT(struct up_args, no_dns) },
	{ .name = "--empty", .help = "no namespace at all (without NS: the lab, ns1 and ns2)",
	  XBR_AT(struct up_args, empty) },
	{ .name = "--file", .alias = "-f", .arg = "FILE|DIR", .compl = XBR_C_FILE,
	  .help = "bring back what `xbr save` wrote (DIR: each *.conf in it)",
	  .type = XBR_T_PATH, XBR_AT(struct up_args, file) },
	{ .name = NULL },
};

/* `show` and the JSON of `up`: the bridge and its ports. */
static int print_bridge(struct xbr_bridge *br)
{
	struct xbr_port_meta *meta = NULL;
	struct xbr_port *ports = NULL;
	struct nat_health h;
	const char *nat_rules;
	size_t n = 0, i;
	int err = br_ports(br, &ports, &n);

	if (err) {
		pr_warn("bridge \"%s\": cannot read its ports: %s", br_name(br), strerror(-err));
		return err;
	}
	meta = calloc(n + 1, sizeof(*meta));
	if (!meta) {
		free(ports);
		pr_warn("bridge \"%s\": out of memory", br_name(br));
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		br_port_meta(br, ports[i].ifindex, &meta[i]);
	/* What the kernel holds of the way out, against what was set. */
	if (nat_health(br, &h))
		nat_rules = "unknown";
	else
		nat_rules = h.intact ? "ok" : "missing";
	if (g.json)
		ports_print_json_nat(stdout, br_name(br), br_config(br), nat_rules, ports, meta, n,
				     g.pretty);
	else
		ports_print_text_nat(stdout, br_name(br), br_config(br), nat_rules, ports, meta, n);
	free(meta);
	free(ports);
	return 0;
}

/* up's options into the library's struct (the parser checked each value;
 * what is left: the defaults, the IPv6 prefix or "none", the mode's name). */
static int up_opts(const struct up_args *u, struct xbr_up_opts *o)
{
	static const char *const modes[] = { "", "tc", "xdp", "auto" };
	const char *subnet6 = u->subnet6;
	char subnet6_buf[64];

	if (u->subnet.set) {
		o->subnet = u->subnet.addr;
		o->plen = u->subnet.plen;
	} else {
		xbr_parse_cidr(DEFAULT_SUBNET, &o->subnet, &o->plen);
	}
	o->gateway = u->gateway.set ? u->gateway.addr : xbr_default_gateway(o->subnet, o->plen);
	if (!subnet6) {
		/* The default IPv6 prefix follows the IPv4 subnet: fd00:A:B:C::/64
		 * for A.B.C.x (the octets written as they read), so bridges on
		 * different IPv4 subnets get different IPv6 prefixes. */
		const uint8_t *b = (const uint8_t *)&o->subnet;

		snprintf(subnet6_buf, sizeof(subnet6_buf), "fd00:%u:%u:%u::/64", b[0], b[1], b[2]);
		subnet6 = subnet6_buf;
	}
	if (strcmp(subnet6, "none") &&
	    (xbr_parse_cidr6(subnet6, o->subnet6, &o->plen6) || o->plen6 < 8 || o->plen6 > 96)) {
		pr_warn("up: --subnet6 \"%s\" is not an IPv6 prefix X:Y::/PLEN with PLEN 8..96 (or \"none\")",
			subnet6);
		return -EINVAL;
	}
	if (u->gateway6) {
		uint8_t plen;
		char buf[64];

		/* An address, not a prefix: "/128" makes the parser's prefix one. */
		snprintf(buf, sizeof(buf), "%s/128", u->gateway6);
		if (strchr(u->gateway6, '/') || xbr_parse_cidr6(buf, o->gw6, &plen)) {
			pr_warn("up: --gateway6 \"%s\" is not an IPv6 address", u->gateway6);
			return -EINVAL;
		}
		if (!o->plen6) {
			pr_warn("up: --gateway6 %s with --subnet6 none: the bridge has no IPv6",
				u->gateway6);
			return -EINVAL;
		}
		o->has_gw6 = 1;
	}
	o->no_nat6 = u->no_nat6;
	if (u->ageing.set)
		o->ageing_sec = u->ageing.v;
	if (u->fdb_size.set)
		o->fdb_size = u->fdb_size.v;
	if (u->mtu.set)
		o->mtu = u->mtu.v;
	if (u->pub_addr.set)
		o->pub_addr = u->pub_addr.addr;
	if (u->mode) {
		int mode, is_auto;

		br_mode_parse(modes[u->mode], &mode, &is_auto);
		o->mode = (uint8_t)mode;
		if (is_auto)
			pr_info("mode auto: %s (TCP between namespaces is faster on tc)",
				br_mode_name(mode));
	}
	if (u->neigh_suppress)
		o->no_neigh_suppress = u->neigh_suppress == XBR_OFF;
	o->no_icc = u->no_icc;
	o->no_dns = u->no_dns;
	o->nat = u->internal ? XBR_NAT_INTERNAL : u->no_nat ? XBR_NAT_OFF : XBR_NAT_MASQ;
	return 0;
}

int do_up(const struct xbr_args *a)
{
	static const char *const defaults[] = { "ns1", "ns2" };
	const struct up_args *u = XBR_OPTS(a, struct up_args);
	struct xbr_up_opts o = {
		.ageing_sec = XBR_AGEING_DEFAULT_SEC,
		.fdb_size = XBR_FDB_DEFAULT_SIZE,
	};
	char gw[INET_ADDRSTRLEN];
	struct xbr_ns_spec *specs;
	struct xbr_bridge *br = NULL;
	size_t n = 0, i;
	int err, k;

	if (u->file) {
		int k2;

		/* Everything else is in the file. */
		for (k2 = 0; xbr_up_opts[k2].name; k2++) {
			if (a->val[k2] && strcmp(xbr_up_opts[k2].name, "--file")) {
				pr_warn("up -f: \"%s\" comes from the file, not the command line",
					xbr_up_opts[k2].name);
				return -EINVAL;
			}
		}
		if (a->npos) {
			pr_warn("up -f: namespace \"%s\" comes from the file, not the command line",
				a->pos[0]);
			return -EINVAL;
		}
		return up_from_file(u->file);
	}
	if (u->empty && a->npos) {
		pr_warn("up: --empty and namespace \"%s\" exclude each other", a->pos[0]);
		return -EINVAL;
	}
	specs = calloc((size_t)a->npos + 2, sizeof(*specs));
	if (!specs)
		return -ENOMEM;
	for (k = 0; k < a->npos; k++) {
		const char *s = a->pos[k];

		err = xbr_parse_ns_spec(s, &specs[n]);
		if (err) {
			pr_warn("namespace \"%s\": %s", s,
				err == -ENAMETOOLONG ? "name longer than 15 characters" :
				strchr(s, '=') && !xbr_check_name(specs[n].name) ?
						       "address is not A.B.C.D/PLEN" :
						       "name must be letters, digits, '_', '-', '.'");
			goto out;
		}
		n++;
	}
	err = up_opts(u, &o);
	if (err)
		goto out;
	/* Without names, the lab: ns1 and ns2 on the first free addresses
	 * (172.16.1.1 and .2 with the default subnet and gateway). */
	if (n == 0 && !u->empty) {
		for (i = 0; i < 2; i++)
			xbr_parse_ns_spec(defaults[i], &specs[n++]);
	}
	o.ns = specs;
	o.nns = n;
	inet_ntop(AF_INET, &o.gateway, gw, sizeof(gw));

	err = br_init(&br, g.bridge);
	if (!err)
		err = br_up(br, &o);
	if (err == XBR_UP_RELOADED || !err) {
		if (g.json)
			err = print_bridge(br);
		else if (err == XBR_UP_RELOADED)
			printf("bridge %s was up: datapath upgraded in place, ports and table kept\n",
			       g.bridge);
		else
			printf("bridge %s up: %zu namespace%s, gateway %s on %s\n", g.bridge, n,
			       n == 1 ? "" : "s", gw, g.bridge);
		if (err == XBR_UP_RELOADED)
			err = 0;
	}
	br_close(br);
out:
	free(specs);
	return err;
}

int do_down(const struct xbr_args *a)
{
	struct xbr_bridge *br = NULL;
	int err;

	(void)a;
	err = br_init(&br, g.bridge);
	if (!err)
		err = br_down(br);
	br_close(br);
	return err;
}

int do_reload(const struct xbr_args *a)
{
	struct xbr_bridge *br = NULL;
	int err;

	(void)a;
	err = br_init(&br, g.bridge);
	if (!err && !br_is_up(br)) {
		pr_warn("bridge \"%s\" is not up", br_name(br));
		err = -ENOENT;
	}
	if (!err)
		err = br_reload(br);
	br_close(br);
	return err;
}

int do_show(const struct xbr_args *a)
{
	struct xbr_bridge *br = NULL;
	int err;

	(void)a;
	err = cmd_open_bridge(&br);
	if (!err)
		err = print_bridge(br);
	br_close(br);
	return err;
}

struct restore_args {
	bool all;
};

const struct xbr_opt xbr_restore_opts[] = {
	{ .name = "--all", .help = "every bridge that is up (each one under " XBR_PIN_ROOT ")",
	  XBR_AT(struct restore_args, all) },
	{ .name = NULL },
};

/* Restore one bridge's table: 0, or a negative errno after one line. With
 * -j, its object goes into @j (an array being written), or is a document of
 * its own when @j is NULL. */
static int restore_one(const char *name, struct xbr_out *o)
{
	struct xbr_out own;
	struct xbr_pub *v = NULL;
	struct xbr_bridge *br = NULL;
	char t[64];
	size_t n = 0;
	int err;

	err = br_init(&br, name);
	if (!err)
		err = br_open(br);
	if (!err && !(br_config(br)->flags & XBR_CFG_F_UP_DONE)) {
		/* An `up` that was interrupted: the next `up` or `down` removes it. */
		pr_warn("bridge \"%s\" is half-made (an interrupted up): run `xbr -b %s up` or `down`; not restored",
			name, name);
		err = -ENOENT;
	}
	if (!err)
		err = nat_restore(br);
	if (err >= 0 && pub_list(br, &v, &n))
		n = 0;
	nat_table_name(name, t, sizeof(t));
	if (err >= 0) {
		if (!o) {
			o = &own;
			out_start(o, stdout, g.json, g.pretty);
		}
		out_open_object(o, NULL);
		out_str(o, OUT_ANY, "bridge", "bridge %s:", name);
		out_str(o, OUT_ANY, "table", " table inet %s", t);
		out_bool(o, OUT_JSON, "restored", NULL, err == 1);
		if (err == 1)
			out_str(o, OUT_ANY, "nat", " restored: nat %s", nat_mode_name(br_config(br)->flags));
		else
			out_str(o, OUT_JSON, "nat", NULL, nat_mode_name(br_config(br)->flags));
		out_u64(o, err == 1 ? OUT_ANY : OUT_JSON, "publications", ", %llu", n);
		if (err == 1)
			out_text(o, " publication%s\n", n == 1 ? "" : "s");
		else
			out_text(o, " is complete, nothing to restore\n");
		out_close_object(o);
		if (o == &own)
			out_end(o);
	}
	free(v);
	br_close(br);
	return err < 0 ? err : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int do_restore(const struct xbr_args *a)
{
	struct xbr_out o;
	struct dirent *de;
	char **names = NULL, **nn;
	size_t n = 0, i;
	int err = 0, rc;
	DIR *d;

	if (!XBR_OPTS(a, struct restore_args)->all)
		return restore_one(g.bridge, NULL);
	/* Every bridge that is up: a directory under the pin root. None (bpffs
	 * not mounted yet, at boot) is not an error. */
	d = opendir(XBR_PIN_ROOT);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn || !(nn[n] = strdup(de->d_name))) {
			names = nn ? nn : names;
			err = -ENOMEM;
			break;
		}
		names = nn;
		n++;
	}
	if (d)
		closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), name_cmp);
	out_start(&o, stdout, g.json, g.pretty);
	out_open_array(&o, NULL);
	for (i = 0; i < n; i++) {
		/* One that fails says why; the others are restored all the same. */
		rc = restore_one(names[i], &o);
		if (rc && !err)
			err = rc;
		free(names[i]);
	}
	out_close_array(&o);
	out_end(&o);
	free(names);
	return err;
}
