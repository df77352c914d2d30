// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the CNI plugin's pure half (cni/conf.c, cni/result.c): which
 * configurations are accepted and with which error code the others are
 * refused, port names, and results read in one CNI version and written in
 * another as the specification shapes them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "cni.h"

/* Parse @json; returns the error code (0 when accepted). */
static int parse(const char *json, struct cni_conf *c)
{
	cni_error_reset();
	if (cni_conf_parse(json, strlen(json), c) == 0)
		return 0;
	assert_int_not_equal(cni_err.code, 0);
	assert_true(cni_err.msg[0] != '\0');
	return cni_err.code;
}

static int code_of(const char *json)
{
	struct cni_conf c;
	int code = parse(json, &c);

	cni_conf_free(&c);
	return code;
}

#define MIN_IPAM "\"ipam\":{\"type\":\"host-local\"}"

/* ---- versions ---- */

static void test_versions(void **state)
{
	(void)state;
	assert_int_equal(cni_version_num("1.0.0"), 10000);
	assert_int_equal(cni_version_num("0.3.1"), 301);
	assert_int_equal(cni_version_num("1.1.0"), 10100);
	assert_int_equal(cni_version_num("1.0"), -1);
	assert_int_equal(cni_version_num("1.0.0x"), -1);
	assert_int_equal(cni_version_num(""), -1);
	for (const char *const *v = cni_versions; *v; v++)
		assert_true(cni_version_ok(*v));
	assert_true(cni_version_ok("0.3.0") && cni_version_ok("0.3.1") && cni_version_ok("0.4.0") &&
		    cni_version_ok("1.0.0"));
	assert_false(cni_version_ok("0.1.0"));
	assert_false(cni_version_ok("0.2.0"));
	assert_false(cni_version_ok("2.0.0"));
	assert_false(cni_version_ok("1.0"));
}

/* ---- configuration ---- */

static void test_conf_minimal_defaults(void **state)
{
	struct cni_conf c;

	(void)state;
	assert_int_equal(parse("{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"xbr\"," MIN_IPAM "}",
			       &c), 0);
	assert_string_equal(c.version, "1.0.0");
	assert_int_equal(c.vnum, 10000);
	assert_string_equal(c.name, "net1");
	assert_string_equal(c.bridge, "xbr0");
	assert_string_equal(c.mode, "");
	assert_int_equal(c.mtu, 0);
	assert_int_equal(c.icc, 1);
	assert_int_equal(c.is_default_gw, 0);
	assert_int_equal(c.spoofchk, 0);
	assert_string_equal(c.ipam_type, "host-local");
	assert_null(c.prev);
	assert_null(c.dns);
	cni_conf_free(&c);
}

static void test_conf_all_fields(void **state)
{
	struct cni_conf c;

	(void)state;
	assert_int_equal(parse("{\"cniVersion\":\"0.3.1\",\"name\":\"n\",\"type\":\"xbr\","
			       "\"bridge\":\"cni-br.1\",\"mode\":\"xdp\",\"mtu\":1400,"
			       "\"isGateway\":true,\"isDefaultGateway\":true,\"icc\":false,"
			       "\"ipMasq\":false,\"macspoofchk\":true,\"dns\":{\"nameservers\":[\"10.0.0.1\"]},"
			       "\"prevResult\":{\"cniVersion\":\"0.3.1\"},\"unknownKey\":[1,2]," MIN_IPAM "}",
			       &c), 0);
	assert_string_equal(c.bridge, "cni-br.1");
	assert_string_equal(c.mode, "xdp");
	assert_int_equal(c.mtu, 1400);
	assert_int_equal(c.icc, 0);
	assert_int_equal(c.is_default_gw, 1);
	assert_int_equal(c.spoofchk, 1);
	assert_non_null(c.dns);
	assert_non_null(c.prev);
	cni_conf_free(&c);
	/* Every accepted version parses. */
	for (const char *const *v = cni_versions; *v; v++) {
		char buf[256];

		snprintf(buf, sizeof(buf), "{\"cniVersion\":\"%s\",\"name\":\"n\"," MIN_IPAM "}", *v);
		assert_int_equal(code_of(buf), 0);
	}
}

static void test_conf_decode_errors(void **state)
{
	(void)state;
	assert_int_equal(code_of("{\"cniVersion\":"), CNI_ERR_DECODE);
	assert_int_equal(code_of(""), CNI_ERR_DECODE);
	assert_int_equal(code_of("[1]"), CNI_ERR_DECODE);
	assert_int_equal(code_of("{\"cniVersion\":1}"), CNI_ERR_DECODE);
	/* duplicate keys are ambiguous: refused */
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"name\":\"b\"}"),
			 CNI_ERR_DECODE);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"mtu\":\"1400\"," MIN_IPAM "}"),
			 CNI_ERR_DECODE);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"icc\":\"no\"," MIN_IPAM "}"),
			 CNI_ERR_DECODE);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":[]}"),
			 CNI_ERR_DECODE);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"prevResult\":3," MIN_IPAM "}"),
			 CNI_ERR_DECODE);
}

static void test_conf_version_errors(void **state)
{
	struct cni_conf c;

	(void)state;
	assert_int_equal(code_of("{\"name\":\"n\"," MIN_IPAM "}"), CNI_ERR_VERSION);
	assert_int_equal(code_of("{\"cniVersion\":\"0.2.0\",\"name\":\"n\"," MIN_IPAM "}"),
			 CNI_ERR_VERSION);
	assert_int_equal(code_of("{\"cniVersion\":\"9.9.9\",\"name\":\"n\"," MIN_IPAM "}"),
			 CNI_ERR_VERSION);
	assert_int_equal(parse("{\"cniVersion\":\"banana\"}", &c), CNI_ERR_VERSION);
	/* The error object then speaks a version the runtime knows. */
	assert_string_equal(c.version, "");
	assert_non_null(strstr(cni_err.msg, "banana"));
	cni_conf_free(&c);
}

static void test_conf_invalid_values(void **state)
{
	(void)state;
	/* code 7: invalid network configuration */
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\"," MIN_IPAM "}"), CNI_ERR_CONFIG);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}"), CNI_ERR_CONFIG);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{}}"),
			 CNI_ERR_CONFIG);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"../x\"}}"),
			 CNI_ERR_CONFIG);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"bridge\":\"a/b\"," MIN_IPAM "}"),
			 CNI_ERR_CONFIG);
	/* 13 characters: the gateway port <bridge>-gw would not fit */
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"bridge\":\"abcdefghijklm\"," MIN_IPAM "}"),
			 CNI_ERR_CONFIG);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"bridge\":\"abcdefghijkl\"," MIN_IPAM "}"),
			 0);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"mode\":\"fast\"," MIN_IPAM "}"),
			 CNI_ERR_CONFIG);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"mtu\":67," MIN_IPAM "}"),
			 CNI_ERR_CONFIG);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"mtu\":65536," MIN_IPAM "}"),
			 CNI_ERR_CONFIG);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"mtu\":0," MIN_IPAM "}"), 0);
	/* code 2: fields xbr cannot honour */
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipMasq\":true," MIN_IPAM "}"),
			 CNI_ERR_FIELD);
	assert_int_equal(code_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"isGateway\":false," MIN_IPAM "}"),
			 CNI_ERR_FIELD);
}

static void test_container_id(void **state)
{
	char id79[80];

	(void)state;
	assert_int_equal(cni_check_container_id("abc123"), 0);
	assert_int_equal(cni_check_container_id("a-b_c.d"), 0);
	assert_int_equal(cni_check_container_id(""), -1);
	assert_int_equal(cni_check_container_id("a b"), -1);
	assert_int_equal(cni_check_container_id("a/b"), -1);
	assert_int_equal(cni_check_container_id("a\nb"), -1);
	memset(id79, 'a', 79);
	id79[79] = '\0';
	assert_int_equal(cni_check_container_id(id79), 0);
	{
		char id80[81];

		memset(id80, 'a', 80);
		id80[80] = '\0';
		assert_int_equal(cni_check_container_id(id80), -1);
	}
}

static void test_port_name(void **state)
{
	char a[16], b[16];

	(void)state;
	cni_port_name("0123456789abcdef", "eth0", a);
	cni_port_name("0123456789abcdef", "eth0", b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 13);
	assert_int_equal(a[0], 'c');
	assert_int_equal(strspn(a + 1, "0123456789abcdef"), 12);
	cni_port_name("0123456789abcdef", "eth1", b);
	assert_string_not_equal(a, b);
	cni_port_name("0123456789abcdee", "eth0", b);
	assert_string_not_equal(a, b);
	/* the two parts are kept apart */
	cni_port_name("ab", "c", a);
	cni_port_name("a", "bc", b);
	assert_string_not_equal(a, b);
}

/* ---- results ---- */

static json_t *load(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);

	assert_non_null(j);
	return j;
}

static const char ipam_040[] =
	"{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.88.0.5/16\","
	"\"gateway\":\"10.88.0.1\"},{\"version\":\"6\",\"address\":\"fd00:88::5/64\","
	"\"gateway\":\"fd00:88::1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"},"
	"{\"dst\":\"198.51.100.0/24\",\"gw\":\"10.88.0.254\"}],"
	"\"dns\":{\"nameservers\":[\"10.88.0.1\"]}}";

static void test_result_parse(void **state)
{
	struct cni_result r;
	json_t *j = load(ipam_040);
	char buf[64];

	(void)state;
	cni_error_reset();
	assert_int_equal(cni_result_parse(j, "IPAM result", &r), 0);
	assert_int_equal(r.nips, 2);
	assert_int_equal(r.ips[0].family, AF_INET);
	assert_int_equal(r.ips[0].plen, 16);
	assert_string_equal(cni_fmt_addr(AF_INET, r.ips[0].addr, buf), "10.88.0.5");
	assert_true(r.ips[0].has_gw);
	assert_string_equal(cni_fmt_addr(AF_INET, r.ips[0].gw, buf), "10.88.0.1");
	assert_int_equal(r.ips[0].iface, -1);
	assert_int_equal(r.ips[1].family, AF_INET6);
	assert_string_equal(cni_fmt_addr(AF_INET6, r.ips[1].addr, buf), "fd00:88::5");
	assert_int_equal(r.nroutes, 2);
	assert_int_equal(r.routes[0].dst_len, 0);
	assert_false(r.routes[0].has_gw);
	assert_int_equal(r.routes[1].dst_len, 24);
	assert_true(r.routes[1].has_gw);
	assert_non_null(r.dns);
	cni_result_free(&r);
	json_decref(j);
}

static void test_result_parse_errors(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"ips\":{}}",
		"{\"ips\":[{\"address\":\"10.0.0.1\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.1/33\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.1/-1\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.1/16\",\"gateway\":\"fd00::1\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.1/16\",\"interface\":-1}]}",
		"{\"ips\":[{\"address\":7}]}",
		"{\"routes\":[{\"dst\":\"0.0.0.0\"}]}",
		"{\"routes\":[{\"dst\":\"::/0\",\"gw\":\"10.0.0.1\"}]}",
		"{\"interfaces\":[{\"mac\":\"0a:58:00:00:00:01\"}]}",
		"{\"interfaces\":[{\"name\":\"a-name-that-is-too-long\"}]}",
	};
	struct cni_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = load(bad[i]);

		cni_error_reset();
		assert_int_equal(cni_result_parse(j, "prevResult", &r), -1);
		assert_int_equal(cni_err.code, CNI_ERR_DECODE);
		assert_non_null(strstr(cni_err.msg, "prevResult"));
		cni_result_free(&r);
		json_decref(j);
	}
}

/* The result written for @version, with the container interface at index 2. */
static json_t *emit(const char *version)
{
	struct cni_result r;
	json_t *j = load(ipam_040), *out;

	assert_int_equal(cni_result_parse(j, "IPAM result", &r), 0);
	json_decref(j);
	r.nifaces = 3;
	strcpy(r.ifaces[0].name, "xbr0");
	strcpy(r.ifaces[1].name, "xbr0-0a1b2c3d");
	strcpy(r.ifaces[1].mac, "aa:bb:cc:dd:ee:01");
	strcpy(r.ifaces[2].name, "eth0");
	strcpy(r.ifaces[2].mac, "0a:58:0a:58:00:05");
	strcpy(r.ifaces[2].sandbox, "/run/netns/c1");
	r.ifaces[2].mtu = 1500;
	r.ips[0].iface = r.ips[1].iface = 2;
	out = cni_result_json(&r, version);
	cni_result_free(&r);
	return out;
}

static void test_result_emit_versions(void **state)
{
	(void)state;
	for (const char *const *v = cni_versions; *v; v++) {
		json_t *o = emit(*v), *ips = json_object_get(o, "ips");
		json_t *ifs = json_object_get(o, "interfaces");
		int pre1 = cni_version_num(*v) < 10000;

		assert_string_equal(json_string_value(json_object_get(o, "cniVersion")), *v);
		assert_int_equal(json_array_size(ips), 2);
		/* "version" in ips exactly before 1.0.0 */
		assert_int_equal(json_object_get(json_array_get(ips, 0), "version") != NULL, pre1);
		if (pre1) {
			assert_string_equal(json_string_value(json_object_get(json_array_get(ips, 0), "version")), "4");
			assert_string_equal(json_string_value(json_object_get(json_array_get(ips, 1), "version")), "6");
		}
		assert_string_equal(json_string_value(json_object_get(json_array_get(ips, 0), "address")),
				    "10.88.0.5/16");
		assert_string_equal(json_string_value(json_object_get(json_array_get(ips, 0), "gateway")),
				    "10.88.0.1");
		assert_int_equal(json_integer_value(json_object_get(json_array_get(ips, 1), "interface")), 2);
		assert_int_equal(json_array_size(ifs), 3);
		assert_string_equal(json_string_value(json_object_get(json_array_get(ifs, 2), "sandbox")),
				    "/run/netns/c1");
		assert_null(json_object_get(json_array_get(ifs, 0), "sandbox"));
		assert_null(json_object_get(json_array_get(ifs, 0), "mac"));
		/* interface mtu exists from 1.1.0 on */
		assert_int_equal(json_object_get(json_array_get(ifs, 2), "mtu") != NULL,
				 cni_version_num(*v) >= 10100);
		assert_int_equal(json_array_size(json_object_get(o, "routes")), 2);
		assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "routes"), 0), "dst")),
				    "0.0.0.0/0");
		assert_null(json_object_get(json_array_get(json_object_get(o, "routes"), 0), "gw"));
		assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "routes"), 1), "gw")),
				    "10.88.0.254");
		assert_non_null(json_object_get(json_object_get(o, "dns"), "nameservers"));
		json_decref(o);
	}
}

/* What a plugin after xbr reads back (prevResult) is what xbr wrote. */
static void test_result_roundtrip(void **state)
{
	json_t *o = emit("1.0.0");
	struct cni_result r;
	char buf[64];

	(void)state;
	assert_int_equal(cni_result_parse(o, "prevResult", &r), 0);
	assert_int_equal(r.nifaces, 3);
	assert_string_equal(r.ifaces[2].sandbox, "/run/netns/c1");
	assert_string_equal(r.ifaces[1].mac, "aa:bb:cc:dd:ee:01");
	assert_int_equal(r.ips[0].iface, 2);
	assert_string_equal(cni_fmt_addr(AF_INET6, r.ips[1].gw, buf), "fd00:88::1");
	assert_int_equal(r.nroutes, 2);
	cni_result_free(&r);
	json_decref(o);
}

static void test_error_and_version_objects(void **state)
{
	json_t *o;

	(void)state;
	cni_error_reset();
	cni_fail(CNI_ERR_ENV, "CNI_%s is not set", "NETNS");
	cni_fail(CNI_ERR_CONFIG, "a later echo");
	cni_details_add("one");
	cni_details_add("two");
	o = cni_error_json("0.4.0");
	assert_string_equal(json_string_value(json_object_get(o, "cniVersion")), "0.4.0");
	assert_int_equal(json_integer_value(json_object_get(o, "code")), 4);
	assert_string_equal(json_string_value(json_object_get(o, "msg")), "CNI_NETNS is not set");
	assert_string_equal(json_string_value(json_object_get(o, "details")), "one; two");
	json_decref(o);
	o = cni_error_json("");
	assert_string_equal(json_string_value(json_object_get(o, "cniVersion")), "1.0.0");
	json_decref(o);
	o = cni_version_json("0.3.1");
	assert_string_equal(json_string_value(json_object_get(o, "cniVersion")), "0.3.1");
	assert_int_equal(json_array_size(json_object_get(o, "supportedVersions")), 5);
	json_decref(o);
}

static void test_parse_prefix(void **state)
{
	uint8_t a[16], plen;
	int fam;

	(void)state;
	assert_int_equal(cni_parse_prefix("10.1.2.3/24", &fam, a, &plen), 0);
	assert_int_equal(fam, AF_INET);
	assert_int_equal(plen, 24);
	assert_int_equal(cni_parse_prefix("::/0", &fam, a, &plen), 0);
	assert_int_equal(fam, AF_INET6);
	assert_int_equal(plen, 0);
	assert_int_equal(cni_parse_prefix("fd00::1/129", &fam, a, &plen), -1);
	assert_int_equal(cni_parse_prefix("10.1.2.3/", &fam, a, &plen), -1);
	assert_int_equal(cni_parse_prefix("10.1.2.3/+8", &fam, a, &plen), -1);
	assert_int_equal(cni_parse_prefix("10.1.2.3/8x", &fam, a, &plen), -1);
	assert_int_equal(cni_parse_prefix("10.1.2/8", &fam, a, &plen), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_conf_minimal_defaults),
		cmocka_unit_test(test_conf_all_fields),
		cmocka_unit_test(test_conf_decode_errors),
		cmocka_unit_test(test_conf_version_errors),
		cmocka_unit_test(test_conf_invalid_values),
		cmocka_unit_test(test_container_id),
		cmocka_unit_test(test_port_name),
		cmocka_unit_test(test_result_parse),
		cmocka_unit_test(test_result_parse_errors),
		cmocka_unit_test(test_result_emit_versions),
		cmocka_unit_test(test_result_roundtrip),
		cmocka_unit_test(test_error_and_version_objects),
		cmocka_unit_test(test_parse_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
