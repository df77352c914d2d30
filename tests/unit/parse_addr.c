// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_parse (parse_tests.h): MACs (parse, format), IPv4 addresses, prefixes (CIDR), masks and
 * subnet membership
 * (user/parse.c).
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
#include "parse_tests.h"

/* ---- MAC ---- */

void test_mac_parse_ok(void **state)
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

void test_mac_parse_bad(void **state)
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

void test_mac_format(void **state)
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

void test_ipv4(void **state)
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

void test_cidr_ok(void **state)
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

void test_cidr_bad(void **state)
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

void test_plen_mask(void **state)
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

void test_in_subnet(void **state)
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
