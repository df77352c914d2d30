// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of user/parse.c: the pure parsers and formatters behind the CLI
 * (MACs, IPv4 addresses and prefixes, names, namespace specs, port names,
 * numbers, on/off, station-address checks and address allocation).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "parse.h"

/* Network-order address from a dotted quad that must parse. */
static uint32_t ip(const char *s)
{
	struct in_addr in;

	assert_int_equal(inet_pton(AF_INET, s, &in), 1);
	return in.s_addr;
}

static const char *ipstr(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

#define assert_ip_equal(a, expect)                                   \
	do {                                                         \
		char _b[INET_ADDRSTRLEN];                            \
		assert_string_equal(ipstr((a), _b), (expect));       \
	} while (0)

/* ---- MAC ---- */

static void test_mac_parse_ok(void **state)
{
	uint8_t mac[6];
	const uint8_t want[6] = { 0x0a, 0x58, 0xac, 0x10, 0x01, 0xfe };

	(void)state;
	assert_int_equal(xbr_parse_mac("0a:58:ac:10:01:fe", mac), 0);
	assert_memory_equal(mac, want, 6);
	/* Upper and mixed case are accepted. */
	memset(mac, 0, sizeof(mac));
	assert_int_equal(xbr_parse_mac("0A:58:AC:10:01:FE", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(xbr_parse_mac("0a:58:Ac:10:01:fE", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(xbr_parse_mac("ff:ff:ff:ff:ff:ff", mac), 0);
	assert_memory_equal(mac, "\xff\xff\xff\xff\xff\xff", 6);
	assert_int_equal(xbr_parse_mac("00:00:00:00:00:00", mac), 0);
	assert_memory_equal(mac, "\0\0\0\0\0\0", 6);
}

static void test_mac_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"0a:58:ac:10:01",       /* 5 octets */
		"0a:58:ac:10:01:fe:00", /* 7 octets */
		"0a-58-ac-10-01-fe",    /* wrong separator */
		"0a:58:ac:10:01:f",     /* short last octet */
		"a:58:ac:10:01:fe0",    /* right length, misplaced colon */
		"0a:58:ac:10:01:gg",    /* not hex */
		"0a:58:ac:10:01:fe ",   /* trailing space */
		" 0a:58:ac:10:01:fe",   /* leading space */
		"0a:58:ac:10:01::e",
		"0a5858ac10010001f",    /* no separators */
	};
	uint8_t mac[6];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (xbr_parse_mac(bad[i], mac) != -EINVAL)
			fail_msg("xbr_parse_mac(\"%s\") accepted a malformed MAC", bad[i]);
	}
	assert_int_equal(xbr_parse_mac(NULL, mac), -EINVAL);
}

static void test_mac_format(void **state)
{
	const uint8_t mac[6] = { 0x0a, 0x58, 0xAC, 0x10, 0x01, 0xFE };
	const uint8_t zero[6] = { 0 };
	char buf[XBR_MAC_STRLEN];
	uint8_t back[6];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	xbr_format_mac(mac, buf);
	assert_string_equal(buf, "0a:58:ac:10:01:fe"); /* lower case, zero padded */
	assert_int_equal(strlen(buf), XBR_MAC_STRLEN - 1);
	xbr_format_mac(zero, buf);
	assert_string_equal(buf, "00:00:00:00:00:00");
	/* Round trip. */
	xbr_format_mac(mac, buf);
	assert_int_equal(xbr_parse_mac(buf, back), 0);
	assert_memory_equal(back, mac, 6);
}

/* ---- IPv4 ---- */

static void test_ipv4(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/24", "a.b.c.d", " 1.2.3.4",
		"1.2.3.4 ", "1..2.3", "-1.2.3.4", "0x1.2.3.4", "::1",
	};
	uint32_t a = 0xdeadbeef;
	size_t i;

	(void)state;
	assert_int_equal(xbr_parse_ipv4("172.16.1.254", &a), 0);
	assert_int_equal(a, ip("172.16.1.254"));
	assert_int_equal(ntohl(a), 0xac1001fe); /* network byte order */
	assert_int_equal(xbr_parse_ipv4("0.0.0.0", &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(xbr_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffffu);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = 0x12345678;
		if (xbr_parse_ipv4(bad[i], &a) != -EINVAL)
			fail_msg("xbr_parse_ipv4(\"%s\") accepted a malformed address", bad[i]);
		assert_int_equal(a, 0x12345678); /* untouched on error */
	}
	assert_int_equal(xbr_parse_ipv4(NULL, &a), -EINVAL);
}

static void test_cidr_ok(void **state)
{
	uint32_t a;
	uint8_t plen;

	(void)state;
	assert_int_equal(xbr_parse_cidr("172.16.0.0/16", &a, &plen), 0);
	assert_ip_equal(a, "172.16.0.0");
	assert_int_equal(plen, 16);
	assert_int_equal(xbr_parse_cidr("10.1.2.3/0", &a, &plen), 0);
	assert_ip_equal(a, "10.1.2.3");
	assert_int_equal(plen, 0);
	assert_int_equal(xbr_parse_cidr("255.255.255.255/32", &a, &plen), 0);
	assert_int_equal(a, 0xffffffffu);
	assert_int_equal(plen, 32);
	/* The host part is kept: the address is a station address. */
	assert_int_equal(xbr_parse_cidr("172.16.1.1/16", &a, &plen), 0);
	assert_ip_equal(a, "172.16.1.1");
}

static void test_cidr_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"172.16.1.1",          /* no prefix */
		"172.16.1.1/",         /* empty prefix */
		"/16",                 /* no address */
		"172.16.1.1/33",       /* prefix too long */
		"172.16.1.1/-1",
		"172.16.1.1/+8",
		"172.16.1.1/ 8",
		"172.16.1.1/8x",
		"172.16.1.1/16/8",
		"172.16.1.300/16",
		"172.16.1/16",
		"host/16",
		"172.16.1.1 /16",
		"255.255.255.255/3200000", /* longer than any valid CIDR */
		"172.16.1.1/99999999999999999999",
	};
	uint32_t a;
	uint8_t plen;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (xbr_parse_cidr(bad[i], &a, &plen) != -EINVAL)
			fail_msg("xbr_parse_cidr(\"%s\") did not return -EINVAL", bad[i]);
	}
	assert_int_equal(xbr_parse_cidr(NULL, &a, &plen), -EINVAL);
}

static void test_plen_mask(void **state)
{
	(void)state;
	assert_int_equal(xbr_plen_mask(0), 0);
	assert_int_equal(ntohl(xbr_plen_mask(1)), 0x80000000u);
	assert_int_equal(ntohl(xbr_plen_mask(8)), 0xff000000u);
	assert_int_equal(ntohl(xbr_plen_mask(16)), 0xffff0000u);
	assert_int_equal(ntohl(xbr_plen_mask(24)), 0xffffff00u);
	assert_int_equal(ntohl(xbr_plen_mask(31)), 0xfffffffeu);
	assert_int_equal(ntohl(xbr_plen_mask(32)), 0xffffffffu);
}

static void test_in_subnet(void **state)
{
	uint32_t net16 = ip("172.16.0.0");

	(void)state;
	assert_true(xbr_in_subnet(ip("172.16.1.1"), net16, 16));
	assert_true(xbr_in_subnet(ip("172.16.0.0"), net16, 16));
	assert_true(xbr_in_subnet(ip("172.16.255.255"), net16, 16));
	assert_false(xbr_in_subnet(ip("172.17.0.1"), net16, 16));
	assert_false(xbr_in_subnet(ip("172.15.255.255"), net16, 16));
	assert_false(xbr_in_subnet(ip("10.0.0.1"), net16, 16));
	/* The subnet's host bits are ignored. */
	assert_true(xbr_in_subnet(ip("172.16.9.9"), ip("172.16.1.254"), 16));
	/* /0 holds everything, /32 only itself. */
	assert_true(xbr_in_subnet(ip("192.0.2.2"), net16, 0));
	assert_true(xbr_in_subnet(ip("10.0.0.1"), ip("10.0.0.1"), 32));
	assert_false(xbr_in_subnet(ip("10.0.0.2"), ip("10.0.0.1"), 32));
	/* Prefixes not on an octet boundary. */
	assert_true(xbr_in_subnet(ip("10.0.0.129"), ip("10.0.0.128"), 25));
	assert_false(xbr_in_subnet(ip("10.0.0.127"), ip("10.0.0.128"), 25));
	assert_true(xbr_in_subnet(ip("10.0.0.3"), ip("10.0.0.0"), 30));
	assert_false(xbr_in_subnet(ip("10.0.0.4"), ip("10.0.0.0"), 30));
}

/* ---- names ---- */

static void test_check_name_ok(void **state)
{
	static const char *const ok[] = {
		"ns1", "a", "A", "xbr0", "ns_1", "ns-1", "ns.1", "a-", "a.", "_x", "...",
		"123456789012345", /* 15 characters: the limit */
		"ABCdef_-.09",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (xbr_check_name(ok[i]) != 0)
			fail_msg("xbr_check_name(\"%s\") rejected a valid name", ok[i]);
	}
}

static void test_check_name_bad(void **state)
{
	static const char *const inval[] = {
		"",        /* empty */
		"/",       /* slash */
		"a/b",
		"../x",
		"/etc",
		".",       /* dot names */
		"..",
		"-x",      /* leading '-' (would be taken as an option) */
		"-",
		"a b",     /* space */
		"a\tb",
		"a\nb",
		"ns1=x",   /* '=' separates the address */
		"ns:1",
		"ns@1",
		"ns%d",
		"é",       /* non-ASCII */
		"a*",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inval) / sizeof(inval[0]); i++) {
		if (xbr_check_name(inval[i]) != -EINVAL)
			fail_msg("xbr_check_name(\"%s\") did not return -EINVAL", inval[i]);
	}
	assert_int_equal(xbr_check_name(NULL), -EINVAL);
	/* Longer than 15 characters. */
	assert_int_equal(xbr_check_name("1234567890123456"), -ENAMETOOLONG);
	assert_int_equal(xbr_check_name("a-very-long-namespace-name"), -ENAMETOOLONG);
}

static void test_ns_spec(void **state)
{
	struct xbr_ns_spec s;

	(void)state;
	memset(&s, 0xaa, sizeof(s));
	assert_int_equal(xbr_parse_ns_spec("ns1", &s), 0);
	assert_string_equal(s.name, "ns1");
	assert_int_equal(s.addr, 0); /* absent: allocated later */
	assert_int_equal(s.plen, 0);

	memset(&s, 0xaa, sizeof(s));
	assert_int_equal(xbr_parse_ns_spec("ns1=172.16.1.1/16", &s), 0);
	assert_string_equal(s.name, "ns1");
	assert_ip_equal(s.addr, "172.16.1.1");
	assert_int_equal(s.plen, 16);

	assert_int_equal(xbr_parse_ns_spec("123456789012345=10.0.0.1/8", &s), 0);
	assert_string_equal(s.name, "123456789012345");
	assert_ip_equal(s.addr, "10.0.0.1");
	assert_int_equal(s.plen, 8);
}

static void test_ns_spec_bad(void **state)
{
	static const struct {
		const char *in;
		int err;
	} bad[] = {
		{ "", -EINVAL },
		{ "=172.16.1.1/16", -EINVAL },         /* empty name */
		{ "a/b", -EINVAL },
		{ "..", -EINVAL },
		{ "../etc=172.16.1.1/16", -EINVAL },
		{ "-ns", -EINVAL },
		{ "ns 1", -EINVAL },
		{ "ns1=", -EINVAL },                   /* empty address */
		{ "ns1=172.16.1.1", -EINVAL },         /* no prefix */
		{ "ns1=172.16.1.1/33", -EINVAL },
		{ "ns1=172.16.1.300/16", -EINVAL },
		{ "ns1=172.16.1.1/16=x", -EINVAL },
		{ "ns1=abc", -EINVAL },
		{ "1234567890123456", -ENAMETOOLONG }, /* 16 characters */
		{ "1234567890123456=10.0.0.1/8", -ENAMETOOLONG },
		{ "a-name-that-is-far-too-long-for-an-interface", -ENAMETOOLONG },
	};
	struct xbr_ns_spec s;
	size_t i;
	int err;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = xbr_parse_ns_spec(bad[i].in, &s);
		if (err != bad[i].err)
			fail_msg("xbr_parse_ns_spec(\"%s\") = %d, want %d", bad[i].in, err, bad[i].err);
	}
}

/* ---- port names ---- */

static void test_port_ifname_short(void **state)
{
	char buf[16];

	(void)state;
	xbr_port_ifname("xbr0", "ns1", buf);
	assert_string_equal(buf, "xbr0-ns1");
	xbr_port_ifname("xbr0", "gw", buf);
	assert_string_equal(buf, "xbr0-gw");
	/* Exactly 15 characters still uses the readable form. */
	xbr_port_ifname("br", "123456789012", buf);
	assert_string_equal(buf, "br-123456789012");
	assert_int_equal(strlen(buf), 15);
	xbr_port_ifname("abcdefghijkl", "gw", buf); /* a 12-char bridge's gateway */
	assert_string_equal(buf, "abcdefghijkl-gw");
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void test_port_ifname_hashed(void **state)
{
	char a[16], b[16], c[16], d[16];

	(void)state;
	/* 16 characters do not fit: "<6 chars of bridge>-<8 hex digits>". */
	xbr_port_ifname("br", "1234567890123", a);
	assert_int_equal(strlen(a), 11); /* short bridge name kept whole */
	assert_memory_equal(a, "br-", 3);
	assert_true(is_hex(a + 3, 8));

	xbr_port_ifname("longbridge12", "namespace-one", a);
	assert_int_equal(strlen(a), 15);
	assert_memory_equal(a, "longbr-", 7);
	assert_true(is_hex(a + 7, 8));
	assert_true(xbr_check_name(a) == 0); /* usable as an interface name */

	/* Deterministic. */
	xbr_port_ifname("longbridge12", "namespace-one", b);
	assert_string_equal(a, b);
	/* Different namespace or bridge: different name. */
	xbr_port_ifname("longbridge12", "namespace-two", c);
	assert_string_not_equal(a, c);
	xbr_port_ifname("longbridge13", "namespace-one", d);
	assert_string_not_equal(a, d);
	/* The separator between bridge and namespace is part of the hash:
	 * ("ab", "cdefghijklmnopq") and ("abc", "defghijklmnopq") differ. */
	xbr_port_ifname("ab", "cdefghijklmnopq", a);
	xbr_port_ifname("abc", "defghijklmnopq", b);
	assert_string_not_equal(a + 3, b + 4);
}

static void test_port_ifname_stable(void **state)
{
	char buf[16];

	(void)state;
	/* FNV-1a 32 of "<bridge>/<ns>", printed as 8 hex digits: the value must
	 * not change between builds, or a newer xbr would not find the ports of
	 * a bridge an older one made. Values computed independently. */
	xbr_port_ifname("longbridge12", "namespace-one", buf);
	assert_string_equal(buf, "longbr-27fac0d0");
	xbr_port_ifname("xbr0", "a-long-ns-name", buf);
	assert_string_equal(buf, "xbr0-4e7aa89e");
}

static void test_port_ifname_many_distinct(void **state)
{
	char names[200][16], ns[32];
	int i, k;

	(void)state;
	for (i = 0; i < 200; i++) {
		snprintf(ns, sizeof(ns), "namespace%04d", i);
		xbr_port_ifname("bridge", ns, names[i]);
		assert_true(strlen(names[i]) <= 15);
		for (k = 0; k < i; k++)
			if (!strcmp(names[i], names[k]))
				fail_msg("port names collide: %s for namespace%04d and namespace%04d",
					 names[i], i, k);
	}
}

/* ---- numbers, on/off, prefix matching ---- */

static void test_parse_u32(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(xbr_parse_u32("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(xbr_parse_u32("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(xbr_parse_u32("300", 1, 1000000, &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(xbr_parse_u32("4294967295", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(xbr_parse_u32("007", 0, 10, &v), 0); /* decimal, not octal */
	assert_int_equal(v, 7);

	v = 42;
	assert_int_equal(xbr_parse_u32("11", 0, 10, &v), -ERANGE);
	assert_int_equal(xbr_parse_u32("0", 1, 10, &v), -ERANGE);
	assert_int_equal(xbr_parse_u32("15", 16, 100, &v), -ERANGE);
	assert_int_equal(xbr_parse_u32("4294967296", 0, UINT32_MAX, &v), -ERANGE);
	assert_int_equal(xbr_parse_u32("99999999999999999999999", 0, UINT32_MAX, &v), -ERANGE);
	assert_int_equal(v, 42); /* untouched on error */

	assert_int_equal(xbr_parse_u32("", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32(NULL, 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("-1", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("+1", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32(" 1", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("1 ", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("1x", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("0x10", 0, 100, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("1.5", 0, 10, &v), -EINVAL);
	assert_int_equal(v, 42);
}

static void test_parse_u32_whitespace(void **state)
{
	uint32_t v = 42;

	(void)state;
	/* strtoull() skips any leading white space, not only ' ': a tab or a
	 * newline in front of the number must be refused just like a space. */
	assert_int_equal(xbr_parse_u32("\t5", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("\n5", 0, 10, &v), -EINVAL);
	assert_int_equal(v, 42);
}

static void test_parse_onoff(void **state)
{
	(void)state;
	assert_int_equal(xbr_parse_onoff("on"), 1);
	assert_int_equal(xbr_parse_onoff("off"), 0);
	assert_int_equal(xbr_parse_onoff("ON"), -EINVAL);
	assert_int_equal(xbr_parse_onoff("yes"), -EINVAL);
	assert_int_equal(xbr_parse_onoff("1"), -EINVAL);
	assert_int_equal(xbr_parse_onoff(""), -EINVAL);
	assert_int_equal(xbr_parse_onoff("o"), -EINVAL);
	assert_int_equal(xbr_parse_onoff("onn"), -EINVAL);
	assert_int_equal(xbr_parse_onoff(NULL), -EINVAL);
}

static void test_matches(void **state)
{
	(void)state;
	assert_true(xbr_matches("s", "show"));
	assert_true(xbr_matches("sho", "show"));
	assert_true(xbr_matches("show", "show"));
	assert_false(xbr_matches("shows", "show"));
	assert_false(xbr_matches("", "show"));
	assert_false(xbr_matches("x", "show"));
}

/* ---- station addresses ---- */

static void test_check_station_addr(void **state)
{
	uint32_t sub = ip("172.16.0.0"), gw = ip("172.16.1.254");

	(void)state;
	assert_int_equal(xbr_check_station_addr(ip("172.16.1.1"), 16, sub, 16, gw), XBR_ADDR_OK);
	assert_int_equal(xbr_check_station_addr(ip("172.16.200.7"), 16, sub, 16, gw), XBR_ADDR_OK);
	/* A longer prefix that still contains the gateway is fine. */
	assert_int_equal(xbr_check_station_addr(ip("172.16.1.1"), 24, sub, 16, gw), XBR_ADDR_OK);

	assert_int_equal(xbr_check_station_addr(ip("10.0.0.1"), 16, sub, 16, gw), XBR_ADDR_OUTSIDE);
	assert_int_equal(xbr_check_station_addr(ip("172.17.0.1"), 16, sub, 16, gw),
			 XBR_ADDR_OUTSIDE);
	assert_int_equal(xbr_check_station_addr(ip("0.0.0.0"), 16, sub, 16, gw), XBR_ADDR_OUTSIDE);
	/* A shorter prefix than the bridge's reaches outside it. */
	assert_int_equal(xbr_check_station_addr(ip("172.16.1.1"), 8, sub, 16, gw),
			 XBR_ADDR_OUTSIDE);

	assert_int_equal(xbr_check_station_addr(gw, 16, sub, 16, gw), XBR_ADDR_GATEWAY);
	assert_int_equal(xbr_check_station_addr(gw, 24, sub, 16, gw), XBR_ADDR_GATEWAY);

	assert_int_equal(xbr_check_station_addr(ip("172.16.0.0"), 16, sub, 16, gw),
			 XBR_ADDR_RESERVED);
	assert_int_equal(xbr_check_station_addr(ip("172.16.255.255"), 16, sub, 16, gw),
			 XBR_ADDR_RESERVED);
	/* x.y.z.0 and .255 inside a /16 are ordinary hosts. */
	assert_int_equal(xbr_check_station_addr(ip("172.16.2.0"), 16, sub, 16, gw), XBR_ADDR_OK);
	assert_int_equal(xbr_check_station_addr(ip("172.16.1.255"), 16, sub, 16, gw), XBR_ADDR_OK);

	/* Own prefix that does not contain the gateway: no default route. */
	assert_int_equal(xbr_check_station_addr(ip("172.16.2.1"), 24, sub, 16, gw),
			 XBR_ADDR_NO_GW);

	/* A /24 bridge. */
	sub = ip("10.9.8.0");
	gw = ip("10.9.8.1");
	assert_int_equal(xbr_check_station_addr(ip("10.9.8.2"), 24, sub, 24, gw), XBR_ADDR_OK);
	assert_int_equal(xbr_check_station_addr(ip("10.9.8.0"), 24, sub, 24, gw),
			 XBR_ADDR_RESERVED);
	assert_int_equal(xbr_check_station_addr(ip("10.9.8.255"), 24, sub, 24, gw),
			 XBR_ADDR_RESERVED);
	assert_int_equal(xbr_check_station_addr(ip("10.9.9.1"), 24, sub, 24, gw),
			 XBR_ADDR_OUTSIDE);
}

static void test_addr_strerror(void **state)
{
	(void)state;
	assert_string_equal(xbr_addr_strerror(XBR_ADDR_OK), "ok");
	assert_string_equal(xbr_addr_strerror(XBR_ADDR_OUTSIDE), "outside the bridge subnet");
	assert_string_equal(xbr_addr_strerror(XBR_ADDR_GATEWAY), "is the gateway address");
	assert_non_null(strstr(xbr_addr_strerror(XBR_ADDR_RESERVED), "broadcast"));
	assert_non_null(strstr(xbr_addr_strerror(XBR_ADDR_NO_GW), "gateway"));
	assert_string_equal(xbr_addr_strerror(12345), "invalid");
}

/* ---- address allocation ---- */

/* ---- default gateway ---- */

static void test_default_gateway(void **state)
{
	uint8_t plen;

	(void)state;
	/* the lab keeps its gateway; larger subnets: .1.254 of the subnet */
	assert_ip_equal(xbr_default_gateway(ip("172.16.0.0"), 16), "172.16.1.254");
	assert_ip_equal(xbr_default_gateway(ip("10.77.0.0"), 16), "10.77.1.254");
	assert_ip_equal(xbr_default_gateway(ip("10.0.0.0"), 8), "10.0.1.254");
	assert_ip_equal(xbr_default_gateway(ip("192.168.4.0"), 23), "192.168.5.254");
	/* host bits of the subnet do not matter */
	assert_ip_equal(xbr_default_gateway(ip("10.77.3.4"), 16), "10.77.1.254");
	/* a /24 and smaller: the last address before broadcast */
	assert_ip_equal(xbr_default_gateway(ip("10.0.5.0"), 24), "10.0.5.254");
	assert_ip_equal(xbr_default_gateway(ip("10.0.0.8"), 29), "10.0.0.14");
	assert_ip_equal(xbr_default_gateway(ip("10.0.0.0"), 30), "10.0.0.2");
	/* always a usable address of the subnet (the check `up` makes of a
	 * gateway), so `up --subnet` alone works */
	for (plen = 8; plen <= 30; plen++) {
		uint32_t net = ip("10.128.0.0") & xbr_plen_mask(plen);
		int code = xbr_check_station_addr(xbr_default_gateway(net, plen), plen, net, plen, 0);

		assert_int_not_equal(code, XBR_ADDR_OUTSIDE);
		assert_int_not_equal(code, XBR_ADDR_RESERVED);
	}
}

static void test_alloc_first(void **state)
{
	uint32_t out = 0;

	(void)state;
	/* Default lab: the gateway's /24 first. */
	assert_int_equal(xbr_alloc_addr(ip("172.16.0.0"), 16, ip("172.16.1.254"), NULL, 0, &out), 0);
	assert_ip_equal(out, "172.16.1.1");
	/* Gateway at .1: skipped. */
	assert_int_equal(xbr_alloc_addr(ip("192.168.5.0"), 24, ip("192.168.5.1"), NULL, 0, &out), 0);
	assert_ip_equal(out, "192.168.5.2");
	/* Gateway's /24 starts below a /25 subnet: start at the subnet. */
	assert_int_equal(xbr_alloc_addr(ip("10.0.0.128"), 25, ip("10.0.0.254"), NULL, 0, &out), 0);
	assert_ip_equal(out, "10.0.0.129");
	/* Subnet given with host bits set is handled as its network. */
	assert_int_equal(xbr_alloc_addr(ip("10.7.3.3"), 16, ip("10.7.3.254"), NULL, 0, &out), 0);
	assert_ip_equal(out, "10.7.3.1");
}

static void test_alloc_skips_used(void **state)
{
	uint32_t used[3], out = 0;

	(void)state;
	used[0] = ip("172.16.1.1");
	used[1] = ip("172.16.1.2");
	assert_int_equal(xbr_alloc_addr(ip("172.16.0.0"), 16, ip("172.16.1.254"), used, 2, &out), 0);
	assert_ip_equal(out, "172.16.1.3");
	/* Holes are reused, in order. */
	used[0] = ip("172.16.1.2");
	used[1] = ip("172.16.1.3");
	assert_int_equal(xbr_alloc_addr(ip("172.16.0.0"), 16, ip("172.16.1.254"), used, 2, &out), 0);
	assert_ip_equal(out, "172.16.1.1");
	/* Unordered used list. */
	used[0] = ip("172.16.1.3");
	used[1] = ip("172.16.1.1");
	used[2] = ip("172.16.1.2");
	assert_int_equal(xbr_alloc_addr(ip("172.16.0.0"), 16, ip("172.16.1.254"), used, 3, &out), 0);
	assert_ip_equal(out, "172.16.1.4");
}

static void test_alloc_skips_gateway_and_continues(void **state)
{
	uint32_t used[300], out = 0;
	size_t n = 0;
	int i;

	(void)state;
	/* In a /16 the gateway's /24 fills up, .254 (gateway) is skipped and
	 * .255 is an ordinary host; then the next /24. */
	for (i = 1; i <= 253; i++)
		used[n++] = htonl(ntohl(ip("172.16.1.0")) + (uint32_t)i);
	assert_int_equal(xbr_alloc_addr(ip("172.16.0.0"), 16, ip("172.16.1.254"), used, n, &out), 0);
	assert_ip_equal(out, "172.16.1.255");
	used[n++] = ip("172.16.1.255");
	assert_int_equal(xbr_alloc_addr(ip("172.16.0.0"), 16, ip("172.16.1.254"), used, n, &out), 0);
	assert_ip_equal(out, "172.16.2.0");
}

static void test_alloc_wraps(void **state)
{
	uint32_t used[300], out = 0;
	size_t n = 0;
	int i;

	(void)state;
	/* Gateway in the last /24 of the subnet: after .253 comes the gateway,
	 * then the broadcast address, then wrap to the first host. */
	for (i = 1; i <= 253; i++)
		used[n++] = htonl(ntohl(ip("172.16.255.0")) + (uint32_t)i);
	assert_int_equal(xbr_alloc_addr(ip("172.16.0.0"), 16, ip("172.16.255.254"), used, n, &out),
			 0);
	assert_ip_equal(out, "172.16.0.1"); /* not .0 (network), not 255.255 (broadcast) */

	/* /29: hosts .1-.6, gateway .6, used .1-.3 and .5 -> .4 */
	n = 0;
	used[n++] = ip("10.0.0.1");
	used[n++] = ip("10.0.0.2");
	used[n++] = ip("10.0.0.3");
	used[n++] = ip("10.0.0.5");
	assert_int_equal(xbr_alloc_addr(ip("10.0.0.0"), 29, ip("10.0.0.6"), used, n, &out), 0);
	assert_ip_equal(out, "10.0.0.4");
}

static void test_alloc_enospc(void **state)
{
	uint32_t used[300], out = 0xdeadbeef;
	size_t n = 0;
	int i;

	(void)state;
	/* /24 with every host but the gateway used. */
	for (i = 1; i <= 253; i++)
		used[n++] = htonl(ntohl(ip("10.1.2.0")) + (uint32_t)i);
	assert_int_equal(xbr_alloc_addr(ip("10.1.2.0"), 24, ip("10.1.2.254"), used, n, &out),
			 -ENOSPC);
	assert_int_equal(out, 0xdeadbeef); /* untouched */
	/* /30: .1 used, .2 gateway -> full. */
	used[0] = ip("10.0.0.1");
	assert_int_equal(xbr_alloc_addr(ip("10.0.0.0"), 30, ip("10.0.0.2"), used, 1, &out),
			 -ENOSPC);
	/* /30 with .1 free. */
	assert_int_equal(xbr_alloc_addr(ip("10.0.0.0"), 30, ip("10.0.0.2"), NULL, 0, &out), 0);
	assert_ip_equal(out, "10.0.0.1");
	/* /31 and /32 have no room for a station besides the gateway. */
	assert_int_equal(xbr_alloc_addr(ip("10.0.0.0"), 31, ip("10.0.0.0"), NULL, 0, &out), -ENOSPC);
	assert_int_equal(xbr_alloc_addr(ip("10.0.0.1"), 32, ip("10.0.0.1"), NULL, 0, &out), -ENOSPC);
}

static void test_alloc_result_is_valid_station(void **state)
{
	uint32_t used[64], out;
	uint32_t sub = ip("172.16.0.0"), gw = ip("172.16.1.254");
	size_t n;

	(void)state;
	/* Every address the allocator hands out passes the station check and is
	 * new: allocate 64 in a row. */
	for (n = 0; n < 64; n++) {
		assert_int_equal(xbr_alloc_addr(sub, 16, gw, used, n, &out), 0);
		assert_int_equal(xbr_check_station_addr(out, 16, sub, 16, gw), XBR_ADDR_OK);
		used[n] = out;
	}
	assert_ip_equal(used[63], "172.16.1.64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac_parse_ok),
		cmocka_unit_test(test_mac_parse_bad),
		cmocka_unit_test(test_mac_format),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_cidr_ok),
		cmocka_unit_test(test_cidr_bad),
		cmocka_unit_test(test_plen_mask),
		cmocka_unit_test(test_in_subnet),
		cmocka_unit_test(test_check_name_ok),
		cmocka_unit_test(test_check_name_bad),
		cmocka_unit_test(test_ns_spec),
		cmocka_unit_test(test_ns_spec_bad),
		cmocka_unit_test(test_port_ifname_short),
		cmocka_unit_test(test_port_ifname_hashed),
		cmocka_unit_test(test_port_ifname_stable),
		cmocka_unit_test(test_port_ifname_many_distinct),
		cmocka_unit_test(test_parse_u32),
		cmocka_unit_test(test_parse_u32_whitespace),
		cmocka_unit_test(test_parse_onoff),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_check_station_addr),
		cmocka_unit_test(test_addr_strerror),
		cmocka_unit_test(test_default_gateway),
		cmocka_unit_test(test_alloc_first),
		cmocka_unit_test(test_alloc_skips_used),
		cmocka_unit_test(test_alloc_skips_gateway_and_continues),
		cmocka_unit_test(test_alloc_wraps),
		cmocka_unit_test(test_alloc_enospc),
		cmocka_unit_test(test_alloc_result_is_valid_station),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
