// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Pure parsers and checks of user input (see parse.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "parse.h"
#include "xbr.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int xbr_parse_mac(const char *s, uint8_t mac[6])
{
	int i;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < 5 && s[i * 3 + 2] != ':')
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void xbr_format_mac(const uint8_t mac[6], char *buf)
{
	snprintf(buf, XBR_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
}

int xbr_parse_ipv4(const char *s, uint32_t *addr)
{
	struct in_addr in;

	/* inet_pton accepts only the strict dotted-quad form. */
	if (!s || inet_pton(AF_INET, s, &in) != 1)
		return -EINVAL;
	*addr = in.s_addr;
	return 0;
}

/* "ADDR/N" of @family into @addr (4 or 16 bytes) and N (0..32 or 0..128). */
static int parse_prefix(const char *s, int family, void *addr, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 4];
	const char *slash;
	uint32_t n;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	slash = strchr(s, '/');
	if (!slash)
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	/* inet_pton accepts only the strict forms. */
	if (inet_pton(family, buf, addr) != 1)
		return -EINVAL;
	if (xbr_parse_u32(slash + 1, 0, family == AF_INET ? 32 : 128, &n))
		return -EINVAL;
	*plen = (uint8_t)n;
	return 0;
}

int xbr_parse_cidr(const char *s, uint32_t *addr, uint8_t *plen)
{
	return parse_prefix(s, AF_INET, addr, plen);
}

uint32_t xbr_plen_mask(uint8_t plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

int xbr_in_subnet(uint32_t addr, uint32_t subnet, uint8_t plen)
{
	uint32_t m = xbr_plen_mask(plen);

	return (addr & m) == (subnet & m);
}

int xbr_check_name(const char *s)
{
	size_t i, n;

	if (!s || !*s)
		return -EINVAL;
	n = strlen(s);
	if (n > 15)
		return -ENAMETOOLONG;
	if (!strcmp(s, ".") || !strcmp(s, "..") || s[0] == '-')
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return -EINVAL;
	}
	return 0;
}

int xbr_parse_ns_spec(const char *s, struct xbr_ns_spec *spec)
{
	const char *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : strlen(s);
	int err;

	memset(spec, 0, sizeof(*spec));
	if (n >= sizeof(spec->name))
		return -ENAMETOOLONG;
	memcpy(spec->name, s, n);
	spec->name[n] = '\0';
	err = xbr_check_name(spec->name);
	if (err)
		return err;
	if (!eq)
		return 0;
	err = xbr_parse_cidr(eq + 1, &spec->addr, &spec->plen);
	if (err)
		return err;
	spec->has_addr = 1;
	return 0;
}

/* FNV-1a, 32 bit: stable across builds and machines. */
static uint32_t fnv1a(const char *a, const char *b)
{
	uint32_t h = 2166136261u;

	for (; *a; a++)
		h = (h ^ (uint8_t)*a) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (; *b; b++)
		h = (h ^ (uint8_t)*b) * 16777619u;
	return h;
}

void xbr_port_ifname(const char *br, const char *ns, char *buf)
{
	size_t nb = strlen(br), nn = strlen(ns);

	if (nb + 1 + nn <= 15) {
		memcpy(buf, br, nb);
		buf[nb] = '-';
		memcpy(buf + nb + 1, ns, nn + 1);
		return;
	}
	/* 6 chars of the bridge name, '-', 8 hex digits: 15 characters. */
	snprintf(buf, 16, "%.6s-%08x", br, fnv1a(br, ns));
}

int xbr_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	/* Digits only: strtoull() alone would take leading white space and signs. */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int xbr_parse_onoff(const char *s)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "on"))
		return 1;
	if (!strcmp(s, "off"))
		return 0;
	return -EINVAL;
}

int xbr_matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

int xbr_check_station_addr(uint32_t addr, uint8_t plen, uint32_t subnet, uint8_t splen,
			   uint32_t gw)
{
	uint32_t m = xbr_plen_mask(splen);

	if (!xbr_in_subnet(addr, subnet, splen) || plen < splen)
		return XBR_ADDR_OUTSIDE;
	if (addr == gw)
		return XBR_ADDR_GATEWAY;
	if (splen < 31 && ((addr & ~m) == 0 || (addr | m) == 0xffffffffu))
		return XBR_ADDR_RESERVED;
	if (!xbr_in_subnet(gw, addr, plen))
		return XBR_ADDR_NO_GW;
	return XBR_ADDR_OK;
}

const char *xbr_addr_strerror(int code)
{
	switch (code) {
	case XBR_ADDR_OK:
		return "ok";
	case XBR_ADDR_OUTSIDE:
		return "outside the bridge subnet";
	case XBR_ADDR_GATEWAY:
		return "is the gateway address";
	case XBR_ADDR_RESERVED:
		return "is the subnet's network or broadcast address";
	case XBR_ADDR_NO_GW:
		return "its prefix does not contain the gateway";
	}
	return "invalid";
}

uint32_t xbr_default_gateway(uint32_t subnet, uint8_t plen)
{
	uint32_t m = ntohl(xbr_plen_mask(plen)), net = ntohl(subnet) & m;

	if (plen < 24)
		return htonl(net + 256 + 254);
	return htonl((net | ~m) - 1);
}

static int addr_used(uint32_t a, const uint32_t *used, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (used[i] == a)
			return 1;
	return 0;
}

int xbr_alloc_addr(uint32_t subnet, uint8_t plen, uint32_t gw, const uint32_t *used,
		   size_t nused, uint32_t *out)
{
	uint32_t m = ntohl(xbr_plen_mask(plen));
	uint32_t net = ntohl(subnet) & m, last = net | ~m;
	uint32_t start = (ntohl(gw) & ~0xffu) + 1, a;
	uint64_t i, size = (uint64_t)(~m) + 1;

	if (plen >= 31)
		return -ENOSPC;
	if ((start & m) != net || start == net)
		start = net + 1;
	a = start;
	for (i = 0; i < size; i++, a++) {
		if (a >= last)
			a = net + 1;
		if (a == ntohl(gw) || addr_used(htonl(a), used, nused))
			continue;
		*out = htonl(a);
		return 0;
	}
	return -ENOSPC;
}

int xbr_parse_cidr6(const char *s, uint8_t addr[16], uint8_t *plen)
{
	return parse_prefix(s, AF_INET6, addr, plen);
}

void xbr_station_addr6(const uint8_t prefix[16], uint8_t plen6, uint32_t addr4, uint8_t out[16])
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = (int)plen6 - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		out[i] = prefix[i] & mask;
	}
	memcpy(out + 12, &addr4, 4);
}

int xbr_in6_prefix(const uint8_t a[16], const uint8_t prefix[16], uint8_t plen6)
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = (int)plen6 - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		if ((a[i] ^ prefix[i]) & mask)
			return 0;
	}
	return 1;
}

void xbr_port_addr6(const struct xbr_config *cfg, const struct xbr_port *p, uint8_t out[16])
{
	xbr_station_addr6(cfg->subnet6, cfg->plen6, p->addr, out);
	if (p->flags & XBR_PORT_F_ADDR6)
		memcpy(out + 8, p->iid6, 8);
}

void xbr_gateway_addr6(const struct xbr_config *cfg, uint8_t out[16])
{
	xbr_station_addr6(cfg->subnet6, cfg->plen6, cfg->gateway, out);
	if (cfg->flags & XBR_CFG_F_GW6)
		memcpy(out + 8, cfg->gw_iid6, 8);
}

const char *xbr_bridge_name_problem(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0)
		return "empty";
	/* bpffs refuses '.' in names (reserved), interface names '/', ':' and
	 * white space; a leading '-' reads as an option. */
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || (c == '-' && i > 0)))
			return "use letters, digits, '_' and '-' only (it names a pin directory and an interface)";
	}
	if (n > 12)
		return "at most 12 characters (its gateway port is <name>-gw)";
	return NULL;
}

const char *xbr_dns_label_problem(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0)
		return "empty";
	if (n > 63)
		return "longer than 63 characters (a DNS label)";
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return "not a DNS label: use letters, digits and '-' only";
	}
	if (s[0] == '-' || s[n - 1] == '-')
		return "not a DNS label: '-' cannot start or end it";
	return NULL;
}
