// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_datapath: the tc, XDP and control programs under BPF_PROG_TEST_RUN.
 *   fixtures - a table of frames with their expected verdict, egress ports,
 *              table state, counters and events, run through both hooks
 *              (test_fixtures.c);
 *   model    - long random frame sequences run through each hook's program and
 *              a reference model of the rules, compared decision by decision
 *              (test_model.c). XBR_MODEL_FRAMES=N, XBR_MODEL_SEED=S.
 *   rules    - include/xbr_rules.h compiled for user space agrees with what the
 *              programs do (test_rules.c);
 *   events   - the event ring past its room (loss counted in ev_lost), and
 *              entries without a remote endpoint (test_events.c);
 *   fuzz     - hostile frames (runts, cut and stacked tags, odd EtherTypes, bad
 *              sources, maximum sizes) through both hooks against the model
 *              (test_fuzz.c). XBR_FUZZ_FRAMES=N per hook, XBR_FUZZ_SEED=S.
 * Usage: test_datapath [fixtures|model|xdp|rules|events|fuzz]...  (none: every group)
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

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's warnings (a verifier log among them) always; the rest with
	 * XBR_DP_VERBOSE=1. */
	if (level != LIBBPF_WARN && !getenv("XBR_DP_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int g_argc;
static char **g_argv;

/* Is test group @name selected on the command line (or is none)? */
static int group(const char *name)
{
	int i;

	if (g_argc < 2)
		return 1;
	for (i = 1; i < g_argc; i++)
		if (!strcmp(g_argv[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const known[] = { "fixtures", "model", "xdp", "rules", "events", "fuzz" };
	int failed = 0, err, i, k;

	g_argc = argc;
	g_argv = argv;
	for (i = 1; i < argc; i++) {
		for (k = 0; k < 6 && strcmp(argv[i], known[k]); k++)
			;
		if (k == 6) {
			fprintf(stderr, "usage: test_datapath [fixtures|model|xdp|rules|events|fuzz]...\n");
			return 2;
		}
	}

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
	if (group("fixtures"))
		failed += run_fixture_tests();
	if (group("model"))
		failed += run_model_tests();
	if (group("xdp"))
		failed += run_xdp_tests();
	if (group("rules"))
		failed += run_rule_tests();
	if (group("events"))
		failed += run_event_tests();
	if (group("fuzz"))
		failed += run_fuzz_tests();
	return failed > 255 ? 255 : failed;
}
