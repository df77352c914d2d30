/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_parse, the unit tests of user/parse.c, by the parsers under test:
 *   test_parse.c     the case list (main)
 *   parse_addr.c     MACs, IPv4 addresses and prefixes, masks, subnets
 *   parse_words.c    names, namespace specs, port names, numbers, on/off,
 *                    prefix matching
 *   parse_station.c  station-address checks, the default gateway, address
 *                    allocation
 * Needs <stdarg.h>, <stddef.h>, <setjmp.h>, <stdint.h> and <cmocka.h> first.
 */
#ifndef XBR_TEST_PARSE_TESTS_H
#define XBR_TEST_PARSE_TESTS_H

#include <stdint.h>
#include <arpa/inet.h>

/* Network-order address from a dotted quad that must parse. */
static inline uint32_t ip(const char *s)
{
	struct in_addr in;

	assert_int_equal(inet_pton(AF_INET, s, &in), 1);
	return in.s_addr;
}

static inline const char *ipstr(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

#define assert_ip_equal(a, expect)                                   \
	do {                                                         \
		char _b[INET_ADDRSTRLEN];                            \
		assert_string_equal(ipstr((a), _b), (expect));       \
	} while (0)

/* parse_addr.c */
void test_mac_parse_ok(void **state);
void test_mac_parse_bad(void **state);
void test_mac_format(void **state);
void test_ipv4(void **state);
void test_cidr_ok(void **state);
void test_cidr_bad(void **state);
void test_plen_mask(void **state);
void test_in_subnet(void **state);

/* parse_words.c */
void test_check_name_ok(void **state);
void test_check_name_bad(void **state);
void test_dns_label(void **state);
void test_ns_spec(void **state);
void test_ns_spec_bad(void **state);
void test_port_ifname_short(void **state);
void test_port_ifname_hashed(void **state);
void test_port_ifname_stable(void **state);
void test_port_ifname_many_distinct(void **state);
void test_parse_u32(void **state);
void test_parse_u32_whitespace(void **state);
void test_parse_onoff(void **state);
void test_matches(void **state);

/* parse_station.c */
void test_check_station_addr(void **state);
void test_addr_strerror(void **state);
void test_default_gateway(void **state);
void test_alloc_first(void **state);
void test_alloc_skips_used(void **state);
void test_alloc_skips_gateway_and_continues(void **state);
void test_alloc_wraps(void **state);
void test_alloc_enospc(void **state);
void test_alloc_result_is_valid_station(void **state);

#endif
