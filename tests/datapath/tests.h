/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The test groups of test_datapath; each returns its number of failures. */
#ifndef XBR_TEST_DP_TESTS_H
#define XBR_TEST_DP_TESTS_H

int run_fixture_tests(void);
int run_model_tests(void);
int run_xdp_tests(void); /* test_xdp.c: devmaps, flood-map choice, non-port pass */
int run_fuzz_tests(void); /* test_fuzz.c: hostile frames against the model */
int run_rule_tests(void); /* test_rules.c: xbr_rules.h in user space agrees with the programs */
int run_event_tests(void); /* test_events.c: the event ring past its room, local entries */

#endif
