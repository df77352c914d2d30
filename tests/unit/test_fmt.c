// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the output formats: cli/fdb_fmt.c (`xbr fdb`, `xbr show`,
 * text and JSON) and the JSON writer under it (cli/json.c). Everything is
 * printed into open_memstream() buffers and compared with the exact expected
 * bytes, so a format change is a deliberate test change.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fdb_fmt.h"
#include "json.h"

/* ---- memstream helpers ---- */

struct mbuf {
	char *p;
	size_t n;
	FILE *f;
};

static FILE *mb_open(struct mbuf *b)
{
	b->p = NULL;
	b->n = 0;
	b->f = open_memstream(&b->p, &b->n);
	assert_non_null(b->f);
	return b->f;
}

/* Close the stream and return its contents (freed by mb_free). */
static const char *mb_str(struct mbuf *b)
{
	assert_int_equal(fclose(b->f), 0);
	b->f = NULL;
	assert_non_null(b->p);
	return b->p;
}

static void mb_free(struct mbuf *b)
{
	free(b->p);
	b->p = NULL;
}

#define assert_output(b, expect)                          \
	do {                                              \
		assert_string_equal(mb_str(b), (expect)); \
		mb_free(b);                               \
	} while (0)

static uint32_t ip(const char *s)
{
	struct in_addr in;

	assert_int_equal(inet_pton(AF_INET, s, &in), 1);
	return in.s_addr;
}

/* ---- fixtures ---- */

static struct xbr_fdb_row row(const char *mac, uint16_t vlan, uint32_t ifindex, uint32_t flags,
			      uint64_t age, const char *ifname, const char *netns)
{
	struct xbr_fdb_row r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(xbr_parse_mac(mac, r.mac), 0);
	r.vlan = vlan;
	r.ifindex = ifindex;
	r.flags = flags;
	r.age_sec = age;
	snprintf(r.ifname, sizeof(r.ifname), "%s", ifname);
	snprintf(r.netns, sizeof(r.netns), "%s", netns);
	return r;
}

static void lab_rows(struct xbr_fdb_row *r)
{
	r[0] = row("0a:58:ac:10:01:fe", 0, 2, 0, 0, "xbr0-gw", "");
	r[1] = row("0a:58:ac:10:01:01", 0, 4, 0, 3, "xbr0-ns1", "ns1");
	r[2] = row("0a:58:ac:10:01:02", 0, 5, 0, 299, "xbr0-ns2", "ns2");
}

static struct xbr_config lab_cfg(void)
{
	struct xbr_config c;

	memset(&c, 0, sizeof(c));
	c.ageing_ns = 300ULL * 1000000000ULL;
	c.subnet = ip("172.16.0.0");
	c.gateway = ip("172.16.1.254");
	c.plen = 16;
	c.mode = XBR_MODE_TC;
	c.fdb_size = 65536;
	c.nports = 3;
	return c;
}

static struct xbr_port port(uint32_t ifindex, uint32_t flags, const char *addr, uint8_t plen,
			    const char *netns, const char *ifname)
{
	struct xbr_port p;

	memset(&p, 0, sizeof(p));
	p.ifindex = ifindex;
	p.flags = flags;
	p.addr = ip(addr);
	p.plen = plen;
	p.mac[0] = 0x0a;
	p.mac[1] = 0x58;
	memcpy(p.mac + 2, &p.addr, 4);
	snprintf(p.name, sizeof(p.name), "%s", netns);
	snprintf(p.ifname, sizeof(p.ifname), "%s", ifname);
	return p;
}

static void lab_ports(struct xbr_port *p)
{
	p[0] = port(2, XBR_PORT_F_DEFAULT | XBR_PORT_F_GATEWAY, "172.16.1.254", 16, "", "xbr0-gw");
	p[1] = port(4, XBR_PORT_F_DEFAULT | XBR_PORT_F_PEER, "172.16.1.1", 16, "ns1", "xbr0-ns1");
	p[2] = port(5, XBR_PORT_F_DEFAULT | XBR_PORT_F_PEER, "172.16.1.2", 16, "ns2", "xbr0-ns2");
}

/* ---- fdb, text ---- */

static void test_fdb_text_lab(void **state)
{
	struct xbr_fdb_row r[3];
	struct mbuf b;

	(void)state;
	lab_rows(r);
	fdb_print_text(mb_open(&b), "xbr0", r, 3);
	/* As `bridge fdb show` (a learned entry has no state word), then xbr's
	 * netns and age. */
	assert_output(&b, "0a:58:ac:10:01:fe dev xbr0-gw master xbr0 age 0\n"
			  "0a:58:ac:10:01:01 dev xbr0-ns1 master xbr0 netns ns1 age 3\n"
			  "0a:58:ac:10:01:02 dev xbr0-ns2 master xbr0 netns ns2 age 299\n");
}

static void test_fdb_text_empty(void **state)
{
	struct mbuf b;

	(void)state;
	fdb_print_text(mb_open(&b), "xbr0", NULL, 0);
	assert_output(&b, "");
}

static void test_fdb_text_flags_vlan(void **state)
{
	struct xbr_fdb_row r[4];
	struct mbuf b;

	(void)state;
	r[0] = row("02:00:00:00:00:01", 0, 4, XBR_FDB_F_STATIC, 77, "xbr0-ns1", "ns1");
	r[1] = row("02:00:00:00:00:02", 10, 5, XBR_FDB_F_STICKY, 12, "xbr0-ns2", "ns2");
	r[2] = row("02:00:00:00:00:03", 4094, 5, XBR_FDB_F_STATIC | XBR_FDB_F_STICKY, 5,
		   "xbr0-ns2", "ns2");
	r[3] = row("02:00:00:00:00:04", 0, 99, 0, UINT64_MAX, "if99", "");
	fdb_print_text(mb_open(&b), "br-a", r, 4);
	assert_output(&b,
		      /* static: the state after master, no age; sticky: a flag before master */
		      "02:00:00:00:00:01 dev xbr0-ns1 master br-a static netns ns1\n"
		      "02:00:00:00:00:02 dev xbr0-ns2 vlan 10 sticky master br-a netns ns2 age 12\n"
		      "02:00:00:00:00:03 dev xbr0-ns2 vlan 4094 sticky master br-a static netns ns2\n"
		      "02:00:00:00:00:04 dev if99 master br-a age 18446744073709551615\n");
}

/* ---- fdb, JSON ---- */

static void test_fdb_json_lab(void **state)
{
	struct xbr_fdb_row r[3];
	struct mbuf b;

	(void)state;
	lab_rows(r);
	fdb_print_json(mb_open(&b), "xbr0", r, 3, false);
	assert_output(&b,
		      /* bridge's keys in bridge's order (state "" when the entry ages), then
		       * xbr's netns, age and origin */
		      "[{\"mac\":\"0a:58:ac:10:01:fe\",\"ifname\":\"xbr0-gw\",\"flags\":[],"
		      "\"master\":\"xbr0\",\"state\":\"\",\"netns\":\"\",\"age\":0,\"origin\":\"learned\"},"
		      "{\"mac\":\"0a:58:ac:10:01:01\",\"ifname\":\"xbr0-ns1\",\"flags\":[],"
		      "\"master\":\"xbr0\",\"state\":\"\",\"netns\":\"ns1\",\"age\":3,\"origin\":\"learned\"},"
		      "{\"mac\":\"0a:58:ac:10:01:02\",\"ifname\":\"xbr0-ns2\",\"flags\":[],"
		      "\"master\":\"xbr0\",\"state\":\"\",\"netns\":\"ns2\",\"age\":299,"
		      "\"origin\":\"learned\"}]\n");
}

static void test_fdb_json_empty(void **state)
{
	struct mbuf b;

	(void)state;
	fdb_print_json(mb_open(&b), "xbr0", NULL, 0, false);
	assert_output(&b, "[]\n");
	fdb_print_json(mb_open(&b), "xbr0", NULL, 0, true);
	assert_output(&b, "[]\n");
}

static void test_fdb_json_flags_vlan(void **state)
{
	struct xbr_fdb_row r[3];
	struct mbuf b;

	(void)state;
	r[0] = row("02:00:00:00:00:01", 0, 4, XBR_FDB_F_STATIC | XBR_FDB_F_USER, 77, "xbr0-ns1",
		   "ns1");
	r[1] = row("02:00:00:00:00:02", 10, 5, XBR_FDB_F_STICKY | XBR_FDB_F_USER, 12, "xbr0-ns2",
		   "ns2");
	r[2] = row("02:00:00:00:00:03", 0, 5, 0, UINT64_MAX, "xbr0-ns2", "ns2");
	fdb_print_json(mb_open(&b), "xbr0", r, 3, false);
	assert_output(&b,
		      /* static: no age; made by hand: origin user */
		      "[{\"mac\":\"02:00:00:00:00:01\",\"ifname\":\"xbr0-ns1\",\"flags\":[],"
		      "\"master\":\"xbr0\",\"state\":\"static\",\"netns\":\"ns1\",\"origin\":\"user\"},"
		      /* vlan after ifname, sticky in flags */
		      "{\"mac\":\"02:00:00:00:00:02\",\"ifname\":\"xbr0-ns2\",\"vlan\":10,"
		      "\"flags\":[\"sticky\"],\"master\":\"xbr0\",\"state\":\"\",\"netns\":\"ns2\","
		      "\"age\":12,\"origin\":\"user\"},"
		      "{\"mac\":\"02:00:00:00:00:03\",\"ifname\":\"xbr0-ns2\",\"flags\":[],"
		      "\"master\":\"xbr0\",\"state\":\"\",\"netns\":\"ns2\","
		      "\"age\":1.8446744073709552e19,\"origin\":\"learned\"}]\n");
}

static void test_fdb_json_pretty(void **state)
{
	struct xbr_fdb_row r[3];
	struct mbuf b;

	(void)state;
	lab_rows(r);
	r[1] = row("02:00:00:00:00:02", 10, 5, XBR_FDB_F_STICKY, 12, "xbr0-ns2", "ns2");
	fdb_print_json(mb_open(&b), "xbr0", r, 2, true);
	assert_output(&b, "[\n"
			  "    {\n"
			  "        \"mac\": \"0a:58:ac:10:01:fe\",\n"
			  "        \"ifname\": \"xbr0-gw\",\n"
			  "        \"flags\": [],\n"
			  "        \"master\": \"xbr0\",\n"
			  "        \"state\": \"\",\n"
			  "        \"netns\": \"\",\n"
			  "        \"age\": 0,\n"
			  "        \"origin\": \"learned\"\n"
			  "    },\n"
			  "    {\n"
			  "        \"mac\": \"02:00:00:00:00:02\",\n"
			  "        \"ifname\": \"xbr0-ns2\",\n"
			  "        \"vlan\": 10,\n"
			  "        \"flags\": [\n"
			  "            \"sticky\"\n"
			  "        ],\n"
			  "        \"master\": \"xbr0\",\n"
			  "        \"state\": \"\",\n"
			  "        \"netns\": \"ns2\",\n"
			  "        \"age\": 12,\n"
			  "        \"origin\": \"learned\"\n"
			  "    }\n"
			  "]\n");
}

static void test_fdb_json_escapes_names(void **state)
{
	struct xbr_fdb_row r;
	struct mbuf b;

	(void)state;
	/* Names never hold these in practice; the writer must still escape. */
	r = row("0a:58:ac:10:01:01", 0, 4, XBR_FDB_F_STATIC, 0, "a\"b", "c\\d");
	fdb_print_json(mb_open(&b), "e\nf", &r, 1, false);
	assert_output(&b, "[{\"mac\":\"0a:58:ac:10:01:01\",\"ifname\":\"a\\\"b\",\"flags\":[],"
			  "\"master\":\"e\\nf\",\"state\":\"static\",\"netns\":\"c\\\\d\","
			  "\"origin\":\"learned\"}]\n");
}

/* ---- ports ---- */

static void test_port_flag_words(void **state)
{
	static const struct {
		uint32_t bit;
		const char *word;
	} known[] = {
		{ XBR_PORT_F_GATEWAY, "gateway" },   { XBR_PORT_F_LEARNING, "learning" },
		{ XBR_PORT_F_FLOOD, "flood" },       { XBR_PORT_F_ISOLATED, "isolated" },
		{ XBR_PORT_F_HAIRPIN, "hairpin" },   { XBR_PORT_F_LOCKED, "locked" },
		{ XBR_PORT_F_SPOOFCHK, "spoof-check" }, { XBR_PORT_F_TUNNEL, "tunnel" },
		{ XBR_PORT_F_NEIGH_SUPPRESS, "neigh-suppress" },
	};
	const char *w[32];
	size_t n, i;

	(void)state;
	/* Each flag alone gives its word. */
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		n = port_flag_words(known[i].bit, w, 32);
		assert_int_equal(n, 1);
		assert_string_equal(w[0], known[i].word);
	}
	/* Several: gateway first, then in table order. */
	n = port_flag_words(XBR_PORT_F_DEFAULT | XBR_PORT_F_GATEWAY | XBR_PORT_F_PEER, w, 32);
	assert_int_equal(n, 3);
	assert_string_equal(w[0], "gateway");
	assert_string_equal(w[1], "learning");
	assert_string_equal(w[2], "flood");
	/* Every bit: the ones above lead (later flags may follow). */
	n = port_flag_words(0xffffffffu, w, 32);
	assert_true(n >= sizeof(known) / sizeof(known[0]));
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_string_equal(w[i], known[i].word);
	/* Never more than asked for. */
	assert_int_equal(port_flag_words(0xffffffffu, w, 2), 2);
	assert_int_equal(port_flag_words(0xffffffffu, w, 0), 0);
	/* peer is an implementation detail, not shown. */
	assert_int_equal(port_flag_words(XBR_PORT_F_PEER, w, 32), 0);
	assert_int_equal(port_flag_words(0, w, 32), 0);
}

static void test_ports_text_lab(void **state)
{
	struct xbr_config cfg = lab_cfg();
	struct xbr_port p[3];
	struct mbuf b;

	(void)state;
	lab_ports(p);
	ports_print_text(mb_open(&b), "xbr0", &cfg, p, NULL, 3);
	assert_output(&b,
		      "bridge xbr0 mode tc subnet 172.16.0.0/16 gateway 172.16.1.254 nat masquerade "
		      "ageing 300 "
		      "fdb-size 65536 neigh-suppress off dns on ports 3\n"
		      "2: xbr0-gw netns - station 0a:58:ac:10:01:fe 172.16.1.254/16 "
		      "<gateway,learning,flood>\n"
		      "4: xbr0-ns1 netns ns1 station 0a:58:ac:10:01:01 172.16.1.1/16 <learning,flood>\n"
		      "5: xbr0-ns2 netns ns2 station 0a:58:ac:10:01:02 172.16.1.2/16 <learning,flood>\n");
}

static void test_ports_text_other(void **state)
{
	struct xbr_config cfg = lab_cfg();
	struct xbr_port p[2];
	struct mbuf b;

	(void)state;
	cfg.mode = XBR_MODE_XDP;
	cfg.subnet = ip("10.9.8.0");
	cfg.plen = 24;
	cfg.gateway = ip("10.9.8.1");
	cfg.ageing_ns = 1999999999ULL; /* shown in whole seconds, rounded down */
	cfg.fdb_size = 16;
	cfg.flags = XBR_CFG_F_NEIGH_SUPPRESS;
	cfg.flags |= XBR_CFG_F_NO_NAT;
	p[0] = port(7, XBR_PORT_F_ISOLATED | XBR_PORT_F_HAIRPIN | XBR_PORT_F_LOCKED, "10.9.8.2",
		    24, "a.b_c-d", "x-a.b_c-d");
	p[1] = port(1000000, 0, "10.9.8.3", 24, "n", "x-n");
	ports_print_text(mb_open(&b), "x", &cfg, p, NULL, 2);
	assert_output(&b, "bridge x mode xdp subnet 10.9.8.0/24 gateway 10.9.8.1 nat off ageing 1 "
			  "fdb-size 16 neigh-suppress on dns on ports 2\n"
			  "7: x-a.b_c-d netns a.b_c-d station 0a:58:0a:09:08:02 10.9.8.2/24 "
			  "<isolated,hairpin,locked>\n"
			  "1000000: x-n netns n station 0a:58:0a:09:08:03 10.9.8.3/24 <>\n");
	cfg.flags |= XBR_CFG_F_INTERNAL; /* internal wins */
	ports_print_text(mb_open(&b), "x", &cfg, NULL, NULL, 0);
	assert_output(&b, "bridge x mode xdp subnet 10.9.8.0/24 gateway 10.9.8.1 nat internal ageing 1 "
			  "fdb-size 16 neigh-suppress on dns on ports 0\n");
}

static void test_ports_json_lab(void **state)
{
	struct xbr_config cfg = lab_cfg();
	struct xbr_port p[3];
	struct mbuf b;

	(void)state;
	lab_ports(p);
	ports_print_json(mb_open(&b), "xbr0", &cfg, p, NULL, 3, false);
	assert_output(&b,
		      "{\"bridge\":\"xbr0\",\"mode\":\"tc\",\"subnet\":\"172.16.0.0/16\","
		      "\"gateway\":\"172.16.1.254\",\"nat\":\"masquerade\",\"ageing\":300,"
		      "\"fdb_size\":65536,\"neigh_suppress\":false,\"dns\":true,\"ports\":["
		      "{\"ifindex\":2,\"ifname\":\"xbr0-gw\",\"netns\":\"\",\"kind\":\"station\",\"mac\":\"0a:58:ac:10:01:fe\","
		      "\"addr\":\"172.16.1.254\",\"prefixlen\":16,"
		      "\"flags\":[\"gateway\",\"learning\",\"flood\"]},"
		      "{\"ifindex\":4,\"ifname\":\"xbr0-ns1\",\"netns\":\"ns1\",\"kind\":\"station\","
		      "\"mac\":\"0a:58:ac:10:01:01\",\"addr\":\"172.16.1.1\",\"prefixlen\":16,"
		      "\"flags\":[\"learning\",\"flood\"]},"
		      "{\"ifindex\":5,\"ifname\":\"xbr0-ns2\",\"netns\":\"ns2\",\"kind\":\"station\","
		      "\"mac\":\"0a:58:ac:10:01:02\",\"addr\":\"172.16.1.2\",\"prefixlen\":16,"
		      "\"flags\":[\"learning\",\"flood\"]}]}\n");
}

static void test_ports_json_empty(void **state)
{
	struct xbr_config cfg = lab_cfg();
	struct mbuf b;

	(void)state;
	cfg.mode = XBR_MODE_XDP;
	cfg.flags |= XBR_CFG_F_INTERNAL;
	ports_print_json(mb_open(&b), "xbr0", &cfg, NULL, NULL, 0, false);
	assert_output(&b, "{\"bridge\":\"xbr0\",\"mode\":\"xdp\",\"subnet\":\"172.16.0.0/16\","
			  "\"gateway\":\"172.16.1.254\",\"nat\":\"internal\",\"ageing\":300,"
			  "\"fdb_size\":65536,\"neigh_suppress\":false,\"dns\":true,"
			  "\"ports\":[]}\n");
}

static void test_ports_json_pretty(void **state)
{
	struct xbr_config cfg = lab_cfg();
	struct xbr_port p[3];
	struct mbuf b;

	(void)state;
	lab_ports(p);
	p[1].flags = XBR_PORT_F_PEER; /* no flag words: empty array */
	ports_print_json(mb_open(&b), "xbr0", &cfg, p, NULL, 2, true);
	assert_output(&b, "{\n"
			  "    \"bridge\": \"xbr0\",\n"
			  "    \"mode\": \"tc\",\n"
			  "    \"subnet\": \"172.16.0.0/16\",\n"
			  "    \"gateway\": \"172.16.1.254\",\n"
			  "    \"nat\": \"masquerade\",\n"
			  "    \"ageing\": 300,\n"
			  "    \"fdb_size\": 65536,\n"
			  "    \"neigh_suppress\": false,\n"
			  "    \"dns\": true,\n"
			  "    \"ports\": [\n"
			  "        {\n"
			  "            \"ifindex\": 2,\n"
			  "            \"ifname\": \"xbr0-gw\",\n"
			  "            \"netns\": \"\",\n"
			  "            \"kind\": \"station\",\n"
			  "            \"mac\": \"0a:58:ac:10:01:fe\",\n"
			  "            \"addr\": \"172.16.1.254\",\n"
			  "            \"prefixlen\": 16,\n"
			  "            \"flags\": [\n"
			  "                \"gateway\",\n"
			  "                \"learning\",\n"
			  "                \"flood\"\n"
			  "            ]\n"
			  "        },\n"
			  "        {\n"
			  "            \"ifindex\": 4,\n"
			  "            \"ifname\": \"xbr0-ns1\",\n"
			  "            \"netns\": \"ns1\",\n"
			  "            \"kind\": \"station\",\n"
			  "            \"mac\": \"0a:58:ac:10:01:01\",\n"
			  "            \"addr\": \"172.16.1.1\",\n"
			  "            \"prefixlen\": 16,\n"
			  "            \"flags\": []\n"
			  "        }\n"
			  "    ]\n"
			  "}\n");
}

/* ---- the JSON writer ---- */

static void test_json_escape(void **state)
{
	struct xbr_json j;
	struct mbuf b;

	(void)state;
	jw_init(&j, mb_open(&b), false);
	jw_string(&j, "q\"b\\s/n\nt\tr\rb\bf\fz\x01\x1f\x7f" "é");
	jw_finish(&j);
	/* jansson's escapes: \b and \f by name, other controls \u00XX */
	assert_output(&b, "\"q\\\"b\\\\s/n\\nt\\tr\\rb\\bf\\fz\\u0001\\u001F\x7f"
			  "é\"\n");

	/* not UTF-8 (a name made of raw bytes): each byte above 0x7f is
	 * written as the code point of its value, the document stays valid */
	jw_init(&j, mb_open(&b), false);
	jw_string(&j, "a\xff\xe9" "b");
	jw_finish(&j);
	assert_output(&b, "\"a\xc3\xbf\xc3\xa9" "b\"\n");

	jw_init(&j, mb_open(&b), false);
	jw_string(&j, "");
	jw_finish(&j);
	assert_output(&b, "\"\"\n");
}

static void test_json_escape_keys(void **state)
{
	struct xbr_json j;
	struct mbuf b;

	(void)state;
	jw_init(&j, mb_open(&b), false);
	jw_open_object(&j);
	jw_kv_string(&j, "k\"1", "v\\1");
	jw_kv_string(&j, "\x02", "\n");
	jw_close_object(&j);
	jw_finish(&j);
	assert_output(&b, "{\"k\\\"1\":\"v\\\\1\",\"\\u0002\":\"\\n\"}\n");
}

static void test_json_scalars(void **state)
{
	struct xbr_json j;
	struct mbuf b;

	(void)state;
	jw_init(&j, mb_open(&b), false);
	jw_open_array(&j);
	jw_uint(&j, 0);
	jw_uint(&j, UINT64_MAX);
	jw_int(&j, -1);
	jw_int(&j, INT64_MIN);
	jw_int(&j, INT64_MAX);
	jw_bool(&j, true);
	jw_bool(&j, false);
	jw_close_array(&j);
	jw_finish(&j);
	/* jansson's integers are signed: above INT64_MAX, a real (as jq reads it) */
	assert_output(&b, "[0,1.8446744073709552e19,-1,-9223372036854775808,"
			  "9223372036854775807,true,false]\n");
}

/* [1,[2,[]],{"a":{"b":[true,{}]},"c":[]},"x"] built with every call */
static void build_nested(struct xbr_json *j)
{
	jw_open_array(j);
	jw_uint(j, 1);
	jw_open_array(j);
	jw_uint(j, 2);
	jw_open_array(j);
	jw_close_array(j);
	jw_close_array(j);
	jw_open_object(j);
	jw_key(j, "a");
	jw_open_object(j);
	jw_key(j, "b");
	jw_open_array(j);
	jw_bool(j, true);
	jw_open_object(j);
	jw_close_object(j);
	jw_close_array(j);
	jw_close_object(j);
	jw_key(j, "c");
	jw_open_array(j);
	jw_close_array(j);
	jw_close_object(j);
	jw_string(j, "x");
	jw_close_array(j);
	jw_finish(j);
}

static void test_json_nested(void **state)
{
	struct xbr_json j;
	struct mbuf b;

	(void)state;
	jw_init(&j, mb_open(&b), false);
	build_nested(&j);
	assert_output(&b, "[1,[2,[]],{\"a\":{\"b\":[true,{}]},\"c\":[]},\"x\"]\n");
}

static void test_json_nested_pretty(void **state)
{
	struct xbr_json j;
	struct mbuf b;

	(void)state;
	jw_init(&j, mb_open(&b), true);
	build_nested(&j);
	assert_output(&b, "[\n"
			  "    1,\n"
			  "    [\n"
			  "        2,\n"
			  "        []\n"
			  "    ],\n"
			  "    {\n"
			  "        \"a\": {\n"
			  "            \"b\": [\n"
			  "                true,\n"
			  "                {}\n"
			  "            ]\n"
			  "        },\n"
			  "        \"c\": []\n"
			  "    },\n"
			  "    \"x\"\n"
			  "]\n");
}

static void test_json_deep(void **state)
{
	struct xbr_json j;
	struct mbuf b;
	char want[256];
	int i, depth = XBR_JSON_MAX_DEPTH - 1; /* deepest nesting the writer tracks */
	size_t n = 0;

	(void)state;
	jw_init(&j, mb_open(&b), false);
	for (i = 0; i < depth; i++) {
		jw_open_array(&j);
		jw_uint(&j, (uint64_t)i);
		want[n++] = '[';
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%d,", i);
	}
	jw_uint(&j, 99);
	n += (size_t)snprintf(want + n, sizeof(want) - n, "99");
	for (i = 0; i < depth; i++) {
		jw_close_array(&j);
		want[n++] = ']';
	}
	jw_finish(&j);
	want[n++] = '\n';
	want[n] = '\0';
	assert_output(&b, want);
}

static void test_json_top_level_scalar(void **state)
{
	struct xbr_json j;
	struct mbuf b;

	(void)state;
	jw_init(&j, mb_open(&b), true);
	jw_uint(&j, 5);
	jw_finish(&j);
	assert_output(&b, "5\n");
	jw_init(&j, mb_open(&b), true);
	jw_open_object(&j);
	jw_close_object(&j);
	jw_finish(&j);
	assert_output(&b, "{}\n");
	jw_init(&j, mb_open(&b), false);
	jw_open_object(&j);
	jw_kv_bool(&j, "up", true);
	jw_kv_uint(&j, "n", 3);
	jw_close_object(&j);
	jw_finish(&j);
	assert_output(&b, "{\"up\":true,\"n\":3}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fdb_text_lab),
		cmocka_unit_test(test_fdb_text_empty),
		cmocka_unit_test(test_fdb_text_flags_vlan),
		cmocka_unit_test(test_fdb_json_lab),
		cmocka_unit_test(test_fdb_json_empty),
		cmocka_unit_test(test_fdb_json_flags_vlan),
		cmocka_unit_test(test_fdb_json_pretty),
		cmocka_unit_test(test_fdb_json_escapes_names),
		cmocka_unit_test(test_port_flag_words),
		cmocka_unit_test(test_ports_text_lab),
		cmocka_unit_test(test_ports_text_other),
		cmocka_unit_test(test_ports_json_lab),
		cmocka_unit_test(test_ports_json_empty),
		cmocka_unit_test(test_ports_json_pretty),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_escape_keys),
		cmocka_unit_test(test_json_scalars),
		cmocka_unit_test(test_json_nested),
		cmocka_unit_test(test_json_nested_pretty),
		cmocka_unit_test(test_json_deep),
		cmocka_unit_test(test_json_top_level_scalar),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
