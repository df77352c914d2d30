// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of user/parse.c: the pure parsers and formatters behind the CLI
 * (MACs, IPv4 addresses and prefixes, names, namespace specs, port names,
 * numbers, on/off, station-address checks and address allocation).
 * This file is the case list; the cases are in parse_addr.c, parse_words.c
 * and parse_station.c (parse_tests.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parse_tests.h"

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
		cmocka_unit_test(test_dns_label),
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
