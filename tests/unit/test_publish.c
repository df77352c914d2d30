// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the pure part of user/publish.c: parsing
 * `[HOSTADDR:]PORT[-PORT] STATION[:PORT[-PORT]] [tcp|udp]`, the text forms,
 * the rule comment that records a publication and its round trip, the
 * pinned record's encoding (struct xbr_pub_rec), and the overlap rule that keeps two publications from claiming one packet.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "publish.h"

static char err[256];

/* Parse a command line given as one string of words (at most 4). */
static int parse(const char *line, int need_station, struct xbr_pub *p)
{
	static char buf[256];
	char *argv[8], *tok;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok(buf, " "); tok && argc < 8; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	err[0] = '\0';
	return pub_parse(argc, argv, need_station, p, err, sizeof(err));
}

static void test_parse_port_only(void **state)
{
	struct xbr_pub p;

	(void)state;
	assert_int_equal(parse("8080 ns1", 1, &p), 0);
	assert_int_equal(p.family, AF_UNSPEC);
	assert_int_equal(p.proto, IPPROTO_TCP);
	assert_int_equal(p.port, 8080);
	assert_int_equal(p.port_end, 8080);
	assert_string_equal(p.station, "ns1");
	assert_int_equal(p.sport, 8080); /* defaults to the host port */
	assert_int_equal(p.sport_end, 8080);
}

static void test_parse_full(void **state)
{
	struct xbr_pub p;
	char buf[80];

	(void)state;
	assert_int_equal(parse("127.0.0.1:8000-8009 web:9000-9009 udp", 1, &p), 0);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.proto, IPPROTO_UDP);
	assert_int_equal(p.port, 8000);
	assert_int_equal(p.port_end, 8009);
	assert_int_equal(p.sport, 9000);
	assert_int_equal(p.sport_end, 9009);
	assert_true(pub_is_loopback(&p));
	pub_format_host(&p, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:8000-8009");
	pub_format_station(&p, buf, sizeof(buf));
	assert_string_equal(buf, "web:9000-9009");
}

static void test_parse_ipv6(void **state)
{
	struct xbr_pub p;
	char buf[80];

	(void)state;
	assert_int_equal(parse("[2001:db8::1]:80 ns1:8080", 1, &p), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.addr[0], 0x20);
	assert_int_equal(p.addr[15], 1);
	assert_int_equal(p.sport, 8080);
	pub_format_host(&p, buf, sizeof(buf));
	assert_string_equal(buf, "[2001:db8::1]:80");
	assert_false(pub_is_loopback(&p));
	assert_int_equal(parse("[::]:80 ns1", 1, &p), 0);
	pub_format_host(&p, buf, sizeof(buf));
	assert_string_equal(buf, "[::]:80");
}

static void test_parse_refusals(void **state)
{
	static const struct {
		const char *line;
		int need_station;
		const char *says; /* part of the one-line reason */
	} bad[] = {
		{ "8080", 1, "STATION" },
		{ "", 1, "expected" },
		{ "0 ns1", 1, "\"0\"" },
		{ "65536 ns1", 1, "65536" },
		{ "90-80 ns1", 1, "90-80" },
		{ "80- ns1", 1, "80-" },
		{ "x:80 ns1", 1, "\"x\"" },
		{ "2001:db8::1:80 ns1", 1, "brackets" },
		{ "[2001:db8::1]80 ns1", 1, "[ADDR]:PORT" },
		{ "[::1]:80 ns1", 1, "::1" },
		{ "224.0.0.1:80 ns1", 1, "unicast" },
		{ "80 ns1:0", 1, "station port" },
		{ "80-81 ns1:90", 1, "same length" },
		{ "80 bad/name", 1, "letters" },
		{ "80 averyveryverylongname", 1, "longer than 15" },
		{ "80 ns1 sctp", 1, "\"sctp\"" },
		{ "80 ns1 tcp extra", 1, "expected" },
	};
	struct xbr_pub p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].line, bad[i].need_station, &p);

		if (rc != -EINVAL)
			fail_msg("\"%s\" parsed (rc %d)", bad[i].line, rc);
		if (strchr(err, '\n'))
			fail_msg("\"%s\": reason is more than one line: %s", bad[i].line, err);
		if (!strstr(err, bad[i].says))
			fail_msg("\"%s\": reason \"%s\" does not mention %s", bad[i].line, err,
				 bad[i].says);
	}
}

static void test_parse_del(void **state)
{
	struct xbr_pub p;

	(void)state;
	assert_int_equal(parse("8080", 0, &p), 0);
	assert_string_equal(p.station, "");
	assert_int_equal(parse("8080 udp", 0, &p), 0);
	assert_int_equal(p.proto, IPPROTO_UDP);
	assert_string_equal(p.station, "");
	assert_int_equal(parse("8080 ns1 udp", 0, &p), 0);
	assert_string_equal(p.station, "ns1");
}

static void test_comment_round_trip(void **state)
{
	static const char *const lines[] = {
		"8080 ns1:80",
		"0.0.0.0:8000-8999 ns2 udp",
		"[2001:db8::5]:443 web:8443",
		"127.0.0.1:9000-9001 ns1:10000-10001",
	};
	struct xbr_pub p, q;
	char c[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(parse(lines[i], 1, &p), 0);
		pub_comment(&p, c, sizeof(c));
		assert_true(strncmp(c, XBR_PUB_TAG " ", strlen(XBR_PUB_TAG) + 1) == 0);
		assert_true(strlen(c) < 128); /* nf_tables' comment limit */
		assert_int_equal(pub_from_comment(c, &q), 0);
		assert_int_equal(q.proto, p.proto);
		assert_int_equal(q.family, p.family);
		assert_memory_equal(q.addr, p.addr, 16);
		assert_int_equal(q.port, p.port);
		assert_int_equal(q.port_end, p.port_end);
		assert_string_equal(q.station, p.station);
		assert_int_equal(q.sport, p.sport);
		assert_int_equal(q.sport_end, p.sport_end);
	}
	pub_comment(&p, c, sizeof(c));
	assert_string_equal(c, "xbr-pub tcp 127.0.0.1 9000-9001 ns1 10000-10001");
}

/* The pinned record (struct xbr_pub_rec, map xbr_pubs): every field round
 * trips, the layout is fixed (64 bytes, fields where layout 3 put them). */
static void test_record_round_trip(void **state)
{
	static const char *const lines[] = {
		"8080 ns1:80",
		"0.0.0.0:8000-8999 ns2 udp",
		"[2001:db8::5]:443 web:8443",
		"127.0.0.1:9000-9001 ns1:10000-10001",
		"65535 abcdefghijklmno:1",
	};
	struct xbr_pub_rec r;
	struct xbr_pub p, q;
	size_t i;

	(void)state;
	assert_int_equal(sizeof(r), 64);
	assert_int_equal(offsetof(struct xbr_pub_rec, port), 4);
	assert_int_equal(offsetof(struct xbr_pub_rec, addr), 12);
	assert_int_equal(offsetof(struct xbr_pub_rec, station), 28);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(parse(lines[i], 1, &p), 0);
		memset(&r, 0xa5, sizeof(r));
		pub_to_rec(&p, &r);
		assert_int_equal(r.version, XBR_PUB_REC_V);
		assert_int_equal(r.pad, 0);
		for (size_t k = 0; k < sizeof(r.reserved) / sizeof(r.reserved[0]); k++)
			assert_int_equal(r.reserved[k], 0);
		assert_int_equal(pub_from_rec(&r, &q), 0);
		assert_int_equal(q.proto, p.proto);
		assert_int_equal(q.family, p.family);
		assert_memory_equal(q.addr, p.addr, 16);
		assert_int_equal(q.port, p.port);
		assert_int_equal(q.port_end, p.port_end);
		assert_string_equal(q.station, p.station);
		assert_int_equal(q.sport, p.sport);
		assert_int_equal(q.sport_end, p.sport_end);
	}
	/* "8080-8081 ns1:80-81" as bytes: the encoding is the pinned layout. */
	assert_int_equal(parse("8080-8081 ns1:80-81", 1, &p), 0);
	pub_to_rec(&p, &r);
	assert_int_equal(r.proto, IPPROTO_TCP);
	assert_int_equal(r.family, AF_UNSPEC);
	assert_int_equal(r.port, 8080);
	assert_int_equal(r.port_end, 8081);
	assert_int_equal(r.sport, 80);
	assert_int_equal(r.sport_end, 81);
	assert_string_equal(r.station, "ns1");
}

/* What no command writes is not read as a publication. */
static void test_record_refusals(void **state)
{
	struct xbr_pub_rec r, good;
	struct xbr_pub p;

	(void)state;
	assert_int_equal(parse("8080-8081 ns1:80-81", 1, &p), 0);
	pub_to_rec(&p, &good);
	memset(&r, 0, sizeof(r));
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL); /* all zero */
	r = good;
	r.version = XBR_PUB_REC_V + 1;
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL);
	r = good;
	r.proto = IPPROTO_SCTP;
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL);
	r = good;
	r.family = 99;
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL);
	r = good;
	r.port = 0;
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL);
	r = good;
	r.port_end = 8079; /* below port */
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL);
	r = good;
	r.sport_end = 90; /* uneven ranges */
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL);
	r = good;
	memset(r.station, 'x', sizeof(r.station)); /* not terminated */
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL);
	r = good;
	r.station[0] = '\0';
	assert_int_equal(pub_from_rec(&r, &p), -EINVAL);
	assert_int_equal(pub_from_rec(&good, &p), 0);
}

static void test_comment_refusals(void **state)
{
	struct xbr_pub p;

	(void)state;
	assert_int_equal(pub_from_comment("someone else's rule", &p), -EINVAL);
	assert_int_equal(pub_from_comment("xbr-pub tcp * 80-90 ns1 80-85", &p), -EINVAL);
	assert_int_equal(pub_from_comment("xbr-pub sctp * 80-80 ns1 80-80", &p), -EINVAL);
	assert_int_equal(pub_from_comment("xbr-pub tcp nowhere 80-80 ns1 80-80", &p), -EINVAL);
	assert_int_equal(pub_from_comment("xbr-pub tcp * 0-0 ns1 0-0", &p), -EINVAL);
	assert_int_equal(pub_from_comment("xbr-pub tcp * 80-80 ns1 80-80x", &p), -EINVAL);
}

static void test_overlap(void **state)
{
	struct xbr_pub all, v4, lo, v6, other, udp;

	(void)state;
	assert_int_equal(parse("8000-8010 ns1", 1, &all), 0);
	assert_int_equal(parse("198.51.100.1:8010 ns1", 1, &v4), 0);
	assert_int_equal(parse("127.0.0.1:8005 ns1", 1, &lo), 0);
	assert_int_equal(parse("[2001:db8::1]:8000 ns1", 1, &v6), 0);
	assert_int_equal(parse("198.51.100.2:8010 ns1", 1, &other), 0);
	assert_int_equal(parse("8000-8010 ns1 udp", 1, &udp), 0);
	assert_true(pub_overlap(&all, &v4));
	assert_true(pub_overlap(&all, &lo)); /* host connections to localhost */
	assert_true(pub_overlap(&v6, &all));
	assert_false(pub_overlap(&v4, &v6));
	assert_false(pub_overlap(&v4, &other));
	assert_false(pub_overlap(&all, &udp));
	v4.port = v4.port_end = 8011;
	assert_false(pub_overlap(&all, &v4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_port_only),  cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_ipv6),	 cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_parse_del),	 cmocka_unit_test(test_comment_round_trip),
		cmocka_unit_test(test_comment_refusals), cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_record_round_trip), cmocka_unit_test(test_record_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
