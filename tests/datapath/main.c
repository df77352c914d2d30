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
 *   tunnel   - VXLAN uplinks: learning behind an endpoint, the VNI and peer
 *              checks, split horizon, keys of unicasts, real encapsulated
 *              flood copies per peer, too-big, XDP's hand-over to tc
 *              (test_tunnel.c);
 *   neigh    - neigh-suppress case by case, the replies' bytes (test_neigh.c);
 *   dns      - the DNS responder (bpf/lib/dns.h) case by case against the
 *              model (model_dns.c), hostile queries too, and for real into
 *              attached programs (test_dns.c);
 *   fuzz     - hostile frames (runts, cut and stacked tags, odd EtherTypes, bad
 *              sources, maximum sizes, DNS queries to the gateway) through both
 *              hooks against the model (test_fuzz.c). XBR_FUZZ_FRAMES=N per
 *              hook, XBR_FUZZ_SEED=S.
 * Usage: test_datapath [fixtures|model|xdp|rules|events|tunnel|fuzz|neigh|dns]...
 *        (none: every group)
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

/*
 * dpt_run_group: cmocka's group runner, with the name of the running case
 * kept in dpt_case_name for DPT_SKIP (tests.h). Each case gets a setup that
 * notes its name, hands the case its own initial state (or the group's, as
 * cmocka would) and runs the case's own setup, if any.
 */
const char *dpt_case_name;

struct dpt_case {
	const char *name;
	void *state;
	CMFixtureFunction setup;
};

static CMFixtureFunction g_group_setup;
static void *g_group_state;

static int case_group_setup(void **state)
{
	int rc = g_group_setup(state);

	g_group_state = *state;
	return rc;
}

static int case_setup(void **state)
{
	const struct dpt_case *c = *state;

	dpt_case_name = c->name;
	*state = c->state ? c->state : g_group_state;
	return c->setup ? c->setup(state) : 0;
}

int dpt_run_group(const char *group, const struct CMUnitTest *tests, size_t n,
		  CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
	struct CMUnitTest *t = calloc(n ? n : 1, sizeof(*t));
	struct dpt_case *c = calloc(n ? n : 1, sizeof(*c));
	size_t i;
	int failed;

	if (!t || !c) {
		free(t);
		free(c);
		fprintf(stderr, "test_datapath: %s: out of memory\n", group);
		return 1;
	}
	for (i = 0; i < n; i++) {
		c[i] = (struct dpt_case){ tests[i].name, tests[i].initial_state, tests[i].setup_func };
		t[i] = tests[i];
		t[i].setup_func = case_setup;
		t[i].initial_state = &c[i];
	}
	g_group_setup = group_setup;
	g_group_state = NULL;
	failed = _cmocka_run_group_tests(group, t, n, group_setup ? case_group_setup : NULL,
					 group_teardown);
	dpt_case_name = NULL;
	free(t);
	free(c);
	return failed;
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
	static const char *const known[] = { "fixtures", "model", "xdp",  "rules", "events",
					     "tunnel",   "fuzz",  "neigh", "dns",   "cost" };
	const int nknown = (int)(sizeof(known) / sizeof(known[0]));
	int failed = 0, err, i, k;

	g_argc = argc;
	g_argv = argv;
	for (i = 1; i < argc; i++) {
		for (k = 0; k < nknown && strcmp(argv[i], known[k]); k++)
			;
		if (k == nknown) {
			fprintf(stderr,
				"usage: test_datapath [fixtures|model|xdp|rules|events|tunnel|fuzz|neigh|dns|cost]...\n");
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
	if (group("neigh"))
		failed += run_neigh_tests();
	if (group("dns"))
		failed += run_dns_tests();
	if (group("tunnel"))
		failed += run_tunnel_tests();
	if (group("fuzz"))
		failed += run_fuzz_tests();
	/* Not a test: per-frame costs, printed only when asked for by name. */
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "cost"))
			failed += run_cost();
	return failed > 255 ? 255 : failed;
}
