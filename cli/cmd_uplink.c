// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr uplink { show | add | del | peer add | peer del }: VXLAN uplinks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "directory.h"
#include "out.h"
#include "log.h"

/* An IPv4 or IPv6 unicast address into @p (remote, flags). */
static int parse_endpoint(const char *what, const char *s, struct xbr_peer *p)
{
	struct in6_addr a6;
	uint32_t a4;

	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, s, &a4) == 1) {
		uint8_t b0 = ((const uint8_t *)&a4)[0];

		if (!a4 || a4 == 0xffffffffu || (b0 & 0xf0) == 0xe0 || b0 == 127) {
			pr_warn("uplink: %s %s is not a unicast host address", what, s);
			return -EINVAL;
		}
		p->remote[0] = a4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_MULTICAST(&a6) ||
		    IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_V4MAPPED(&a6)) {
			pr_warn("uplink: %s %s is not a unicast host address", what, s);
			return -EINVAL;
		}
		memcpy(p->remote, &a6, 16);
		p->flags = XBR_PEER_F_V6;
		return 0;
	}
	pr_warn("uplink: %s \"%s\" is not an IPv4 or IPv6 address", what, s);
	return -EINVAL;
}

static int check_uplink_name(const char *name)
{
	int err = xbr_check_name(name);

	if (err)
		pr_warn("uplink \"%s\": %s", name,
			err == -ENAMETOOLONG ? "name longer than 15 characters" :
					       "name must be letters, digits, '_', '-', '.'");
	return err;
}

/* The uplink of @name in @rows, NULL if absent. */
static const struct xbr_uplink_row *row_of(const struct xbr_uplink_row *rows, size_t n,
					   const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].port.name, name))
			return &rows[i];
	return NULL;
}

static void uplink_out(struct xbr_out *o, const struct xbr_uplink_row *r);
static const char *show_bridge; /* the bridge whose uplinks are shown */

/* A TLS file of the directory: readable, kept as an absolute path. */
static int tls_file(const char *up, const char *opt, const char *v, char *out, size_t len)
{
	char *abs;

	if (!v)
		return 0;
	abs = realpath(v, NULL);
	if (!abs || access(abs, R_OK) || strlen(abs) >= len) {
		pr_warn("uplink \"%s\": %s \"%s\": %s", up, opt, v,
			!abs ? strerror(errno) : strlen(abs) >= len ? "path too long" :
								      strerror(errno));
		free(abs);
		return -EINVAL;
	}
	snprintf(out, len, "%s", abs);
	free(abs);
	return 0;
}

/* `uplink add`'s options, as the parser fills them (remote: a->rep[]). */
struct uplink_add_args {
	bool vxlan;
	struct xbr_opt_u32 id, dstport;
	const char *local, *directory, *ca, *cert, *key, *dev;
};

/* directory URL and its TLS options into @d; 1 when given, 0 when not. */
static int opt_directory(const struct xbr_args *a, const char *up, struct xbr_directory *d)
{
	const struct uplink_add_args *o = XBR_OPTS(a, struct uplink_add_args);
	const char *url = o->directory;
	int tls = o->ca || o->cert || o->key;

	memset(d, 0, sizeof(*d));
	if (!url) {
		if (tls) {
			pr_warn("uplink \"%s\": directory-ca, -cert and -key need directory URL", up);
			return -EINVAL;
		}
		if (!a->nrep) {
			pr_warn("uplink \"%s\": give its peers (remote ADDR ...) or a directory URL", up);
			return -EINVAL;
		}
		return 0;
	}
	if (a->nrep) {
		pr_warn("uplink \"%s\": remote and directory exclude each other (the directory brings the peers)",
			up);
		return -EINVAL;
	}
	char who[40];

	snprintf(who, sizeof(who), "uplink \"%s\"", up);
	if (dir_parse_url(who, url, d))
		return -EINVAL;
	if (!o->cert != !o->key) {
		pr_warn("uplink \"%s\": directory-cert and directory-key go together", up);
		return -EINVAL;
	}
	if (tls_file(up, "directory-ca", o->ca, d->ca, sizeof(d->ca)) ||
	    tls_file(up, "directory-cert", o->cert, d->cert, sizeof(d->cert)) ||
	    tls_file(up, "directory-key", o->key, d->key, sizeof(d->key)))
		return -EINVAL;
	return 1;
}

static int uplink_add(const struct xbr_args *a)
{
	const struct uplink_add_args *o = XBR_OPTS(a, struct uplink_add_args);
	struct xbr_ns_spec spec = { .dstport = XBR_VXLAN_PORT };
	struct xbr_peer local, peers[XBR_MAX_REPEAT];
	struct xbr_directory d;
	struct xbr_bridge *br = NULL;
	int i, err, has_dir;

	if (check_uplink_name(a->pos[0]))
		return -EINVAL;
	snprintf(spec.name, sizeof(spec.name), "%s", a->pos[0]);
	spec.vni = o->id.v;
	if (parse_endpoint("local", o->local, &local))
		return -EINVAL;
	memcpy(spec.local, local.remote, sizeof(spec.local));
	spec.family = local.flags & XBR_PEER_F_V6 ? AF_INET6 : AF_INET;
	for (i = 0; i < a->nrep; i++)
		if (parse_endpoint("remote", a->rep[i], &peers[i]))
			return -EINVAL;
	has_dir = opt_directory(a, spec.name, &d);
	if (has_dir < 0)
		return has_dir;
	if (o->dstport.set)
		spec.dstport = (uint16_t)o->dstport.v;
	if (o->dev)
		snprintf(spec.dev, sizeof(spec.dev), "%s", o->dev);
	err = cmd_open_bridge(&br);
	show_bridge = br_name(br);
	if (!err)
		err = br_uplink_add(br, &spec, peers, (size_t)a->nrep);
	if (!err && has_dir) {
		err = dir_save(br_name(br), spec.name, &d);
		if (err) { /* nothing changed: the uplink goes again */
			pr_warn("uplink \"%s\": cannot record its directory under %s: %s", spec.name,
				XBR_RUN_DIR, strerror(-err));
			dir_remove(br_name(br), spec.name);
			br_uplink_del(br, spec.name);
		}
	}
	if (!err) {
		struct xbr_uplink_row *rows;
		const struct xbr_uplink_row *r;
		size_t nr;

		if (br_uplinks(br, &rows, &nr) == 0) {
			r = row_of(rows, nr, spec.name);
			if (r && g.json) {
				struct xbr_out o;

				out_start(&o, stdout, true, g.pretty);
				uplink_out(&o, r);
				out_end(&o);
			} else if (r) {
				printf("uplink %s: dev %s vxlan id %u mtu %u peers %u%s%s\n", spec.name,
				       r->port.ifname, r->port.vni, r->port.mtu, r->npeers,
				       has_dir ? " directory " : "", has_dir ? d.url : "");
			}
			br_uplinks_free(rows, nr);
		}
	}
	br_close(br);
	return err;
}

static int uplink_del(const struct xbr_args *a)
{
	struct xbr_bridge *br = NULL;
	int err;

	if (check_uplink_name(a->pos[0]))
		return -EINVAL;
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_uplink_del(br, a->pos[0]);
	br_close(br);
	return err;
}

static int uplink_peer(const struct xbr_args *a, int add)
{
	struct xbr_peer p;
	struct xbr_bridge *br = NULL;
	int err;

	if (check_uplink_name(a->pos[0]) || parse_endpoint("peer", a->pos[1], &p))
		return -EINVAL;
	err = cmd_open_bridge(&br);
	if (!err)
		err = add ? br_uplink_peer_add(br, a->pos[0], &p) :
			    br_uplink_peer_del(br, a->pos[0], &p);
	br_close(br);
	return err;
}

static int peer_add(const struct xbr_args *a)
{
	return uplink_peer(a, 1);
}

static int peer_del(const struct xbr_args *a)
{
	return uplink_peer(a, 0);
}


static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The agent is alive when it wrote its status within the last few seconds. */
static int agent_alive(const struct xbr_dir_status *s)
{
	return s->pid > 0 && now_real() - s->written < 5.0;
}

/* A directory uplink's record and its agent: a terse summary in text, every
 * field in JSON. */
static void show_directory(struct xbr_out *o, const char *up)
{
	struct xbr_directory d;
	struct xbr_dir_status s;
	char b[32];

	if (!show_bridge || dir_load(show_bridge, up, &d))
		return;
	out_open_object(o, "directory");
	out_str(o, OUT_ANY, "url", " directory %s", d.url);
	out_str(o, OUT_JSON, "prefix", NULL, d.prefix);
	out_bool(o, OUT_JSON, "tls", NULL, d.ca[0] || d.cert[0]);
	if (dir_status_load(show_bridge, up, &s) || !agent_alive(&s)) {
		out_text(o, " agent none");
		out_bool(o, OUT_JSON, "agent", NULL, 0);
		out_close_object(o);
		return;
	}
	out_text(o, " agent %d %s", s.pid, s.connected ? "connected" : "unreachable");
	if (s.lease)
		out_text(o, " lease %llx ttl %d", (unsigned long long)s.lease, s.ttl);
	if (s.last_heard > 0)
		out_text(o, " heard %.1fs ago revision %lld", now_real() - s.last_heard, s.revision);
	out_text(o, " events %llu conflicts %llu", s.events, s.conflicts + s.vni_mismatches);
	out_bool(o, OUT_JSON, "agent", NULL, 1);
	out_u64(o, OUT_JSON, "agent_pid", NULL, (uint64_t)s.pid);
	out_bool(o, OUT_JSON, "connected", NULL, s.connected);
	out_str(o, OUT_JSON, "endpoint", NULL, s.endpoint);
	snprintf(b, sizeof(b), "%llx", (unsigned long long)s.lease);
	out_str(o, OUT_JSON, "lease", NULL, s.lease ? b : "");
	out_u64(o, OUT_JSON, "ttl", NULL, (uint64_t)s.ttl);
	out_u64(o, OUT_JSON, "revision", NULL, (uint64_t)s.revision);
	out_u64(o, OUT_JSON, "last_heard", NULL, (uint64_t)s.last_heard);
	out_u64(o, OUT_JSON, "heard_ms_ago", NULL,
		s.last_heard > 0 ? (uint64_t)((now_real() - s.last_heard) * 1000) : 0);
	out_open_object(o, "events");
	out_u64(o, OUT_JSON, "total", NULL, s.events);
	out_u64(o, OUT_JSON, "resyncs", NULL, s.resyncs);
	out_u64(o, OUT_JSON, "published", NULL, s.published);
	out_u64(o, OUT_JSON, "peers_added", NULL, s.peers_added);
	out_u64(o, OUT_JSON, "peers_removed", NULL, s.peers_removed);
	out_u64(o, OUT_JSON, "entries_added", NULL, s.entries_added);
	out_u64(o, OUT_JSON, "entries_removed", NULL, s.entries_removed);
	out_u64(o, OUT_JSON, "conflicts", NULL, s.conflicts);
	out_u64(o, OUT_JSON, "vni_mismatches", NULL, s.vni_mismatches);
	out_close_object(o);
	out_close_object(o);
}

/* One uplink: a line of text, or an object. */
static void uplink_out(struct xbr_out *o, const struct xbr_uplink_row *r)
{
	char a[INET6_ADDRSTRLEN];
	struct xbr_peer local = { .flags = r->port.tun_flags };
	uint32_t k;

	memcpy(local.remote, r->port.local, sizeof(local.remote));
	out_open_object(o, NULL);
	out_str(o, OUT_ANY, "name", "%s", r->port.name);
	out_str(o, OUT_ANY, "ifname", " dev %s", r->port.ifname);
	out_str(o, OUT_ANY, "kind", " %s", "vxlan");
	out_u64(o, OUT_ANY, "id", " id %llu", r->port.vni);
	out_str(o, OUT_ANY, "local", " local %s", uplink_addr_str(&local, a, sizeof(a)));
	out_u64(o, OUT_ANY, "dstport", " dstport %llu", r->port.dstport);
	if (r->dev[0])
		out_str(o, OUT_ANY, "dev", " underlay %s", r->dev);
	out_u64(o, OUT_ANY, "mtu", " mtu %llu", r->port.mtu);
	out_text(o, " peers");
	out_open_array(o, "peers");
	for (k = 0; k < r->npeers; k++)
		out_str(o, OUT_ANY, NULL, " %s", uplink_addr_str(&r->peers[k], a, sizeof(a)));
	out_close_array(o);
	show_directory(o, r->port.name);
	out_text(o, "\n");
	out_close_object(o);
}

static int uplink_show(const struct xbr_args *a)
{
	struct xbr_uplink_row *rows = NULL;
	struct xbr_bridge *br = NULL;
	size_t n = 0;
	int err;

	(void)a;
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_uplinks(br, &rows, &n);
	if (!err) {
		struct xbr_out o;
		size_t i;

		show_bridge = br_name(br);
		out_start(&o, stdout, g.json, g.pretty);
		out_open_array(&o, NULL);
		for (i = 0; i < n; i++)
			uplink_out(&o, &rows[i]);
		out_close_array(&o);
		out_end(&o);
		br_uplinks_free(rows, n);
	}
	br_close(br);
	return err;
}

#define AT(t, f) .type = t, XBR_AT(struct uplink_add_args, f)
static const struct xbr_opt uplink_add_opts[] = {
	{ .name = "vxlan", .flags = XBR_OPT_REQUIRED,
	  .help = "the tunnel: the kernel's VXLAN device in external mode", AT(XBR_T_FLAG, vxlan) },
	{ .name = "id", .alias = "vni", .arg = "VNI", .flags = XBR_OPT_REQUIRED,
	  .help = "the segment's VXLAN network identifier, 0-16777215", .min = 0, .max = 16777215,
	  AT(XBR_T_U32, id) },
	{ .name = "local", .arg = "ADDR", .flags = XBR_OPT_REQUIRED,
	  .help = "this host's tunnel endpoint, IPv4 or IPv6, one of its addresses",
	  AT(XBR_T_STR, local) },
	{ .name = "remote", .arg = "ADDR", .flags = XBR_OPT_REPEAT,
	  .help = "a peer host's endpoint (of local's family); again for more" },
	{ .name = "directory", .arg = "URL",
	  .help = "etcd://HOST:PORT[,HOST:PORT...][/PREFIX]: no peer list; xbr-agent\n"
		  "finds the peers and stations there (instead of remote)",
	  AT(XBR_T_STR, directory) },
	{ .name = "directory-ca", .arg = "FILE",
	  .help = "the CA that signed the etcd members' certificates (https)", AT(XBR_T_PATH, ca) },
	{ .name = "directory-cert", .arg = "FILE", .help = "the agent's client certificate",
	  AT(XBR_T_PATH, cert) },
	{ .name = "directory-key", .arg = "FILE", .help = "the client certificate's key",
	  AT(XBR_T_PATH, key) },
	{ .name = "dstport", .arg = "PORT", .help = "the UDP port (default 4789)", .min = 1,
	  .max = 65535, AT(XBR_T_U32, dstport) },
	{ .name = "dev", .arg = "IFNAME",
	  .help = "the underlay interface (default: the one holding local)", AT(XBR_T_IFNAME, dev) },
	{ .name = NULL },
};
#undef AT

static const struct xbr_cmd uplink_peer_cmds[] = {
	{ .name = "add", .args = "NAME ADDR", .min_args = 2, .max_args = 2,
	  .args_compl = XBR_C_PORTNAME, .summary = "add a peer to uplink NAME",
	  .help = "Floods reach it, and its frames are taken.", .fn = peer_add },
	{ .name = "del", .alias = "delete", .args = "NAME ADDR", .min_args = 2, .max_args = 2,
	  .args_compl = XBR_C_PORTNAME, .summary = "remove a peer from uplink NAME",
	  .help = "Its frames are refused from then on (drop tunnel), and every\n"
		  "forwarding entry behind it, static ones included, is removed.",
	  .fn = peer_del },
	{ .name = NULL },
};

const struct xbr_cmd xbr_uplink_cmds[] = {
	{ .name = "show", .alias = "list",
	  .summary = "uplinks: VNI, endpoints, UDP port, MTU, peers, directory", .fn = uplink_show,
	  .flags = XBR_CMD_JSON },
	{ .name = "add", .args = "NAME", .min_args = 1, .max_args = 1,
	  .summary = "extend the segment to other hosts over VXLAN",
	  .help = "The kernel's VXLAN device <bridge>-NAME in external mode becomes a port;\n"
		  "broadcasts and unknown unicast go to every peer, frames are taken only\n"
		  "from peers. The bridge's other ports get the underlay's MTU minus 50\n"
		  "(IPv4) or 70 (IPv6). The UDP port is the host's: a second bridge's\n"
		  "uplink needs another dstport. With directory instead of remote, xbr-agent\n"
		  "keeps peers and remote stations in step with the etcd directory.",
	  .opts = uplink_add_opts, .fn = uplink_add, .flags = XBR_CMD_JSON },
	{ .name = "del", .alias = "delete", .args = "NAME", .min_args = 1, .max_args = 1,
	  .args_compl = XBR_C_PORTNAME,
	  .summary = "remove an uplink: its device, peers and entries; MTUs back",
	  .fn = uplink_del },
	{ .name = "peer", .summary = "the peers of an uplink", .cmds = uplink_peer_cmds },
	{ .name = NULL },
};
