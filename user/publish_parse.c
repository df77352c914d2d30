// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Published ports, the pure part (see publish.h): parsing the command line,
 * the text forms, the rule comment that records a publication, and overlap.
 * No I/O: tests/unit/test_publish.c covers it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "parse.h"
#include "publish.h"

/* "N" or "N-M", 1..65535, N <= M. */
static int parse_ports(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	const char *dash;
	uint32_t a, b;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	dash = strchr(s, '-');
	if (!dash) {
		if (xbr_parse_u32(s, 1, 65535, &a))
			return -EINVAL;
		*lo = *hi = (uint16_t)a;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(dash - s), s);
	if (xbr_parse_u32(buf, 1, 65535, &a) || xbr_parse_u32(dash + 1, 1, 65535, &b) || a > b)
		return -EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int parse_host(const char *s, struct xbr_pub *p, char *err, size_t len)
{
	static const uint8_t lo6[16] = { [15] = 1 }; /* ::1 */
	char addr[64];
	const char *ports = s, *colon;

	p->family = AF_UNSPEC;
	memset(p->addr, 0, sizeof(p->addr));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof(addr)) {
			snprintf(err, len, "host side \"%s\": an IPv6 address is written [ADDR]:PORT", s);
			return -EINVAL;
		}
		snprintf(addr, sizeof(addr), "%.*s", (int)(end - s - 1), s + 1);
		if (inet_pton(AF_INET6, addr, p->addr) != 1) {
			snprintf(err, len, "host address \"%s\" is not an IPv6 address", addr);
			return -EINVAL;
		}
		p->family = AF_INET6;
		ports = end + 2;
	} else if ((colon = strrchr(s, ':'))) {
		if ((size_t)(colon - s) >= sizeof(addr) || strchr(s, ':') != colon) {
			snprintf(err, len, "host side \"%s\": not [HOSTADDR:]PORT[-PORT] (an IPv6 address goes in brackets)",
				 s);
			return -EINVAL;
		}
		snprintf(addr, sizeof(addr), "%.*s", (int)(colon - s), s);
		if (inet_pton(AF_INET, addr, p->addr) != 1) {
			snprintf(err, len, "host address \"%s\" is not an IPv4 address", addr);
			return -EINVAL;
		}
		p->family = AF_INET;
		ports = colon + 1;
	}
	if (parse_ports(ports, &p->port, &p->port_end)) {
		snprintf(err, len, "host port \"%s\" is not PORT or PORT-PORT in 1..65535", ports);
		return -EINVAL;
	}
	if (p->family == AF_INET6 && !memcmp(p->addr, lo6, sizeof(lo6))) {
		snprintf(err, len, "host address ::1: the kernel does not translate IPv6 loopback connections; publish on 127.0.0.1");
		return -EINVAL;
	}
	if ((p->family == AF_INET6 && p->addr[0] == 0xff) ||
	    (p->family == AF_INET && (p->addr[0] >= 224 || (p->addr[0] == 0 && p->addr[1] | p->addr[2] | p->addr[3])))) {
		snprintf(err, len, "host address \"%s\" is not a unicast address", addr);
		return -EINVAL;
	}
	return 0;
}

static int parse_station(const char *s, struct xbr_pub *p, char *err, size_t len)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n >= sizeof(p->station)) {
		snprintf(err, len, "station \"%.*s\": name longer than 15 characters", (int)n, s);
		return -EINVAL;
	}
	snprintf(p->station, sizeof(p->station), "%.*s", (int)n, s);
	if (xbr_check_name(p->station)) {
		snprintf(err, len, "station \"%s\": name must be letters, digits, '_', '-', '.'",
			 p->station);
		return -EINVAL;
	}
	p->sport = p->port;
	p->sport_end = p->port_end;
	if (colon && parse_ports(colon + 1, &p->sport, &p->sport_end)) {
		snprintf(err, len, "station port \"%s\" is not PORT or PORT-PORT in 1..65535",
			 colon + 1);
		return -EINVAL;
	}
	if (p->sport_end - p->sport != p->port_end - p->port) {
		snprintf(err, len, "ports %u-%u on the host and %u-%u on station \"%s\" are not ranges of the same length",
			 p->port, p->port_end, p->sport, p->sport_end, p->station);
		return -EINVAL;
	}
	return 0;
}

static int parse_proto(const char *s)
{
	if (!strcmp(s, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(s, "udp"))
		return IPPROTO_UDP;
	return -1;
}

int pub_parse(int argc, char **argv, int need_station, struct xbr_pub *p, char *err,
	      size_t errlen)
{
	int i = 1, proto;

	memset(p, 0, sizeof(*p));
	p->proto = IPPROTO_TCP;
	if (argc < 1 || argc > 3 || (need_station && argc < 2)) {
		snprintf(err, errlen, "expected [HOSTADDR:]PORT[-PORT] %sSTATION[:PORT[-PORT]]%s [tcp|udp]",
			 need_station ? "" : "[", need_station ? "" : "]");
		return -EINVAL;
	}
	if (parse_host(argv[0], p, err, errlen))
		return -EINVAL;
	if (i < argc && parse_proto(argv[i]) < 0) {
		if (parse_station(argv[i], p, err, errlen))
			return -EINVAL;
		i++;
	} else if (need_station) {
		snprintf(err, errlen, "expected a station after \"%s\"", argv[0]);
		return -EINVAL;
	}
	if (i < argc) {
		proto = parse_proto(argv[i]);
		if (proto < 0) {
			snprintf(err, errlen, "protocol \"%s\" is not tcp or udp", argv[i]);
			return -EINVAL;
		}
		p->proto = (uint8_t)proto;
		i++;
	}
	if (i < argc) {
		snprintf(err, errlen, "unexpected \"%s\"", argv[i]);
		return -EINVAL;
	}
	return 0;
}

const char *pub_proto_name(const struct xbr_pub *p)
{
	return p->proto == IPPROTO_UDP ? "udp" : "tcp";
}

static void format_ports(char *buf, size_t len, uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		snprintf(buf, len, "%u", lo);
	else
		snprintf(buf, len, "%u-%u", lo, hi);
}

/* The host address as written in a comment: "*" for every one of both. */
static void format_addr(const struct xbr_pub *p, char *buf, size_t len)
{
	if (p->family == AF_UNSPEC)
		snprintf(buf, len, "*");
	else
		inet_ntop(p->family, p->addr, buf, (socklen_t)len);
}

void pub_format_host(const struct xbr_pub *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], ports[16];

	format_addr(p, a, sizeof(a));
	format_ports(ports, sizeof(ports), p->port, p->port_end);
	snprintf(buf, len, p->family == AF_INET6 ? "[%s]:%s" : "%s:%s", a, ports);
}

void pub_format_station(const struct xbr_pub *p, char *buf, size_t len)
{
	char ports[16];

	format_ports(ports, sizeof(ports), p->sport, p->sport_end);
	snprintf(buf, len, "%s:%s", p->station, ports);
}

/* "xbr-pub tcp * 8000-8999 ns1 8000-8999" (ranges always written N-M). */
void pub_comment(const struct xbr_pub *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	format_addr(p, a, sizeof(a));
	snprintf(buf, len, XBR_PUB_TAG " %s %s %u-%u %s %u-%u", pub_proto_name(p), a, p->port,
		 p->port_end, p->station, p->sport, p->sport_end);
}

int pub_from_comment(const char *s, struct xbr_pub *p)
{
	char tag[16], proto[8], addr[64], station[XBR_NSNAMSIZ];
	unsigned int a, b, c, d;
	int n = 0;

	memset(p, 0, sizeof(*p));
	if (sscanf(s, "%15s %7s %63s %u-%u %15s %u-%u%n", tag, proto, addr, &a, &b, station, &c,
		   &d, &n) != 8 ||
	    strcmp(tag, XBR_PUB_TAG) || (s[n] && s[n] != ' ') || a < 1 || a > b || b > 65535 ||
	    c < 1 || c > d || d > 65535 || d - c != b - a || parse_proto(proto) < 0)
		return -EINVAL;
	p->proto = (uint8_t)parse_proto(proto);
	if (!strcmp(addr, "*"))
		p->family = AF_UNSPEC;
	else if (inet_pton(AF_INET, addr, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, p->addr) == 1)
		p->family = AF_INET6;
	else
		return -EINVAL;
	p->port = (uint16_t)a;
	p->port_end = (uint16_t)b;
	p->sport = (uint16_t)c;
	p->sport_end = (uint16_t)d;
	snprintf(p->station, sizeof(p->station), "%s", station);
	return 0;
}

void pub_default_addr(const struct xbr_config *cfg, struct xbr_pub *p)
{
	if (p->family != AF_UNSPEC || !cfg->pub_addr)
		return;
	p->family = AF_INET;
	memset(p->addr, 0, sizeof(p->addr));
	memcpy(p->addr, &cfg->pub_addr, sizeof(cfg->pub_addr));
}

int pub_addr_any(const struct xbr_pub *p)
{
	static const uint8_t zero[16];

	return p->family == AF_UNSPEC ||
	       !memcmp(p->addr, zero, p->family == AF_INET ? 4 : 16);
}

int pub_is_loopback(const struct xbr_pub *p)
{
	return p->family == AF_INET && p->addr[0] == 127;
}

int pub_overlap(const struct xbr_pub *a, const struct xbr_pub *b)
{
	if (a->proto != b->proto || a->port_end < b->port || b->port_end < a->port)
		return 0;
	if (a->family != AF_UNSPEC && b->family != AF_UNSPEC && a->family != b->family)
		return 0;
	/* Every address of a family includes its loopback (host connections). */
	return pub_addr_any(a) || pub_addr_any(b) || !memcmp(a->addr, b->addr, 16);
}

/* ---- the pinned record (struct xbr_pub_rec) ---- */

void pub_to_rec(const struct xbr_pub *p, struct xbr_pub_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->proto = p->proto;
	r->family = p->family;
	r->version = XBR_PUB_REC_V;
	r->port = p->port;
	r->port_end = p->port_end;
	r->sport = p->sport;
	r->sport_end = p->sport_end;
	memcpy(r->addr, p->addr, sizeof(r->addr));
	memcpy(r->station, p->station, sizeof(r->station));
	r->station[sizeof(r->station) - 1] = '\0';
}

int pub_from_rec(const struct xbr_pub_rec *r, struct xbr_pub *p)
{
	memset(p, 0, sizeof(*p));
	if (r->version != XBR_PUB_REC_V || (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP) ||
	    (r->family != AF_UNSPEC && r->family != AF_INET && r->family != AF_INET6) ||
	    r->port < 1 || r->port > r->port_end || r->sport < 1 || r->sport > r->sport_end ||
	    r->sport_end - r->sport != r->port_end - r->port ||
	    !memchr(r->station, '\0', sizeof(r->station)) || !r->station[0])
		return -EINVAL;
	p->proto = r->proto;
	p->family = r->family;
	memcpy(p->addr, r->addr, sizeof(p->addr));
	p->port = r->port;
	p->port_end = r->port_end;
	p->sport = r->sport;
	p->sport_end = r->sport_end;
	memcpy(p->station, r->station, sizeof(p->station));
	return 0;
}
