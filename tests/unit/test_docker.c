// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the Docker plugin's pure half (docker/api.c): requests as
 * Docker 20.10 sends them decoded, the ones it could not send refused with
 * 400, the ones xbr cannot honour answered with 200 and a one-line Err that
 * names the cause, port bindings of every form `docker run -p` makes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "docker.h"

#define NID "4f1c2d3e4a5b6c7d8e9f00112233445566778899aabbccddeeff001122334455"
#define EID "9a8b7c6d5e4f30211234567890abcdef1234567890abcdef1234567890abcdef"

static json_t *req(const char *s)
{
	struct dk_reply bad = { 0 };
	json_t *j = dk_parse(s, strlen(s), &bad);

	assert_non_null(j);
	return j;
}

/* The Err of a refused request, with its status checked. */
static const char *refused(struct dk_reply r, unsigned int status)
{
	static char msg[DK_ERRLEN];
	json_t *e = json_object_get(r.body, "Err");

	assert_int_equal(r.status, status);
	assert_true(json_is_string(e));
	snprintf(msg, sizeof(msg), "%s", json_string_value(e));
	json_decref(r.body);
	assert_null(strchr(msg, '\n'));
	return msg;
}

static int net_decode(const char *s, struct dk_net *n, struct dk_reply *bad)
{
	json_t *j = req(s);
	int rc = dk_net_decode(j, n, bad);

	json_decref(j);
	return rc;
}

#define NET(opts, extra)                                                                           \
	"{\"NetworkID\":\"" NID "\",\"Options\":{\"com.docker.network.enable_ipv6\":false,"        \
	"\"com.docker.network.generic\":{" opts "}" extra "},"                                     \
	"\"IPv4Data\":[{\"AddressSpace\":\"LocalDefault\",\"Pool\":\"172.18.0.0/16\","             \
	"\"Gateway\":\"172.18.0.1/16\"}],\"IPv6Data\":[]}\n"

static void test_parse_body(void **state)
{
	struct dk_reply bad;
	json_t *j;

	(void)state;
	j = dk_parse("", 0, &bad); /* Plugin.Activate: no body */
	assert_true(json_is_object(j));
	json_decref(j);
	j = dk_parse("null", 4, &bad);
	assert_true(json_is_object(j));
	json_decref(j);
	assert_null(dk_parse("{bad", 4, &bad));
	assert_non_null(strstr(refused(bad, 400), "malformed JSON"));
	assert_null(dk_parse("[1]", 3, &bad));
	refused(bad, 400);
	assert_null(dk_parse("{\"a\":1,\"a\":2}", 13, &bad)); /* duplicate key */
	refused(bad, 400);
}

static void test_names(void **state)
{
	char p[XBR_NSNAMSIZ], x[XBR_IFNAMSIZ], b[XBR_IFNAMSIZ];

	(void)state;
	dk_port_name(EID, p);
	dk_peer_name(EID, x);
	dk_bridge_name(NID, b);
	assert_string_equal(p, "d9a8b7c6d5e4f30");
	assert_string_equal(x, "x9a8b7c6d5e4f30");
	assert_string_equal(b, "xd-4f1c2d3e4");
}

static void test_network(void **state)
{
	struct dk_reply bad;
	struct dk_net n;
	char a[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(net_decode(NET("", ""), &n, &bad), 0);
	assert_string_equal(n.id, NID);
	assert_string_equal(n.bridge, "xd-4f1c2d3e4");
	assert_int_equal(n.plen, 16);
	assert_string_equal(inet_ntop(AF_INET, &n.subnet, a, sizeof(a)), "172.18.0.0");
	assert_string_equal(inet_ntop(AF_INET, &n.gateway, a, sizeof(a)), "172.18.0.1");
	assert_int_equal(n.mode, -1);
	assert_false(n.internal || n.no_icc || n.no_masq || n.mtu);

	assert_int_equal(net_decode(NET("\"com.docker.network.bridge.name\":\"dk1\","
					"\"com.docker.network.driver.mtu\":\"1400\","
					"\"com.docker.network.bridge.enable_icc\":\"false\","
					"\"com.docker.network.bridge.enable_ip_masquerade\":\"0\","
					"\"xbr.mode\":\"xdp\",\"xbr.neigh-suppress\":\"off\"",
					",\"com.docker.network.internal\":true"),
				    &n, &bad),
			 0);
	assert_string_equal(n.bridge, "dk1");
	assert_int_equal(n.mtu, 1400);
	assert_true(n.no_icc && n.no_masq && n.internal);
	assert_int_equal(n.mode, XBR_MODE_XDP);
	assert_int_equal(n.no_neigh_suppress, 1);
}

static void test_network_refused(void **state)
{
	struct dk_reply bad;
	struct dk_net n;

	(void)state;
	assert_int_equal(net_decode(NET("\"foo\":\"bar\"", ""), &n, &bad), -1);
	assert_non_null(strstr(refused(bad, 200), "unknown option \"foo\""));
	assert_int_equal(net_decode(NET("\"com.docker.network.driver.mtu\":\"20\"", ""), &n, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "com.docker.network.driver.mtu: \"20\""));
	assert_int_equal(net_decode(NET("\"com.docker.network.bridge.name\":\"a-name-far-too-long\"", ""),
				    &n, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "at most 12 characters"));
	assert_int_equal(net_decode(NET("\"xbr.mode\":\"fast\"", ""), &n, &bad), -1);
	refused(bad, 200);
	assert_int_equal(net_decode(NET("\"com.docker.network.bridge.enable_icc\":\"maybe\"", ""), &n,
				    &bad),
			 -1);
	refused(bad, 200);
	assert_int_equal(net_decode(NET("\"com.docker.network.bridge.host_binding_ipv4\":\"10.1.2\"", ""),
				    &n, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "host_binding_ipv4: \"10.1.2\" is not a valid value"));
	assert_int_equal(net_decode(NET("\"com.docker.network.bridge.host_binding_ipv4\":\"::1\"", ""),
				    &n, &bad),
			 -1);
	refused(bad, 200);
	/* An address: the bridge's publish-address. */
	assert_int_equal(net_decode(NET("\"com.docker.network.bridge.host_binding_ipv4\":\"192.0.2.7\"", ""),
				    &n, &bad),
			 0);
	assert_int_equal(n.pub_addr, htonl(0xc0000207));
	assert_int_equal(net_decode(NET("\"com.docker.network.bridge.host_binding_ipv4\":\"0.0.0.0\"", ""),
				    &n, &bad),
			 0);
	assert_int_equal(n.pub_addr, 0);
	/* A string where Docker sends a bool, a number where it sends strings. */
	assert_int_equal(net_decode(NET("", ",\"com.docker.network.internal\":\"yes\""), &n, &bad), -1);
	refused(bad, 400);
	assert_int_equal(net_decode(NET("\"com.docker.network.driver.mtu\":1400", ""), &n, &bad), -1);
	refused(bad, 400);
	assert_int_equal(net_decode("{\"NetworkID\":5}", &n, &bad), -1);
	assert_non_null(strstr(refused(bad, 400), "NetworkID"));
	assert_int_equal(net_decode("{\"Options\":{}}", &n, &bad), -1);
	assert_non_null(strstr(refused(bad, 400), "NetworkID is missing"));
	/* IPv6: Docker's pool and gateway taken; a prefix shorter than /64,
	 * a gateway outside it, two pools, --ipv6 without a pool refused. */
#define NET6(v6, on)                                                                               \
	"{\"NetworkID\":\"" NID "\",\"Options\":{\"com.docker.network.enable_ipv6\":" on "},"           \
	"\"IPv4Data\":[{\"Pool\":\"10.0.0.0/24\"}],\"IPv6Data\":[" v6 "]}"
	assert_int_equal(net_decode(NET6("{\"Pool\":\"2001:db8:1::/64\",\"Gateway\":\"2001:db8:1::1/64\"}",
					 "true"),
				    &n, &bad),
			 0);
	assert_int_equal(n.plen6, 64);
	assert_int_equal(n.subnet6[2], 0x0d);
	assert_true(n.has_gw6);
	assert_int_equal(n.gw6[15], 1);
	assert_int_equal(net_decode(NET6("{\"Pool\":\"2001:db8:1::/80\"}", "true"), &n, &bad), 0);
	assert_false(n.has_gw6); /* none given: xbr's (the prefix + the IPv4 gateway) */
	assert_int_equal(net_decode(NET6("{\"Pool\":\"2001:db8::/48\"}", "true"), &n, &bad), -1);
	assert_non_null(strstr(refused(bad, 200), "/64 to /96"));
	assert_int_equal(net_decode(NET6("{\"Pool\":\"2001:db8:1::/64\",\"Gateway\":\"2001:db8:2::1/64\"}",
					 "true"),
				    &n, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "IPv6 gateway 2001:db8:2::1 is outside the subnet"));
	assert_int_equal(net_decode(NET6("{\"Pool\":\"2001:db8:1::/64\"},{\"Pool\":\"2001:db8:2::/64\"}",
					 "true"),
				    &n, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "at most one IPv6 subnet"));
	assert_int_equal(net_decode(NET6("", "true"), &n, &bad), -1);
	assert_non_null(strstr(refused(bad, 200), "--ipv6 without an IPv6 subnet"));
	assert_int_equal(net_decode(NET6("{\"Pool\":\"10.0.0.0/24\"}", "true"), &n, &bad), -1);
	assert_non_null(strstr(refused(bad, 400), "IPv6Data[0].Pool"));
	/* Several IPv4 pools: said so. */
	assert_int_equal(net_decode("{\"NetworkID\":\"" NID "\",\"IPv4Data\":[{\"Pool\":\"10.0.0.0/24\"},"
				    "{\"Pool\":\"10.0.1.0/24\"}]}",
				    &n, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "exactly one IPv4 subnet"));
	assert_int_equal(net_decode("{\"NetworkID\":\"" NID "\",\"IPv4Data\":[{\"Pool\":\"10.0.0.0/31\"}]}",
				    &n, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "/8 to /30"));
	assert_int_equal(net_decode("{\"NetworkID\":\"" NID "\",\"IPv4Data\":[{\"Pool\":\"10.0.0.0/24\","
				    "\"Gateway\":\"10.9.0.1/24\"}]}",
				    &n, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "outside the subnet"));
	/* No gateway given: the first address, as Docker's own IPAM does. */
	assert_int_equal(net_decode("{\"NetworkID\":\"" NID "\",\"IPv4Data\":[{\"Pool\":\"10.0.0.0/24\"}]}",
				    &n, &bad),
			 0);
	assert_int_equal(n.gateway, htonl(0x0a000001));
}

static int ep_decode(const char *s, struct dk_ep *e, struct dk_reply *bad)
{
	json_t *j = req(s);
	int rc = dk_ep_decode(j, e, bad);

	json_decref(j);
	return rc;
}

#define EP(ifc, opts)                                                                              \
	"{\"NetworkID\":\"" NID "\",\"EndpointID\":\"" EID "\",\"Interface\":{" ifc "},"           \
	"\"Options\":{" opts "}}"

static void test_endpoint(void **state)
{
	struct dk_reply bad;
	struct dk_ep e;

	(void)state;
	assert_int_equal(ep_decode(EP("\"Address\":\"172.18.0.2/16\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"",
				      "\"com.docker.network.endpoint.exposedports\":[],"
				      "\"com.docker.network.portmap\":[]"),
				   &e, &bad),
			 0);
	assert_int_equal(e.addr, htonl(0xac120002));
	assert_int_equal(e.plen, 16);
	assert_false(e.has_mac);
	assert_int_equal(ep_decode(EP("\"Address\":\"172.18.0.2/16\",\"MacAddress\":\"02:42:ac:12:00:02\"", ""),
				   &e, &bad),
			 0);
	assert_true(e.has_mac);
	assert_int_equal(e.mac[0], 0x02);
	assert_int_equal(e.mac[5], 0x02);
	assert_false(e.has_addr6);
	/* An IPv6 address from Docker's IPAM. */
	assert_int_equal(ep_decode(EP("\"Address\":\"172.18.0.2/16\",\"AddressIPv6\":\"2001:db8:1::2/64\"", ""),
				   &e, &bad),
			 0);
	assert_true(e.has_addr6);
	assert_int_equal(e.addr6[0], 0x20);
	assert_int_equal(e.addr6[15], 0x02);
	assert_int_equal(ep_decode(EP("\"Address\":\"172.18.0.2/16\",\"AddressIPv6\":\"2001:zz::2/64\"", ""),
				   &e, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 400), "AddressIPv6"));

	assert_int_equal(ep_decode(EP("\"Address\":\"\"", ""), &e, &bad), -1);
	assert_non_null(strstr(refused(bad, 200), "no IPv4 address"));
	assert_int_equal(ep_decode(EP("\"Address\":\"172.18.0.2/16\",\"MacAddress\":\"zz\"", ""), &e,
				   &bad),
			 -1);
	refused(bad, 400);
	assert_int_equal(ep_decode(EP("\"Address\":\"172.18.0.2/16\"", "\"vlan\":\"5\""), &e, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 200), "unknown endpoint option \"vlan\""));
	assert_int_equal(ep_decode("{\"NetworkID\":\"" NID "\",\"EndpointID\":\"XYZ\",\"Interface\":{}}",
				   &e, &bad),
			 -1);
	assert_non_null(strstr(refused(bad, 400), "EndpointID"));
}

static int binds(const char *pm, struct dk_bind **b, size_t *n, struct dk_reply *bad)
{
	char s[1024];
	json_t *j;
	int rc;

	snprintf(s, sizeof(s),
		 "{\"NetworkID\":\"" NID "\",\"EndpointID\":\"" EID "\",\"Options\":"
		 "{\"com.docker.network.endpoint.exposedports\":[{\"Proto\":6,\"Port\":8080}],"
		 "\"com.docker.network.portmap\":%s}}",
		 pm);
	j = req(s);
	rc = dk_binds_decode(j, b, n, bad);
	json_decref(j);
	return rc;
}

static void test_binds(void **state)
{
	struct dk_reply bad;
	struct dk_bind *b;
	size_t n;

	(void)state;
	/* -p 18080:8080 -p 127.0.0.1:18081:8080/udp -p 8000-8010:80 -P */
	assert_int_equal(binds("[{\"Proto\":6,\"IP\":\"\",\"Port\":8080,\"HostIP\":\"\",\"HostPort\":18080,\"HostPortEnd\":18080},"
			       "{\"Proto\":17,\"IP\":\"\",\"Port\":8080,\"HostIP\":\"127.0.0.1\",\"HostPort\":18081,\"HostPortEnd\":18081},"
			       "{\"Proto\":6,\"IP\":\"\",\"Port\":80,\"HostIP\":\"\",\"HostPort\":8000,\"HostPortEnd\":8010},"
			       "{\"Proto\":6,\"IP\":\"\",\"Port\":9090,\"HostIP\":\"::\",\"HostPort\":0,\"HostPortEnd\":0}]",
			       &b, &n, &bad),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(b[0].proto, IPPROTO_TCP);
	assert_int_equal(b[0].family, AF_UNSPEC);
	assert_int_equal(b[0].port, 8080);
	assert_int_equal(b[0].host, 18080);
	assert_int_equal(b[0].host_end, 18080);
	assert_int_equal(b[1].proto, IPPROTO_UDP);
	assert_int_equal(b[1].family, AF_INET);
	assert_int_equal(b[1].addr[0], 127);
	assert_int_equal(b[2].host, 8000);
	assert_int_equal(b[2].host_end, 8010);
	assert_int_equal(b[3].family, AF_INET6);
	assert_int_equal(b[3].host, 0);
	free(b);
	assert_int_equal(binds("null", &b, &n, &bad), 0);
	assert_int_equal(n, 0);

	assert_int_equal(binds("[{\"Proto\":132,\"Port\":80,\"HostPort\":80}]", &b, &n, &bad), -1);
	assert_non_null(strstr(refused(bad, 200), "protocol 132"));
	assert_int_equal(binds("[{\"Proto\":6,\"Port\":80,\"HostPort\":90,\"HostPortEnd\":85}]", &b, &n,
			       &bad),
			 -1);
	refused(bad, 200);
	assert_int_equal(binds("[{\"Proto\":6,\"Port\":\"80\"}]", &b, &n, &bad), -1);
	refused(bad, 400);
	assert_int_equal(binds("[{\"Proto\":6,\"Port\":80,\"HostIP\":\"nowhere\"}]", &b, &n, &bad), -1);
	refused(bad, 400);
	assert_int_equal(binds("{}", &b, &n, &bad), -1);
	refused(bad, 400);
}

static void test_err_one_line(void **state)
{
	(void)state;
	assert_string_equal(refused(dk_err(200, "a\nb\tc\x1b[0m"), 200), "abc[0m");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_body),   cmocka_unit_test(test_names),
		cmocka_unit_test(test_network),      cmocka_unit_test(test_network_refused),
		cmocka_unit_test(test_endpoint),     cmocka_unit_test(test_binds),
		cmocka_unit_test(test_err_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
