// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_datapath: the tc, XDP and control programs under BPF_PROG_TEST_RUN.
 *   fixtures - a table of frames with their expected verdict, egress ports,
 *              table state, counters and events, run through both hooks
 *              (test_fixtures.c);
 *   model    - long random frame sequences run through each hook's program and
 *              a reference model of the rules, compared decision by decision
 *              (test_model.c). XBR_MODEL_FRAMES=N, XBR_MODEL_SEED=S.
 * XBR_DP_VERBOSE=1 shows libbpf's debug output.
 * Needs root; enters a private network namespace for its veth ports.
 * Exit status: number of failed tests (0: all passed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "dpt.h"
#include "tests.h"

/* The user/ objects linked in refer to these two symbols of main.c. */
struct xbr_globals g = { .bridge = "xbr0" };

const struct xbr_cmd *cmd_lookup(const struct xbr_cmd *table, const char *arg)
{
	const struct xbr_cmd *c;

	for (c = table; c->name; c++)
		if (!strcmp(arg, c->name))
			return c;
	return NULL;
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's warnings (a verifier log among them) always; the rest with
	 * XBR_DP_VERBOSE=1. */
	if (level != LIBBPF_WARN && !getenv("XBR_DP_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(void)
{
	int failed = 0, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(quiet_libbpf);
	if (geteuid() != 0) {
		fprintf(stderr, "test_datapath: needs root (BPF, network namespaces)\n");
		return 1;
	}
	err = dpt_env_setup();
	if (err) {
		fprintf(stderr, "test_datapath: cannot set up the test namespace: %s\n",
			strerror(-err));
		return 1;
	}
	failed += run_fixture_tests();
	failed += run_model_tests();
	failed += run_xdp_tests();
	return failed > 255 ? 255 : failed;
}
