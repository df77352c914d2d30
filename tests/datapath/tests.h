/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The test groups of test_datapath; each returns its number of failures. */
#ifndef XBR_TEST_DP_TESTS_H
#define XBR_TEST_DP_TESTS_H

#include <stddef.h>

int run_fixture_tests(void);
int run_model_tests(void);
int run_xdp_tests(void); /* test_xdp.c: devmaps, flood-map choice, non-port pass */
int run_fuzz_tests(void); /* test_fuzz.c: hostile frames against the model */
int run_rule_tests(void); /* test_rules.c: xbr_rules.h in user space agrees with the programs */
int run_event_tests(void); /* test_events.c: the event ring past its room, local entries */
int run_tunnel_tests(void); /* test_tunnel.c: VXLAN uplinks: keys, learning, replication */

int run_neigh_tests(void); /* test_neigh.c: neigh-suppress case by case, reply bytes */
int run_dns_tests(void); /* test_dns.c: the DNS responder case by case, answer bytes */
int run_cost(void); /* cost.c: ns per frame (make bench-dp), never asserted */

/*
 * Skips, never silent. Each group runs through dpt_run_group() (main.c),
 * which notes the name of the case about to run; DPT_SKIP(why) prints
 * "SKIP <case name>: <why>" on a line of its own on stdout, right before
 * cmocka's own "[  SKIPPED ] <case name>" line, then skips. Only for a
 * kernel that lacks what the case needs (dpt_hook_missing()), never for a
 * test's own failure. Needs <cmocka.h> and <stdio.h> where it is used.
 */
struct CMUnitTest;
extern const char *dpt_case_name;
int dpt_run_group(const char *group, const struct CMUnitTest *tests, size_t n,
		  int (*group_setup)(void **), int (*group_teardown)(void **));
#define DPT_SKIP(why)                                                                       \
	do {                                                                                \
		printf("SKIP %s: %s\n", dpt_case_name ? dpt_case_name : "(unknown case)", \
		       (why));                                                              \
		fflush(stdout);                                                             \
		skip();                                                                     \
	} while (0)

#endif
