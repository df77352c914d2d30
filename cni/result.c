// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The CNI plugin's pure half, part 2: results (read from an IPAM plugin or a
 * prevResult, written for the runtime in the version it asked for), the error
 * object and the VERSION answer. No I/O.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "cni.h"

int cni_parse_prefix(const char *s, int *family, uint8_t addr[16], uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	unsigned int p;
	int n = 0, max;

	if (!slash || (size_t)(slash - s) >= INET6_ADDRSTRLEN)
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	*family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	max = *family == AF_INET6 ? 128 : 32;
	memset(addr, 0, 16);
	if (inet_pton(*family, buf, addr) != 1)
		return -1;
	if (sscanf(slash + 1, "%u%n", &p, &n) != 1 || slash[1 + n] || !n || p > (unsigned int)max ||
	    slash[1] == '+' || slash[1] == '-')
		return -1;
	*plen = (uint8_t)p;
	return 0;
}

const char *cni_fmt_addr(int family, const uint8_t *addr, char *buf)
{
	return inet_ntop(family, addr, buf, INET6_ADDRSTRLEN);
}

/* An address of the same family as @family, or -1. */
static int parse_addr(const char *s, int family, uint8_t out[16])
{
	memset(out, 0, 16);
	return inet_pton(family, s, out) == 1 ? 0 : -1;
}

/* Member @key of @o as a string, NULL when absent; -1 (code 6) when not a string. */
static int str_member(const json_t *o, const char *key, const char *what, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return cni_fail(CNI_ERR_DECODE, "%s: \"%s\" is not a string", what, key);
	*out = json_string_value(v);
	return 0;
}

static int array_member(const json_t *o, const char *key, const char *what, json_t **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return cni_fail(CNI_ERR_DECODE, "%s: \"%s\" is not a list", what, key);
	*out = v;
	return 0;
}

static int parse_ifaces(const json_t *list, const char *what, struct cni_result *r)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		struct cni_iface *f = &r->ifaces[r->nifaces];
		const char *name, *mac, *sb;
		json_t *mtu;

		if (r->nifaces == CNI_MAX_IFACES)
			return cni_fail(CNI_ERR_DECODE, "%s: more than %d interfaces", what,
					CNI_MAX_IFACES);
		if (!json_is_object(e))
			return cni_fail(CNI_ERR_DECODE, "%s: interface %zu is not an object", what, i);
		if (str_member(e, "name", what, &name) || str_member(e, "mac", what, &mac) ||
		    str_member(e, "sandbox", what, &sb))
			return -1;
		if (!name || strlen(name) >= sizeof(f->name) || (mac && strlen(mac) >= sizeof(f->mac)) ||
		    (sb && strlen(sb) >= sizeof(f->sandbox)))
			return cni_fail(CNI_ERR_DECODE,
					"%s: interface %zu has no name, or a name, mac or sandbox too long",
					what, i);
		snprintf(f->name, sizeof(f->name), "%s", name);
		snprintf(f->mac, sizeof(f->mac), "%s", mac ? mac : "");
		snprintf(f->sandbox, sizeof(f->sandbox), "%s", sb ? sb : "");
		mtu = json_object_get(e, "mtu");
		if (json_is_integer(mtu) && json_integer_value(mtu) > 0 &&
		    json_integer_value(mtu) <= 65535)
			f->mtu = (uint32_t)json_integer_value(mtu);
		r->nifaces++;
	}
	return 0;
}

static int parse_ips(const json_t *list, const char *what, struct cni_result *r)
{
	json_t *e, *ifc;
	size_t i;

	json_array_foreach(list, i, e) {
		struct cni_ip *ip = &r->ips[r->nips];
		const char *addr, *gw;

		if (r->nips == CNI_MAX_IPS)
			return cni_fail(CNI_ERR_DECODE, "%s: more than %d addresses", what, CNI_MAX_IPS);
		if (!json_is_object(e))
			return cni_fail(CNI_ERR_DECODE, "%s: ips[%zu] is not an object", what, i);
		if (str_member(e, "address", what, &addr) || str_member(e, "gateway", what, &gw))
			return -1;
		if (!addr || cni_parse_prefix(addr, &ip->family, ip->addr, &ip->plen))
			return cni_fail(CNI_ERR_DECODE, "%s: ips[%zu] address \"%s\" is not ADDRESS/PLEN",
					what, i, addr ? addr : "");
		if (gw) {
			if (parse_addr(gw, ip->family, ip->gw))
				return cni_fail(CNI_ERR_DECODE,
						"%s: ips[%zu] gateway \"%s\" is not an address of the same family",
						what, i, gw);
			ip->has_gw = 1;
		}
		ip->iface = -1;
		ifc = json_object_get(e, "interface");
		if (ifc && !json_is_null(ifc)) {
			if (!json_is_integer(ifc) || json_integer_value(ifc) < 0 ||
			    json_integer_value(ifc) >= CNI_MAX_IFACES)
				return cni_fail(CNI_ERR_DECODE, "%s: ips[%zu] interface is not an index",
						what, i);
			ip->iface = (int)json_integer_value(ifc);
		}
		r->nips++;
	}
	return 0;
}

static int parse_routes(const json_t *list, const char *what, struct cni_result *r)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		struct cni_route *rt = &r->routes[r->nroutes];
		const char *dst, *gw;

		if (r->nroutes == CNI_MAX_ROUTES)
			return cni_fail(CNI_ERR_DECODE, "%s: more than %d routes", what, CNI_MAX_ROUTES);
		if (!json_is_object(e))
			return cni_fail(CNI_ERR_DECODE, "%s: routes[%zu] is not an object", what, i);
		if (str_member(e, "dst", what, &dst) || str_member(e, "gw", what, &gw))
			return -1;
		if (!dst || cni_parse_prefix(dst, &rt->family, rt->dst, &rt->dst_len))
			return cni_fail(CNI_ERR_DECODE, "%s: routes[%zu] dst \"%s\" is not ADDRESS/PLEN",
					what, i, dst ? dst : "");
		if (gw) {
			if (parse_addr(gw, rt->family, rt->gw))
				return cni_fail(CNI_ERR_DECODE,
						"%s: routes[%zu] gw \"%s\" is not an address of the dst's family",
						what, i, gw);
			rt->has_gw = 1;
		}
		r->nroutes++;
	}
	return 0;
}

int cni_result_parse(const json_t *j, const char *what, struct cni_result *r)
{
	json_t *ifs, *ips, *routes, *dns;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(j))
		return cni_fail(CNI_ERR_DECODE, "%s is not a JSON object", what);
	if (array_member(j, "interfaces", what, &ifs) || array_member(j, "ips", what, &ips) ||
	    array_member(j, "routes", what, &routes))
		return -1;
	if ((ifs && parse_ifaces(ifs, what, r)) || (ips && parse_ips(ips, what, r)) ||
	    (routes && parse_routes(routes, what, r)))
		return -1;
	dns = json_object_get(j, "dns");
	if (json_is_object(dns) && json_object_size(dns))
		r->dns = json_incref(dns);
	return 0;
}

void cni_result_free(struct cni_result *r)
{
	json_decref(r->dns);
	r->dns = NULL;
}

static json_t *prefix_json(int family, const uint8_t *a, uint8_t plen)
{
	char buf[INET6_ADDRSTRLEN], out[INET6_ADDRSTRLEN + 8];

	snprintf(out, sizeof(out), "%s/%u", cni_fmt_addr(family, a, buf), plen);
	return json_string(out);
}

static json_t *addr_json(int family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	return json_string(cni_fmt_addr(family, a, buf));
}

json_t *cni_result_json(const struct cni_result *r, const char *version)
{
	int vnum = cni_version_num(version);
	json_t *o = json_object(), *ifs = json_array(), *ips = json_array(), *rts = json_array();
	size_t i;

	json_object_set_new(o, "cniVersion", json_string(version));
	for (i = 0; i < r->nifaces; i++) {
		const struct cni_iface *f = &r->ifaces[i];
		json_t *e = json_object();

		json_object_set_new(e, "name", json_string(f->name));
		if (f->mac[0])
			json_object_set_new(e, "mac", json_string(f->mac));
		if (f->mtu && vnum >= 10100) /* interface mtu arrived in 1.1.0 */
			json_object_set_new(e, "mtu", json_integer(f->mtu));
		if (f->sandbox[0])
			json_object_set_new(e, "sandbox", json_string(f->sandbox));
		json_array_append_new(ifs, e);
	}
	for (i = 0; i < r->nips; i++) {
		const struct cni_ip *ip = &r->ips[i];
		json_t *e = json_object();

		/* Before 1.0.0 every address says its family. */
		if (vnum < 10000)
			json_object_set_new(e, "version",
					    json_string(ip->family == AF_INET6 ? "6" : "4"));
		json_object_set_new(e, "address", prefix_json(ip->family, ip->addr, ip->plen));
		if (ip->has_gw)
			json_object_set_new(e, "gateway", addr_json(ip->family, ip->gw));
		if (ip->iface >= 0)
			json_object_set_new(e, "interface", json_integer(ip->iface));
		json_array_append_new(ips, e);
	}
	for (i = 0; i < r->nroutes; i++) {
		const struct cni_route *rt = &r->routes[i];
		json_t *e = json_object();

		json_object_set_new(e, "dst", prefix_json(rt->family, rt->dst, rt->dst_len));
		if (rt->has_gw)
			json_object_set_new(e, "gw", addr_json(rt->family, rt->gw));
		json_array_append_new(rts, e);
	}
	json_object_set_new(o, "interfaces", ifs);
	json_object_set_new(o, "ips", ips);
	json_object_set_new(o, "routes", rts);
	json_object_set_new(o, "dns", r->dns ? json_deep_copy(r->dns) : json_object());
	return o;
}

json_t *cni_error_json(const char *version)
{
	json_t *o = json_object();

	json_object_set_new(o, "cniVersion",
			    json_string(version && *version ? version : "1.0.0"));
	json_object_set_new(o, "code", json_integer(cni_err.code ? cni_err.code : CNI_ERR_INTERNAL));
	json_object_set_new(o, "msg", json_string(cni_err.msg[0] ? cni_err.msg : "failed"));
	if (cni_err.details[0])
		json_object_set_new(o, "details", json_string(cni_err.details));
	return o;
}

json_t *cni_version_json(const char *version)
{
	json_t *o = json_object(), *list = json_array();
	const char *const *v;

	for (v = cni_versions; *v; v++)
		json_array_append_new(list, json_string(*v));
	json_object_set_new(o, "cniVersion", json_string(version));
	json_object_set_new(o, "supportedVersions", list);
	return o;
}
