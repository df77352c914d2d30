// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_parse (parse_tests.h): the words of the command line: names, namespace specs, port names
 * (short, hashed, stable, distinct), numbers, on/off and prefix matching
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

/* ---- names ---- */

void test_check_name_ok(void **state)
{
	static const char *const ok[] = {
		"ns1", "a", "A", "xbr0", "ns_1", "ns-1", "ns.1", "a-", "a.", "_x", "...",
		"123456789012345", /* 15 characters: the limit */
		"ABCdef_-.09",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (xbr_check_name(ok[i]) != 0)
			fail_msg("xbr_check_name(\"%s\") rejected a valid name", ok[i]);
	}
}

/* A name the bridge answers DNS queries for: a DNS label (RFC 1123's host
 * name rules for one label). */
void test_dns_label(void **state)
{
	static const char *const ok[] = {
		"a", "ns1", "Web", "x-y", "0", "1abc", "a-b-c",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123", /* 63 */
	};
	static const char *const bad[] = {
		"", "-a", "a-", "a_b", "a.b", "a b", "é",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234", /* 64 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (xbr_dns_label_problem(ok[i]))
			fail_msg("\"%s\" refused: %s", ok[i], xbr_dns_label_problem(ok[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!xbr_dns_label_problem(bad[i]))
			fail_msg("\"%s\" taken as a DNS label", bad[i]);
}

void test_check_name_bad(void **state)
{
	static const char *const inval[] = {
		"",        /* empty */
		"/",       /* slash */
		"a/b",
		"../x",
		"/etc",
		".",       /* dot names */
		"..",
		"-x",      /* leading '-' (would be taken as an option) */
		"-",
		"a b",     /* space */
		"a\tb",
		"a\nb",
		"ns1=x",   /* '=' separates the address */
		"ns:1",
		"ns@1",
		"ns%d",
		"é",       /* non-ASCII */
		"a*",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inval) / sizeof(inval[0]); i++) {
		if (xbr_check_name(inval[i]) != -EINVAL)
			fail_msg("xbr_check_name(\"%s\") did not return -EINVAL", inval[i]);
	}
	assert_int_equal(xbr_check_name(NULL), -EINVAL);
	/* Longer than 15 characters. */
	assert_int_equal(xbr_check_name("1234567890123456"), -ENAMETOOLONG);
	assert_int_equal(xbr_check_name("a-very-long-namespace-name"), -ENAMETOOLONG);
}

void test_ns_spec(void **state)
{
	struct xbr_ns_spec s;

	(void)state;
	memset(&s, 0xaa, sizeof(s));
	assert_int_equal(xbr_parse_ns_spec("ns1", &s), 0);
	assert_string_equal(s.name, "ns1");
	assert_int_equal(s.addr, 0); /* absent: allocated later */
	assert_int_equal(s.plen, 0);

	memset(&s, 0xaa, sizeof(s));
	assert_int_equal(xbr_parse_ns_spec("ns1=172.16.1.1/16", &s), 0);
	assert_string_equal(s.name, "ns1");
	assert_ip_equal(s.addr, "172.16.1.1");
	assert_int_equal(s.plen, 16);

	assert_int_equal(xbr_parse_ns_spec("123456789012345=10.0.0.1/8", &s), 0);
	assert_string_equal(s.name, "123456789012345");
	assert_ip_equal(s.addr, "10.0.0.1");
	assert_int_equal(s.plen, 8);
}

void test_ns_spec_bad(void **state)
{
	static const struct {
		const char *in;
		int err;
	} bad[] = {
		{ "", -EINVAL },
		{ "=172.16.1.1/16", -EINVAL },         /* empty name */
		{ "a/b", -EINVAL },
		{ "..", -EINVAL },
		{ "../etc=172.16.1.1/16", -EINVAL },
		{ "-ns", -EINVAL },
		{ "ns 1", -EINVAL },
		{ "ns1=", -EINVAL },                   /* empty address */
		{ "ns1=172.16.1.1", -EINVAL },         /* no prefix */
		{ "ns1=172.16.1.1/33", -EINVAL },
		{ "ns1=172.16.1.300/16", -EINVAL },
		{ "ns1=172.16.1.1/16=x", -EINVAL },
		{ "ns1=abc", -EINVAL },
		{ "1234567890123456", -ENAMETOOLONG }, /* 16 characters */
		{ "1234567890123456=10.0.0.1/8", -ENAMETOOLONG },
		{ "a-name-that-is-far-too-long-for-an-interface", -ENAMETOOLONG },
	};
	struct xbr_ns_spec s;
	size_t i;
	int err;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = xbr_parse_ns_spec(bad[i].in, &s);
		if (err != bad[i].err)
			fail_msg("xbr_parse_ns_spec(\"%s\") = %d, want %d", bad[i].in, err, bad[i].err);
	}
}

/* ---- port names ---- */

void test_port_ifname_short(void **state)
{
	char buf[16];

	(void)state;
	xbr_port_ifname("xbr0", "ns1", buf);
	assert_string_equal(buf, "xbr0-ns1");
	xbr_port_ifname("xbr0", "gw", buf);
	assert_string_equal(buf, "xbr0-gw");
	/* Exactly 15 characters still uses the readable form. */
	xbr_port_ifname("br", "123456789012", buf);
	assert_string_equal(buf, "br-123456789012");
	assert_int_equal(strlen(buf), 15);
	xbr_port_ifname("abcdefghijkl", "gw", buf); /* a 12-char bridge's gateway */
	assert_string_equal(buf, "abcdefghijkl-gw");
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void test_port_ifname_hashed(void **state)
{
	char a[16], b[16], c[16], d[16];

	(void)state;
	/* 16 characters do not fit: "<6 chars of bridge>-<8 hex digits>". */
	xbr_port_ifname("br", "1234567890123", a);
	assert_int_equal(strlen(a), 11); /* short bridge name kept whole */
	assert_memory_equal(a, "br-", 3);
	assert_true(is_hex(a + 3, 8));

	xbr_port_ifname("longbridge12", "namespace-one", a);
	assert_int_equal(strlen(a), 15);
	assert_memory_equal(a, "longbr-", 7);
	assert_true(is_hex(a + 7, 8));
	assert_true(xbr_check_name(a) == 0); /* usable as an interface name */

	/* Deterministic. */
	xbr_port_ifname("longbridge12", "namespace-one", b);
	assert_string_equal(a, b);
	/* Different namespace or bridge: different name. */
	xbr_port_ifname("longbridge12", "namespace-two", c);
	assert_string_not_equal(a, c);
	xbr_port_ifname("longbridge13", "namespace-one", d);
	assert_string_not_equal(a, d);
	/* The separator between bridge and namespace is part of the hash:
	 * ("ab", "cdefghijklmnopq") and ("abc", "defghijklmnopq") differ. */
	xbr_port_ifname("ab", "cdefghijklmnopq", a);
	xbr_port_ifname("abc", "defghijklmnopq", b);
	assert_string_not_equal(a + 3, b + 4);
}

void test_port_ifname_stable(void **state)
{
	char buf[16];

	(void)state;
	/* FNV-1a 32 of "<bridge>/<ns>", printed as 8 hex digits: the value must
	 * not change between builds, or a newer xbr would not find the ports of
	 * a bridge an older one made. Values computed independently. */
	xbr_port_ifname("longbridge12", "namespace-one", buf);
	assert_string_equal(buf, "longbr-27fac0d0");
	xbr_port_ifname("xbr0", "a-long-ns-name", buf);
	assert_string_equal(buf, "xbr0-4e7aa89e");
}

void test_port_ifname_many_distinct(void **state)
{
	char names[200][16], ns[32];
	int i, k;

	(void)state;
	for (i = 0; i < 200; i++) {
		snprintf(ns, sizeof(ns), "namespace%04d", i);
		xbr_port_ifname("bridge", ns, names[i]);
		assert_true(strlen(names[i]) <= 15);
		for (k = 0; k < i; k++)
			if (!strcmp(names[i], names[k]))
				fail_msg("port names collide: %s for namespace%04d and namespace%04d",
					 names[i], i, k);
	}
}

/* ---- numbers, on/off, prefix matching ---- */

void test_parse_u32(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(xbr_parse_u32("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(xbr_parse_u32("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(xbr_parse_u32("300", 1, 1000000, &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(xbr_parse_u32("4294967295", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(xbr_parse_u32("007", 0, 10, &v), 0); /* decimal, not octal */
	assert_int_equal(v, 7);

	v = 42;
	assert_int_equal(xbr_parse_u32("11", 0, 10, &v), -ERANGE);
	assert_int_equal(xbr_parse_u32("0", 1, 10, &v), -ERANGE);
	assert_int_equal(xbr_parse_u32("15", 16, 100, &v), -ERANGE);
	assert_int_equal(xbr_parse_u32("4294967296", 0, UINT32_MAX, &v), -ERANGE);
	assert_int_equal(xbr_parse_u32("99999999999999999999999", 0, UINT32_MAX, &v), -ERANGE);
	assert_int_equal(v, 42); /* untouched on error */

	assert_int_equal(xbr_parse_u32("", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32(NULL, 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("-1", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("+1", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32(" 1", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("1 ", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("1x", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("0x10", 0, 100, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("1.5", 0, 10, &v), -EINVAL);
	assert_int_equal(v, 42);
}

void test_parse_u32_whitespace(void **state)
{
	uint32_t v = 42;

	(void)state;
	/* strtoull() skips any leading white space, not only ' ': a tab or a
	 * newline in front of the number must be refused just like a space. */
	assert_int_equal(xbr_parse_u32("\t5", 0, 10, &v), -EINVAL);
	assert_int_equal(xbr_parse_u32("\n5", 0, 10, &v), -EINVAL);
	assert_int_equal(v, 42);
}

void test_parse_onoff(void **state)
{
	(void)state;
	assert_int_equal(xbr_parse_onoff("on"), 1);
	assert_int_equal(xbr_parse_onoff("off"), 0);
	assert_int_equal(xbr_parse_onoff("ON"), -EINVAL);
	assert_int_equal(xbr_parse_onoff("yes"), -EINVAL);
	assert_int_equal(xbr_parse_onoff("1"), -EINVAL);
	assert_int_equal(xbr_parse_onoff(""), -EINVAL);
	assert_int_equal(xbr_parse_onoff("o"), -EINVAL);
	assert_int_equal(xbr_parse_onoff("onn"), -EINVAL);
	assert_int_equal(xbr_parse_onoff(NULL), -EINVAL);
}

void test_matches(void **state)
{
	(void)state;
	assert_true(xbr_matches("s", "show"));
	assert_true(xbr_matches("sho", "show"));
	assert_true(xbr_matches("show", "show"));
	assert_false(xbr_matches("shows", "show"));
	assert_false(xbr_matches("", "show"));
	assert_false(xbr_matches("x", "show"));
}
