// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_parse (parse_tests.h): station addresses (the check and its messages), the default gateway
 * and address allocation
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

/* ---- station addresses ---- */

void test_check_station_addr(void **state)
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

void test_addr_strerror(void **state)
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

void test_default_gateway(void **state)
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

void test_alloc_first(void **state)
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

void test_alloc_skips_used(void **state)
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

void test_alloc_skips_gateway_and_continues(void **state)
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

void test_alloc_wraps(void **state)
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

void test_alloc_enospc(void **state)
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

void test_alloc_result_is_valid_station(void **state)
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
