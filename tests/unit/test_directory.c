// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of user/directory.c: the directory URL of `uplink add ...
 * directory` (endpoints, prefix, what is refused, each refusal said once).
 * The record and status files live at fixed paths under /run/xbr: t_directory
 * covers them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "directory.h"
#include "log.h"

static void test_url_ok(void **state)
{
	struct xbr_directory d;

	(void)state;
	assert_int_equal(dir_parse_url("t", "etcd://198.51.100.1:2379", &d), 0);
	assert_int_equal(d.neps, 1);
	assert_string_equal(d.eps[0], "198.51.100.1:2379");
	assert_string_equal(d.prefix, XBR_DIR_DEFAULT_PREFIX);

	assert_int_equal(dir_parse_url("t", "etcd://a:1,b-2.example:2379,[2001:db8::1]:65535/x/y/", &d),
			 0);
	assert_int_equal(d.neps, 3);
	assert_string_equal(d.eps[0], "a:1");
	assert_string_equal(d.eps[1], "b-2.example:2379");
	assert_string_equal(d.eps[2], "[2001:db8::1]:65535");
	assert_string_equal(d.prefix, "/x/y"); /* trailing '/' dropped */
	assert_string_equal(d.url, "etcd://a:1,b-2.example:2379,[2001:db8::1]:65535/x/y/");

	assert_int_equal(dir_parse_url("t", "etcd://h:2379/", &d), 0);
	assert_string_equal(d.prefix, XBR_DIR_DEFAULT_PREFIX);
}

static void test_url_bad(void **state)
{
	static const char *const bad[] = {
		NULL,
		"",
		"http://h:2379",
		"etcd://",
		"etcd:///p",
		"etcd://h",
		"etcd://h:",
		"etcd://h:0",
		"etcd://h:65536",
		"etcd://h:12x",
		"etcd://:2379",
		"etcd://h:2379,",
		"etcd://h:2379,,i:1",
		"etcd://h_1:2379",
		"etcd://[]:2379",
		"etcd://[2001:db8::1:2379",
		"etcd://h:2379/a b",
		"etcd://h:2379/a?b",
		"etcd://a:1,b:1,c:1,d:1,e:1,f:1,g:1,h:1,i:1",
	};
	struct xbr_directory d;
	unsigned int w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		w = xbr_warnings;
		assert_int_equal(dir_parse_url("t", bad[i], &d), -22);
		/* each refusal said, once */
		assert_int_equal(xbr_warnings, w + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_ok),
		cmocka_unit_test(test_url_bad),
	};

	xbr_verbosity = -1; /* the refusals are counted, not printed */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
