// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the undo journal (user/journal.c): it holds as many entries
 * as a command makes, undoes every one newest first through the one teardown
 * dispatch, frees itself, and reports an allocation failure instead of
 * dropping an entry.
 *
 * Two link-time seams, in this binary only (Makefile: the test's own
 * --wrap flags), so the production path stays as it is:
 * - xbr_teardown(): journal.c's calls reach __wrap_xbr_teardown, which
 *   records what would be torn down instead of touching the kernel;
 * - realloc(): journal.c's calls reach __wrap_realloc, which fails once a
 *   set number of calls have succeeded (fail_after; -1: never).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "journal.h"

/* ---- the seams ---- */

#define MAX_SEEN 1024

static struct undo seen[MAX_SEEN];
static size_t nseen;

void __wrap_xbr_teardown(struct xbr_bridge *br, unsigned int kind, const char *name,
			 const char *ifname);
void __wrap_xbr_teardown(struct xbr_bridge *br, unsigned int kind, const char *name,
			 const char *ifname)
{
	(void)br;
	assert_true(nseen < MAX_SEEN);
	seen[nseen].kind = kind;
	snprintf(seen[nseen].name, sizeof(seen[nseen].name), "%s", name ? name : "");
	snprintf(seen[nseen].ifname, sizeof(seen[nseen].ifname), "%s", ifname ? ifname : "");
	nseen++;
}

static int fail_after = -1; /* realloc calls left to succeed; -1: all */
static int nrealloc;

void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
	nrealloc++;
	if (fail_after == 0) {
		errno = ENOMEM;
		return NULL;
	}
	if (fail_after > 0)
		fail_after--;
	return __real_realloc(p, n);
}

static int setup(void **state)
{
	(void)state;
	nseen = 0;
	nrealloc = 0;
	fail_after = -1;
	unsetenv("XBR_FAULT");
	return 0;
}

/* Entry @i of a test: the three undo kinds in turn, with names from @i. */
static unsigned int kind_of(int i)
{
	static const unsigned int k[] = { UNDO_INTENT, UNDO_NETNS, UNDO_LINK };

	return k[i % 3];
}

static void names_of(int i, char name[XBR_NSNAMSIZ], char ifname[XBR_IFNAMSIZ])
{
	snprintf(name, XBR_NSNAMSIZ, "ns%d", i);
	snprintf(ifname, XBR_IFNAMSIZ, "veth%d", i);
}

static int add(struct journal *j, int i)
{
	char name[XBR_NSNAMSIZ], ifname[XBR_IFNAMSIZ];

	names_of(i, name, ifname);
	return journal_add(j, kind_of(i), name, ifname);
}

/* The first @n entries of a test were undone, exactly once each, newest
 * first. */
static void assert_undone(int n)
{
	char name[XBR_NSNAMSIZ], ifname[XBR_IFNAMSIZ];
	int i;

	assert_int_equal(nseen, n);
	for (i = 0; i < n; i++) {
		const struct undo *u = &seen[n - 1 - i];

		names_of(i, name, ifname);
		assert_int_equal(u->kind, kind_of(i));
		assert_string_equal(u->name, name);
		assert_string_equal(u->ifname, ifname);
	}
}

/* ---- the tests ---- */

/* Far more than the 12 entries the journal once held: all undone, in
 * reverse, and the journal is empty and freed afterwards. */
static void test_many_undone_in_reverse(void **state)
{
	struct journal j = { 0 };
	int i, n = 300;

	(void)state;
	for (i = 0; i < n; i++)
		assert_int_equal(add(&j, i), 0);
	assert_int_equal(j.n, n);
	assert_true(nrealloc < 20); /* grown geometrically, not per entry */
	journal_undo(NULL, &j);
	assert_undone(n);
	assert_int_equal(j.n, 0);
	assert_null(j.v);
	/* Undoing an empty journal does nothing, twice. */
	journal_undo(NULL, &j);
	journal_undo(NULL, &j);
	assert_int_equal(nseen, n);
}

/* A used journal is reusable after undo, and forget keeps what was made. */
static void test_forget_undoes_nothing(void **state)
{
	struct journal j = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		assert_int_equal(add(&j, i), 0);
	journal_forget(&j);
	assert_int_equal(nseen, 0);
	assert_int_equal(j.n, 0);
	assert_null(j.v);
	for (i = 0; i < 5; i++)
		assert_int_equal(add(&j, i), 0);
	journal_undo(NULL, &j);
	assert_undone(5);
}

/* NULL names are stored as empty; long ones are cut to the field. */
static void test_names(void **state)
{
	struct journal j = { 0 };

	(void)state;
	assert_int_equal(journal_add(&j, UNDO_LINK, NULL, "brx"), 0);
	assert_int_equal(journal_add(&j, UNDO_NETNS, "a-very-long-namespace-name", NULL), 0);
	journal_undo(NULL, &j);
	assert_int_equal(nseen, 2);
	assert_int_equal(seen[0].kind, UNDO_NETNS);
	assert_string_equal(seen[0].name, "a-very-long-nam");
	assert_string_equal(seen[0].ifname, "");
	assert_int_equal(seen[1].kind, UNDO_LINK);
	assert_string_equal(seen[1].name, "");
	assert_string_equal(seen[1].ifname, "brx");
}

/*
 * Growing fails at every possible point: journal_add says -ENOMEM, keeps
 * every entry it had (nothing dropped, nothing half-added), and undoing then
 * removes exactly those, newest first, and frees the journal.
 */
static void test_alloc_failure_reported(void **state)
{
	int point, i, err = 0, added;

	(void)state;
	for (point = 0; point < 6; point++) {
		struct journal j = { 0 };

		setup(NULL);
		fail_after = point; /* the (point+1)-th growth fails */
		added = 0;
		for (i = 0; i < 200; i++) {
			err = add(&j, i);
			if (err)
				break;
			added++;
		}
		assert_int_equal(err, -ENOMEM);
		assert_int_equal(j.n, added);
		assert_int_equal(nrealloc, point + 1);
		/* Still failing: still reported, still nothing added. */
		assert_int_equal(add(&j, added), -ENOMEM);
		assert_int_equal(j.n, added);
		journal_undo(NULL, &j);
		assert_undone(added);
		assert_null(j.v);
	}
}

/* The integration tests' fault point (XBR_FAULT=journal-<kind>) fails only
 * that kind, as an allocation failure. */
static void test_fault_point(void **state)
{
	struct journal j = { 0 };

	(void)state;
	setenv("XBR_FAULT", "journal-namespace", 1);
	assert_int_equal(journal_add(&j, UNDO_INTENT, "ns1", NULL), 0);
	assert_int_equal(journal_add(&j, UNDO_NETNS, "ns1", NULL), -ENOMEM);
	assert_int_equal(journal_add(&j, UNDO_LINK, NULL, "veth1"), 0);
	unsetenv("XBR_FAULT");
	journal_undo(NULL, &j);
	assert_int_equal(nseen, 2);
	assert_int_equal(seen[0].kind, UNDO_LINK);
	assert_int_equal(seen[1].kind, UNDO_INTENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_many_undone_in_reverse, setup),
		cmocka_unit_test_setup(test_forget_undoes_nothing, setup),
		cmocka_unit_test_setup(test_names, setup),
		cmocka_unit_test_setup(test_alloc_failure_reported, setup),
		cmocka_unit_test_setup(test_fault_point, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
