// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The driver's methods carried out on xbr bridges. A network is the bridge
 * whose gateway port's owner is "docker:<network ID>"; an endpoint is the
 * docker port named after its ID (docker.h). Every request opens what it
 * needs and closes it, as a CLI command does; the library's one-line
 * warnings become the answer's Err. Deletes succeed when there is nothing
 * to delete (Docker only logs their failures), creates leave nothing when
 * they fail.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "bridge.h"
#include "docker.h"
#include "log.h"
#include "nat.h"

/* The library's warnings of this request (its thread's). */
static char warned[DK_ERRLEN];

/* The first line the library said, else @fallback with the errno. */
static struct dk_reply lib_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct dk_reply lib_err(int err, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	char *nl = strchr(warned, '\n');

	if (nl)
		*nl = '\0';
	if (warned[0])
		return dk_err(200, "xbr: %s", warned);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return dk_err(200, "xbr: %s: %s", what, strerror(err < 0 ? -err : err));
}

/* Bridge @name opened when it is up and Docker network @id's (@id NULL: any
 * Docker network's): 0, -ENOENT. */
static int bridge_of(const char *name, const char *id, struct xbr_bridge **brp)
{
	struct xbr_bridge *br = NULL;
	struct xbr_port_meta m;
	struct xbr_port gw;
	char want[80];
	int err;

	snprintf(want, sizeof(want), DK_OWNER_PREFIX "%s", id ? id : "");
	err = br_init(&br, name);
	if (!err && !br_is_up(br))
		err = -ENOENT;
	if (!err)
		err = br_open(br);
	if (!err)
		err = br_port_lookup(br, "gateway", &gw);
	if (!err)
		err = br_port_meta(br, gw.ifindex, &m);
	if (!err && (id ? strcmp(m.owner, want) : strncmp(m.owner, want, strlen(want))))
		err = -ENOENT;
	if (err) {
		br_close(br);
		return err == -ENOENT ? -ENOENT : err;
	}
	*brp = br;
	return 0;
}

int dk_net_open(const char *id, struct xbr_bridge **brp)
{
	char name[XBR_IFNAMSIZ];
	struct dirent *d;
	DIR *dir;
	int err;

	*brp = NULL;
	dk_bridge_name(id, name);
	if (bridge_of(name, id, brp) == 0)
		return 0;
	/* Named with com.docker.network.bridge.name: look at every bridge. */
	dir = opendir(XBR_PIN_ROOT);
	if (!dir)
		return -ENOENT;
	err = -ENOENT;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || !strcmp(d->d_name, name) ||
		    strlen(d->d_name) >= XBR_IFNAMSIZ || d->d_type != DT_DIR)
			continue;
		if (bridge_of(d->d_name, id, brp) == 0) {
			err = 0;
			break;
		}
	}
	closedir(dir);
	warned[0] = '\0'; /* what the scan said is not this request's answer */
	return err;
}

/*
 * Remove the ports of endpoints that Docker no longer has. dockerd restarted
 * without live-restore kills its containers without a Leave or a
 * DeleteEndpoint, and their ports would keep the addresses its IPAM hands
 * out again. Without @coming (the driver's start): the ports whose host veth
 * end is gone (the container's namespace died and took the pair along).
 * With @coming (the port a CreateEndpoint is about to add): the port that
 * holds @coming's address, by the port records alone, no lookup per port:
 * Docker's IPAM owns the network's addresses and gave it to the new
 * endpoint. The number removed.
 */
static int gc_ports(struct xbr_bridge *br, const struct xbr_ns_spec *coming)
{
	struct xbr_port *v = NULL;
	size_t n = 0, i;
	int done = 0;

	if (br_ports(br, &v, &n))
		return 0;
	for (i = 0; i < n; i++) {
		const char *why = "its container is gone";
		struct xbr_link l;

		if (v[i].kind != XBR_KIND_DOCKER)
			continue;
		if (coming) {
			/* Also when its veth pair lives on: a sandbox dockerd left
			 * behind at a restart without live-restore keeps it. */
			if (v[i].addr != coming->addr || !strcmp(v[i].name, coming->name))
				continue;
			why = "Docker gave its address to a new endpoint";
		} else if (br_link_get(br, v[i].ifname, &l) == 0 && l.ifindex == (int)v[i].ifindex) {
			continue;
		}
		if (br_port_del(br, v[i].name) == 0) {
			fprintf(stderr, "xbr-docker: bridge \"%s\": port %s removed: %s\n", br_name(br),
				v[i].name, why);
			done++;
		}
	}
	free(v);
	return done;
}

void dk_gc_all(void)
{
	struct dirent *d;
	DIR *dir = opendir(XBR_PIN_ROOT);

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		struct xbr_bridge *br = NULL;

		if (d->d_name[0] == '.' || strlen(d->d_name) >= XBR_IFNAMSIZ || d->d_type != DT_DIR)
			continue;
		if (bridge_of(d->d_name, NULL, &br) == 0) {
			gc_ports(br, NULL);
			br_close(br);
		}
	}
	closedir(dir);
	warned[0] = '\0';
}

static struct dk_reply no_network(const char *id)
{
	return dk_err(200, "xbr: network %.12s is not an xbr network of this host", id);
}

/* ---- networks ---- */

static struct dk_reply create_network(json_t *req)
{
	struct xbr_bridge *br = NULL;
	struct xbr_up_opts o = {
		.ageing_sec = XBR_AGEING_DEFAULT_SEC, .fdb_size = XBR_FDB_DEFAULT_SIZE,
		.fw_accept = 1,
	};
	struct dk_reply r;
	struct dk_net n;
	char owner[80];
	int err, mode, is_auto;

	if (dk_net_decode(req, &n, &r))
		return r;
	if (dk_net_open(n.id, &br) == 0) { /* asked again: it is there */
		br_close(br);
		return dk_ok(NULL);
	}
	snprintf(owner, sizeof(owner), DK_OWNER_PREFIX "%s", n.id);
	o.subnet = n.subnet;
	o.plen = n.plen;
	o.gateway = n.gateway;
	o.no_icc = n.no_icc;
	o.no_neigh_suppress = n.no_neigh_suppress > 0;
	o.nat = n.internal ? XBR_NAT_INTERNAL : n.no_masq ? XBR_NAT_OFF : XBR_NAT_MASQ;
	o.mtu = n.mtu;
	o.pub_addr = n.pub_addr;
	/* --ipv6: Docker's pool and gateway; masquerade for IPv4 only, as
	 * Docker's bridge driver does without ip6tables (docs/docker.md). */
	if (n.plen6) {
		memcpy(o.subnet6, n.subnet6, 16);
		o.plen6 = n.plen6;
		o.has_gw6 = n.has_gw6;
		memcpy(o.gw6, n.gw6, 16);
		o.no_nat6 = 1;
	}
	o.owner = owner;
	if (n.mode < 0) {
		br_mode_parse("auto", &mode, &is_auto);
		o.mode = (uint8_t)mode;
	} else {
		o.mode = (uint8_t)n.mode;
	}
	err = br_init(&br, n.bridge);
	if (!err && br_is_up(br)) {
		br_close(br);
		return dk_err(200, "xbr: bridge \"%s\" exists already (name another with -o com.docker.network.bridge.name=NAME)",
			      n.bridge);
	}
	if (!err)
		err = br_up(br, &o);
	if (err < 0)
		r = lib_err(err, "bridge \"%s\": cannot create it", n.bridge);
	else
		r = dk_ok(NULL);
	br_close(br);
	return r;
}

static struct dk_reply delete_network(json_t *req)
{
	struct xbr_bridge *br;
	struct dk_reply r;
	char id[65];
	int err;

	if (dk_id(req, "NetworkID", id, &r))
		return r;
	if (dk_net_open(id, &br))
		return dk_ok(NULL); /* gone already */
	err = br_down(br);
	r = err ? lib_err(err, "bridge \"%s\": cannot remove it", br_name(br)) : dk_ok(NULL);
	br_close(br);
	return r;
}

/* ---- endpoints ---- */

/* The network and the endpoint's port of a request: 0, or -1 with *r. */
static int ep_open(json_t *req, struct xbr_bridge **brp, struct xbr_port *p, char id[65],
		   struct dk_reply *r)
{
	char net[65], name[XBR_NSNAMSIZ];

	*brp = NULL;
	if (dk_id(req, "NetworkID", net, r) || dk_id(req, "EndpointID", id, r))
		return -1;
	if (dk_net_open(net, brp)) {
		*r = no_network(net);
		return -1;
	}
	dk_port_name(id, name);
	if (br_port_find(*brp, name, p)) {
		*r = dk_err(200, "xbr: endpoint %.12s is not a port of bridge \"%s\"", id,
			    br_name(*brp));
		br_close(*brp);
		*brp = NULL;
		return -1;
	}
	return 0;
}

static struct dk_reply create_endpoint(json_t *req)
{
	struct xbr_ns_spec spec = { .kind = XBR_KIND_DOCKER, .has_addr = 1, .no_config = 1 };
	struct xbr_bridge *br;
	struct xbr_port p;
	struct dk_reply r;
	struct dk_ep e;
	char mac[XBR_MAC_STRLEN];
	int err;

	if (dk_ep_decode(req, &e, &r))
		return r;
	if (dk_net_open(e.net, &br))
		return no_network(e.net);
	dk_port_name(e.id, spec.name);
	dk_peer_name(e.id, spec.ifname_in);
	spec.addr = e.addr;
	spec.plen = e.plen;
	spec.has_mac = (uint8_t)e.has_mac;
	memcpy(spec.mac, e.mac, 6);
	spec.has_addr6 = (uint8_t)e.has_addr6;
	memcpy(spec.addr6, e.addr6, 16);
	gc_ports(br, &spec); /* Docker may hand out a lost container's address again */
	warned[0] = '\0';
	err = br_port_add(br, &spec);
	if (err) {
		r = lib_err(err, "endpoint %.12s: cannot add its port", e.id);
	} else if (e.has_mac) {
		r = dk_ok(NULL); /* Docker refuses an answer that changes its MAC */
	} else {
		br_port_find(br, spec.name, &p);
		xbr_format_mac(p.mac, mac);
		r = dk_ok(json_pack("{s:{s:s}}", "Interface", "MacAddress", mac));
	}
	if (!err)
		nat_fw_sync(br); /* dockerd may have flushed DOCKER-USER since */
	br_close(br);
	return r;
}

static struct dk_reply delete_endpoint(json_t *req)
{
	char net[65], id[65], name[XBR_NSNAMSIZ];
	struct xbr_bridge *br;
	struct dk_reply r;
	int err;

	if (dk_id(req, "NetworkID", net, &r) || dk_id(req, "EndpointID", id, &r))
		return r;
	if (dk_net_open(net, &br))
		return dk_ok(NULL);
	dk_port_name(id, name);
	err = br_port_del(br, name);
	r = err && err != -ENOENT ? lib_err(err, "endpoint %.12s: cannot remove its port", id) :
				    dk_ok(NULL);
	br_close(br);
	return r;
}

static struct dk_reply endpoint_info(json_t *req)
{
	struct xbr_bridge *br;
	struct xbr_port p;
	struct dk_reply r;
	char id[65], mac[XBR_MAC_STRLEN];

	if (ep_open(req, &br, &p, id, &r))
		return r;
	xbr_format_mac(p.mac, mac);
	br_close(br);
	return dk_ok(json_pack("{s:{s:s}}", "Value", "com.docker.network.endpoint.macaddress", mac));
}

static struct dk_reply join(json_t *req)
{
	struct xbr_port_meta m;
	struct xbr_bridge *br;
	struct xbr_port p;
	struct dk_reply r;
	json_t *key, *body;
	char id[65], net[65], peer[XBR_IFNAMSIZ], gw[INET_ADDRSTRLEN];
	int err;

	if (ep_open(req, &br, &p, id, &r))
		return r;
	key = json_object_get(req, "SandboxKey");
	if (!json_is_string(key) || strlen(json_string_value(key)) >= sizeof(m.nspath)) {
		br_close(br);
		return dk_err(400, "SandboxKey is not a path");
	}
	/* Where the container's end will be: for `set mode` and MTU changes. */
	err = br_port_meta(br, p.ifindex, &m);
	if (!err) {
		snprintf(m.nspath, sizeof(m.nspath), "%s", json_string_value(key));
		err = br_port_set_meta(br, p.ifindex, &m);
	}
	if (err) {
		r = lib_err(err, "endpoint %.12s: cannot record its sandbox", id);
		br_close(br);
		return r;
	}
	dk_peer_name(id, peer);
	body = json_pack("{s:{s:s,s:s},s:[],s:b}", "InterfaceName", "SrcName", peer, "DstPrefix",
			 "eth", "StaticRoutes", "DisableGatewayService", 0);
	/* No gateway on an internal network: no default route, no way out. */
	if (!(br_config(br)->flags & XBR_CFG_F_INTERNAL)) {
		inet_ntop(AF_INET, &br_config(br)->gateway, gw, sizeof(gw));
		json_object_set_new(body, "Gateway", json_string(gw));
		if (br_config(br)->plen6) {
			uint8_t gw6[16];
			char s6[INET6_ADDRSTRLEN];

			xbr_gateway_addr6(br_config(br), gw6);
			inet_ntop(AF_INET6, gw6, s6, sizeof(s6));
			json_object_set_new(body, "GatewayIPv6", json_string(s6));
		}
	}
	dk_id(req, "NetworkID", net, &r);
	br_close(br);
	dk_names_queue(net, id);
	return dk_ok(body);
}

static struct dk_reply leave(json_t *req)
{
	struct xbr_port_meta m;
	struct xbr_bridge *br;
	struct xbr_port p;
	struct dk_reply r;
	char id[65];

	if (ep_open(req, &br, &p, id, &r)) {
		json_decref(r.body);
		return dk_ok(NULL); /* nothing to leave */
	}
	if (br_port_meta(br, p.ifindex, &m) == 0) {
		m.nspath[0] = '\0'; /* Docker moves its end back to the host */
		br_port_set_meta(br, p.ifindex, &m);
	}
	br_close(br);
	return dk_ok(NULL);
}

/* ---- published ports ---- */

/* The ephemeral range (Docker picks host ports there too). */
static void ephemeral_range(uint16_t *lo, uint16_t *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	unsigned int a = 32768, b = 60999;

	if (f) {
		if (fscanf(f, "%u %u", &a, &b) != 2 || !a || a > b || b > 65535) {
			a = 32768;
			b = 60999;
		}
		fclose(f);
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
}

/* Publish @b for station @station: the first free host port of its range. */
static int publish_one(struct xbr_bridge *br, const struct dk_bind *b, const char *station,
		       struct xbr_pub *done)
{
	uint16_t lo = b->host, hi = b->host_end;
	unsigned int port;
	int err = -EADDRINUSE;

	if (!lo)
		ephemeral_range(&lo, &hi);
	for (port = lo; port <= hi; port++) {
		struct xbr_pub p = {
			.proto = b->proto, .family = b->family,
			.port = (uint16_t)port, .port_end = (uint16_t)port,
			.sport = b->port, .sport_end = b->port,
		};

		memcpy(p.addr, b->addr, sizeof(p.addr));
		pub_default_addr(br_config(br), &p); /* host_binding_ipv4 */
		snprintf(p.station, sizeof(p.station), "%s", station);
		if (lo != hi)
			warned[0] = '\0'; /* a taken port of a range: try the next */
		err = nat_pub_add(br, &p);
		if (err == -EEXIST)
			err = 0; /* published already (Docker asked again) */
		if (err >= 0) {
			*done = p;
			return 0;
		}
		if (err != -EADDRINUSE)
			return err;
	}
	return err;
}

static struct dk_reply program_conn(json_t *req)
{
	struct xbr_pub *done = NULL;
	struct dk_bind *b = NULL;
	struct xbr_bridge *br;
	struct xbr_port p;
	struct dk_reply r;
	size_t n, i, k = 0;
	char id[65];
	int err = 0;

	if (dk_binds_decode(req, &b, &n, &r))
		return r;
	if (ep_open(req, &br, &p, id, &r)) {
		free(b);
		return r;
	}
	done = calloc(n + 1, sizeof(*done));
	if (!done)
		err = -ENOMEM;
	for (i = 0; !err && i < n; i++) {
		err = publish_one(br, &b[i], p.name, &done[k]);
		if (!err)
			k++;
	}
	if (err) {
		r = lib_err(err, "endpoint %.12s: cannot publish its ports", id);
		while (k--) /* nothing of this call stays */
			nat_pub_del(br, &done[k]);
	} else {
		r = dk_ok(NULL);
		nat_fw_sync(br);
	}
	free(done);
	free(b);
	br_close(br);
	return r;
}

static struct dk_reply revoke_conn(json_t *req)
{
	struct xbr_bridge *br;
	struct xbr_port p;
	struct dk_reply r;
	char id[65];

	if (ep_open(req, &br, &p, id, &r)) {
		json_decref(r.body);
		return dk_ok(NULL);
	}
	nat_pub_del_station(br, p.name);
	br_close(br);
	return dk_ok(NULL);
}

/* ---- the plugin ---- */

static struct dk_reply activate(json_t *req)
{
	(void)req;
	return dk_ok(json_pack("{s:[s]}", "Implements", "NetworkDriver"));
}

static struct dk_reply capabilities(json_t *req)
{
	(void)req;
	return dk_ok(json_pack("{s:s,s:s}", "Scope", "local", "ConnectivityScope", "local"));
}

static struct dk_reply nothing(json_t *req)
{
	(void)req;
	return dk_ok(NULL);
}

static const struct {
	const char *path;
	struct dk_reply (*fn)(json_t *req);
} methods[] = {
	{ "/Plugin.Activate", activate },
	{ "/NetworkDriver.GetCapabilities", capabilities },
	{ "/NetworkDriver.CreateNetwork", create_network },
	{ "/NetworkDriver.DeleteNetwork", delete_network },
	{ "/NetworkDriver.CreateEndpoint", create_endpoint },
	{ "/NetworkDriver.DeleteEndpoint", delete_endpoint },
	{ "/NetworkDriver.EndpointOperInfo", endpoint_info },
	{ "/NetworkDriver.Join", join },
	{ "/NetworkDriver.Leave", leave },
	{ "/NetworkDriver.ProgramExternalConnectivity", program_conn },
	{ "/NetworkDriver.RevokeExternalConnectivity", revoke_conn },
	{ "/NetworkDriver.DiscoverNew", nothing },
	{ "/NetworkDriver.DiscoverDelete", nothing },
};

int dk_known(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(path, methods[i].path))
			return 1;
	return 0;
}

struct dk_reply dk_call(const char *path, json_t *req)
{
	struct dk_reply r;
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(path, methods[i].path))
			continue;
		xbr_log_capture(warned, sizeof(warned));
		r = methods[i].fn(req);
		xbr_log_capture(NULL, 0);
		if (r.status != 200 || json_object_get(r.body, "Err"))
			fprintf(stderr, "xbr-docker: %s: %s\n", path + 1,
				json_string_value(json_object_get(r.body, "Err")));
		return r;
	}
	return dk_err(404, "unknown method %s", path);
}
