// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The road out (see nat.h and docs/design.md, "The road out (NAT)"): the
 * bridge's nf_tables table through libnftables, IP forwarding, and the
 * check for a host whose forward policy drops.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <libmnl/libmnl.h>
#include <nftables/libnftables.h>
#include "log.h"
#include "nat.h"
#include "pins.h"
#include "nft.h"
#include "parse.h"
#include "publish.h"

#define SYSCTL_FWD4 "/proc/sys/net/ipv4/ip_forward"
#define SYSCTL_FWD6 "/proc/sys/net/ipv6/conf/all/forwarding"

void nat_table_name(const char *bridge, char *buf, size_t len)
{
	nft_table_name(bridge, buf, len);
}

const char *nat_mode_name(uint16_t cfg_flags)
{
	if (cfg_flags & XBR_CFG_F_INTERNAL)
		return "internal";
	return (cfg_flags & XBR_CFG_F_NO_NAT) ? "off" : "masquerade";
}

/* ---- sysctls ---- */

static int sysctl_read(const char *path)
{
	char buf[16] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -EIO;
}

static int sysctl_write(const char *path, int val)
{
	char buf[16];
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	int n = snprintf(buf, sizeof(buf), "%d\n", val);

	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		err = errno ? -errno : -EIO;
	close(fd);
	return err;
}

/* ---- IPv6 forwarding and router advertisements ---- */

struct ra_ctx {
	char dev[IF_NAMESIZE]; /* first interface whose default route came from an RA */
};

static int ra_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct ra_ctx *c = data;
	const struct nlattr *a;
	char path[PATH_MAX], name[IF_NAMESIZE];
	uint32_t oif = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_dst_len != 0 ||
	    rtm->rtm_protocol != RTPROT_RA || c->dev[0])
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
		if (mnl_attr_get_type(a) == RTA_OIF && mnl_attr_get_payload_len(a) >= 4)
			oif = mnl_attr_get_u32(a);
	if (!oif || !if_indextoname(oif, name))
		return MNL_CB_OK;
	/* accept_ra 1 takes RAs only while forwarding is off; 2 always. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra", name);
	if (sysctl_read(path) == 1)
		snprintf(c->dev, sizeof(c->dev), "%s", name);
	return MNL_CB_OK;
}

/*
 * The interface (in @dev) whose IPv6 default route comes from router
 * advertisements that switching forwarding on would make the kernel ignore;
 * "" when there is none (or the routes cannot be read).
 */
static void ra_default_route(char *dev)
{
	char buf[16384];
	struct ra_ctx c = { .dev = "" };
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	unsigned int seq = (unsigned int)time(NULL), portid;
	ssize_t n;
	int rc = MNL_CB_OK;

	dev[0] = '\0';
	if (!nl)
		return;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	while (rc > MNL_CB_STOP && (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, ra_route_cb, &c);
	snprintf(dev, IF_NAMESIZE, "%s", c.dev);
out:
	mnl_socket_close(nl);
}

/* ---- forwarding: on as needed, restored by down ---- */

/*
 * Switch forwarding on for a bridge that has a way out or in. The flag that
 * says xbr did it is written to the pinned config first, so that a kill
 * between the two steps leaves at worst a flag for a sysctl that is still 0
 * (restoring it is then a no-op).
 */
static int fwd_enable(struct xbr_bridge *br)
{
	int v, err;

	if (br->cfg.flags & XBR_CFG_F_INTERNAL)
		return 0;
	v = sysctl_read(SYSCTL_FWD4);
	if (v == 0) {
		br->cfg.flags |= XBR_CFG_F_FWD_SET;
		err = pins_config_write(br);
		if (!err)
			err = sysctl_write(SYSCTL_FWD4, 1);
		if (err) {
			pr_warn("bridge \"%s\": cannot switch net.ipv4.ip_forward on: %s", br->name,
				strerror(-err));
			return err;
		}
		pr_info("bridge \"%s\": switched net.ipv4.ip_forward on (down restores it)",
			br->name);
	}
	if (!br->cfg.plen6)
		return 0;
	v = sysctl_read(SYSCTL_FWD6);
	if (v == 0) {
		char dev[IF_NAMESIZE];

		ra_default_route(dev);
		if (dev[0]) {
			pr_warn("bridge \"%s\": IPv6 forwarding left off: the host's IPv6 default route on %s comes from router advertisements, which forwarding would make it ignore; set net.ipv6.conf.%s.accept_ra=2, then run `xbr -b %s set nat %s`",
				br->name, dev, dev, br->name,
				br->cfg.flags & XBR_CFG_F_NO_NAT ? "off" : "on");
			return 0;
		}
		br->cfg.flags |= XBR_CFG_F_FWD6_SET;
		err = pins_config_write(br);
		if (!err)
			err = sysctl_write(SYSCTL_FWD6, 1);
		if (err) {
			pr_warn("bridge \"%s\": cannot switch net.ipv6.conf.all.forwarding on: %s",
				br->name, strerror(-err));
			return err;
		}
		pr_info("bridge \"%s\": switched IPv6 forwarding on (down restores it)", br->name);
	}
	return 0;
}

/*
 * Another bridge that is up and needs forwarding (@bit: FWD_SET or FWD6_SET)
 * takes over the duty of restoring it: true when one did. Commands hold the
 * bpffs lock, so no other command writes that config meanwhile.
 */
static int fwd_handover(const struct xbr_bridge *br, uint16_t bit)
{
	char path[PATH_MAX];
	struct xbr_config c;
	struct dirent *de;
	__u32 zero = 0;
	int fd, done = 0;
	DIR *d = opendir(XBR_PIN_ROOT);

	if (!d)
		return 0;
	while (!done && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, br->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/xbr_config", XBR_PIN_ROOT, de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (bpf_map_lookup_elem(fd, &zero, &c) == 0 && (c.flags & XBR_CFG_F_UP_DONE) &&
		    !(c.flags & XBR_CFG_F_INTERNAL) && (bit == XBR_CFG_F_FWD_SET || c.plen6)) {
			c.flags |= bit;
			done = bpf_map_update_elem(fd, &zero, &c, BPF_ANY) == 0;
			if (done)
				pr_info("bridge \"%s\": forwarding stays on for bridge \"%s\"",
					br->name, de->d_name);
		}
		close(fd);
	}
	closedir(d);
	return done;
}

/* ---- the table ---- */

/*
 * The host's resolver for the names the bridge does not answer: the first
 * IPv4 nameserver of /etc/resolv.conf (a loopback one, such as
 * systemd-resolved's 127.0.0.53, works too: route_localnet is on for the
 * gateway interface). 0 with @buf set, or -ENOENT.
 */
static int host_resolver(char *buf, size_t len)
{
	char line[256], addr[64];
	struct in_addr a;
	FILE *f = fopen("/etc/resolv.conf", "r");
	int err = -ENOENT;

	if (!f)
		return -ENOENT;
	while (err && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " nameserver %63s", addr) == 1 && inet_pton(AF_INET, addr, &a) == 1) {
			snprintf(buf, len, "%s", addr);
			err = 0;
		}
	}
	fclose(f);
	return err;
}

static void emit_base(FILE *f, const struct xbr_bridge *br, const char *t)
{
	const struct xbr_config *c = &br->cfg;
	const char *b = br->name;
	char s4[INET_ADDRSTRLEN], s6[INET6_ADDRSTRLEN], gw4[INET_ADDRSTRLEN], up4[64];
	int internal = !!(c->flags & XBR_CFG_F_INTERNAL);
	int masq = !internal && !(c->flags & XBR_CFG_F_NO_NAT);

	inet_ntop(AF_INET, &c->subnet, s4, sizeof(s4));
	inet_ntop(AF_INET6, c->subnet6, s6, sizeof(s6));
	fprintf(f, "add table inet %s { comment \"xbr bridge %s: way out and published ports; removed by xbr down\"; }\n",
	     t, b);
	/* Publications: rules added and deleted one by one (publish.c). */
	fprintf(f, "add chain inet %s " XBR_PUB_CHAIN "\n", t);
	fprintf(f, "add chain inet %s " XBR_PUB_LO_CHAIN "\n", t);
	fprintf(f, "add chain inet %s prerouting { type nat hook prerouting priority dstnat; policy accept; }\n", t);
	fprintf(f, "add chain inet %s output { type nat hook output priority -100; policy accept; }\n", t);
	fprintf(f, "add chain inet %s postrouting { type nat hook postrouting priority srcnat; policy accept; }\n", t);
	fprintf(f, "add chain inet %s forward { type filter hook forward priority filter; policy accept; }\n", t);
	fprintf(f, "add chain inet %s guard { type filter hook prerouting priority mangle; policy accept; }\n", t);
	fprintf(f, "flush chain inet %s prerouting\n", t);
	fprintf(f, "flush chain inet %s output\n", t);
	fprintf(f, "flush chain inet %s postrouting\n", t);
	fprintf(f, "flush chain inet %s forward\n", t);
	fprintf(f, "flush chain inet %s guard\n", t);

	/* The host's loopback is reachable from the bridge only as a published
	 * port's own replies (route_localnet is on for its gateway interface):
	 * anything else from the bridge to or from 127/8 is forged. */
	fprintf(f, "add rule inet %s guard iifname \"%s\" ip saddr 127.0.0.0/8 drop\n", t, b);
	fprintf(f, "add rule inet %s guard iifname \"%s\" ip daddr 127.0.0.0/8 drop\n", t, b);
	if (internal) {
		/* Nothing leaves, nothing enters; the gateway (host stack) stays. */
		fprintf(f, "add rule inet %s forward iifname \"%s\" drop\n", t, b);
		fprintf(f, "add rule inet %s forward oifname \"%s\" drop\n", t, b);
		return;
	}
	/* Published ports: for the host's own addresses, never a loopback
	 * address coming from outside (the Docker bug of #41872/#45610). */
	fprintf(f, "add rule inet %s prerouting ip daddr 127.0.0.0/8 return\n", t);
	/* DNS queries the datapath did not answer (another name: bpf/lib/dns.h)
	 * reach the gateway address: on to the host's resolver, as if the
	 * station had asked it; masqueraded (below) when it is not local. */
	if (!(c->flags & XBR_CFG_F_NO_DNS) && host_resolver(up4, sizeof(up4)) == 0) {
		inet_ntop(AF_INET, &c->gateway, gw4, sizeof(gw4));
		fprintf(f, "add rule inet %s prerouting iifname \"%s\" ip daddr %s meta l4proto { tcp, udp } th dport 53 dnat ip to %s:53\n",
			t, b, gw4, up4);
		fprintf(f, "add rule inet %s postrouting oifname != \"%s\" ip saddr %s/%u ct status dnat meta l4proto { tcp, udp } th dport 53 masquerade\n",
			t, b, s4, c->plen);
	}
	fprintf(f, "add rule inet %s prerouting fib daddr type local jump " XBR_PUB_CHAIN "\n", t);
	/* From the host itself: its addresses and 127/8 (loopback-only
	 * publications too); ::1 cannot be translated by the kernel. */
	fprintf(f, "add rule inet %s output ip6 daddr ::1 return\n", t);
	fprintf(f, "add rule inet %s output fib daddr type local jump " XBR_PUB_CHAIN "\n", t);
	fprintf(f, "add rule inet %s output jump " XBR_PUB_LO_CHAIN "\n", t);
	if (masq) {
		fprintf(f, "add rule inet %s postrouting oifname != \"%s\" ip saddr %s/%u masquerade\n",
		     t, b, s4, c->plen);
		if (c->plen6 && !(c->flags & XBR_CFG_F_NO_NAT6))
			fprintf(f, "add rule inet %s postrouting oifname != \"%s\" ip6 saddr %s/%u masquerade\n",
			     t, b, s6, c->plen6);
	}
	/* Hairpin (a station to a published port through the host's address)
	 * and the host's loopback: the answer must come back through the host. */
	fprintf(f, "add rule inet %s postrouting oifname \"%s\" ct status dnat ip saddr { 127.0.0.0/8, %s/%u } masquerade\n",
	     t, b, s4, c->plen);
	if (c->plen6)
		fprintf(f, "add rule inet %s postrouting oifname \"%s\" ct status dnat ip6 saddr %s/%u masquerade\n",
		     t, b, s6, c->plen6);
	/* Into the bridge: answers and published ports only. */
	fprintf(f, "add rule inet %s forward oifname \"%s\" ct state established,related accept\n", t, b);
	fprintf(f, "add rule inet %s forward oifname \"%s\" ct status dnat accept\n", t, b);
	fprintf(f, "add rule inet %s forward oifname \"%s\" iifname != \"%s\" drop\n", t, b, b);
}

/*
 * The whole table as the pinned config and the record of publications say,
 * as one nft script: fixed chains, then every publication's rules. @prune:
 * publications of stations that are gone leave the record.
 */
static int nat_script(struct xbr_bridge *br, const char *t, int prune, char **script)
{
	size_t len = 0;
	FILE *f;
	int rc = 0;

	*script = NULL;
	f = open_memstream(script, &len);
	if (!f)
		return -ENOMEM;
	emit_base(f, br, t);
	fprintf(f, "flush chain inet %s " XBR_PUB_CHAIN "\n", t);
	fprintf(f, "flush chain inet %s " XBR_PUB_LO_CHAIN "\n", t);
	if (!(br->cfg.flags & XBR_CFG_F_INTERNAL))
		rc = pub_emit_all(f, br, t, prune);
	if (fclose(f) && rc >= 0)
		rc = -ENOMEM;
	if (rc < 0) {
		free(*script);
		*script = NULL;
		return rc;
	}
	return 0;
}

int nat_sync(struct xbr_bridge *br)
{
	char t[64], err[256], path[PATH_MAX];
	char *script = NULL;
	int rc;

	nft_table_name(br->name, t, sizeof(t));
	rc = nat_script(br, t, 1, &script);
	if (rc)
		return rc;
	rc = xbr_fault("nat-table");
	if (rc)
		snprintf(err, sizeof(err), "fault injected");
	else
		rc = nft_run(script, 0, NULL, err, sizeof(err));
	free(script);
	if (rc) {
		pr_warn("bridge \"%s\": cannot write nf_tables table inet %s: %s", br->name, t, err);
		return rc;
	}
	if (!(br->cfg.flags & XBR_CFG_F_INTERNAL)) {
		/* Host connections to 127.0.0.1:PORT translated to a station
		 * leave (and their answers come back) through the gateway
		 * interface; the guard chain drops anything else of 127/8. */
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", br->name);
		rc = sysctl_write(path, 1);
		if (rc)
			pr_warn("bridge \"%s\": cannot set %s: %s (loopback publications will not work)",
				br->name, path, strerror(-rc));
	}
	rc = fwd_enable(br);
	if (!rc) /* dockerd's DOCKER-USER accepts, for the Docker plugin's bridges */
		rc = nat_fw_sync(br) < 0 ? -EIO : 0;
	return rc;
}

/* ---- is the table as the record says? ---- */

/* The chains of the bridge's table; others (someone else's) are not counted. */
static const char *const nat_chains[] = {
	XBR_PUB_CHAIN, XBR_PUB_LO_CHAIN, "prerouting", "output", "postrouting", "forward", "guard",
};
#define NAT_NCHAINS (sizeof(nat_chains) / sizeof(nat_chains[0]))

/* What a table holds: its chains, the rules of each, the publications' comments. */
struct census {
	int chain[NAT_NCHAINS]; /* present */
	unsigned int rules[NAT_NCHAINS];
	char **pub; /* comments of the rules in the publication chains, sorted */
	size_t npub, cap;
};

static int chain_index(const char *name)
{
	size_t i;

	for (i = 0; i < NAT_NCHAINS; i++)
		if (!strcmp(nat_chains[i], name))
			return (int)i;
	return -1;
}

/* Count one rule of chain @c (index, or -1) with the text @rule. */
static int census_rule(struct census *cs, int c, const char *rule, const char *end)
{
	const char *q;
	char **v;

	if (c < 0)
		return 0;
	cs->rules[c]++;
	if (strcmp(nat_chains[c], XBR_PUB_CHAIN) && strcmp(nat_chains[c], XBR_PUB_LO_CHAIN))
		return 0;
	q = strstr(rule, "comment \"");
	if (!q || q >= end)
		return 0;
	q += strlen("comment \"");
	if (cs->npub == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 16;
		v = realloc(cs->pub, cs->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		cs->pub = v;
	}
	cs->pub[cs->npub] = strndup(q, strcspn(q, "\"\n"));
	if (!cs->pub[cs->npub])
		return -ENOMEM;
	cs->npub++;
	return 0;
}

static void census_free(struct census *cs)
{
	size_t i;

	for (i = 0; i < cs->npub; i++)
		free(cs->pub[i]);
	free(cs->pub);
	memset(cs, 0, sizeof(*cs));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* From the script that would build the table (nat_script()). */
static int census_script(const char *script, struct census *cs)
{
	char chain[32];
	const char *p, *nl;
	int c, rc = 0;

	for (p = script; p && *p && !rc; p = nl) {
		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		if (sscanf(p, "add chain inet %*s %31s", chain) == 1) {
			if ((c = chain_index(chain)) >= 0)
				cs->chain[c] = 1;
		} else if (sscanf(p, "add rule inet %*s %31s", chain) == 1) {
			rc = census_rule(cs, chain_index(chain), p, nl);
		}
	}
	if (cs->npub)
		qsort(cs->pub, cs->npub, sizeof(*cs->pub), cmp_str);
	return rc;
}

/* From `list table` output with handles: a rule is a line of a chain's body
 * that carries a handle (a base chain's type line carries none). */
static int census_list(const char *out, struct census *cs)
{
	char chain[32];
	const char *p, *nl, *h;
	int c = -1, rc = 0;

	for (p = out; p && *p && !rc; p = nl) {
		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		if (sscanf(p, "\tchain %31s", chain) == 1 && p[1] == 'c') {
			c = chain_index(chain);
			if (c >= 0)
				cs->chain[c] = 1;
			continue;
		}
		h = strstr(p, " # handle ");
		if (!strncmp(p, "\t\t", 2) && h && h < nl)
			rc = census_rule(cs, c, p, h);
	}
	if (cs->npub)
		qsort(cs->pub, cs->npub, sizeof(*cs->pub), cmp_str);
	return rc;
}

/* Is table inet @t there? 1, 0, or a negative errno after one line. */
static int table_present(const char *t)
{
	char err[256], want[80];
	char *out = NULL;
	const char *p;
	size_t len;
	int rc, found = 0;

	rc = nft_run("list tables inet", 0, &out, err, sizeof(err));
	if (rc) {
		pr_warn("cannot list nf_tables tables: %s", err);
		return rc;
	}
	len = (size_t)snprintf(want, sizeof(want), "table inet %s", t);
	for (p = out; p && (p = strstr(p, want)) && !found; p += len)
		found = (p == out || p[-1] == '\n') && (p[len] == '\n' || p[len] == '\0');
	free(out);
	return found;
}

int nat_health(struct xbr_bridge *br, struct nat_health *h)
{
	struct census want = { 0 }, got = { 0 };
	char t[64], err[256], cmd[96];
	char *script = NULL, *out = NULL;
	size_t i;
	int rc;

	memset(h, 0, sizeof(*h));
	nft_table_name(br->name, t, sizeof(t));
	rc = nat_script(br, t, 0, &script);
	if (!rc)
		rc = census_script(script, &want);
	free(script);
	if (!rc)
		rc = table_present(t);
	if (rc > 0) {
		h->table = 1;
		snprintf(cmd, sizeof(cmd), "list table inet %s", t);
		rc = nft_run(cmd, NFT_CTX_OUTPUT_HANDLE, &out, err, sizeof(err));
		if (rc)
			pr_warn("bridge \"%s\": cannot read nf_tables table inet %s: %s", br->name, t,
				err);
		else
			rc = census_list(out, &got);
		free(out);
	}
	if (rc >= 0) {
		rc = 0;
		h->intact = h->table && want.npub == got.npub && nat_fw_present(br) == 1;
		for (i = 0; h->intact && i < NAT_NCHAINS; i++)
			h->intact = want.chain[i] == got.chain[i] && want.rules[i] == got.rules[i];
		for (i = 0; h->intact && i < want.npub; i++)
			h->intact = !strcmp(want.pub[i], got.pub[i]);
	}
	census_free(&want);
	census_free(&got);
	return rc;
}

int nat_restore(struct xbr_bridge *br)
{
	struct nat_health h;
	int rc = nat_health(br, &h);

	if (rc)
		return rc;
	if (h.intact)
		return 0;
	rc = nat_sync(br);
	return rc ? rc : 1;
}

int nat_up(struct xbr_bridge *br, int mode)
{
	int err;

	br->cfg.flags &= (__u16)~(XBR_CFG_F_NO_NAT | XBR_CFG_F_INTERNAL);
	if (mode == XBR_NAT_OFF)
		br->cfg.flags |= XBR_CFG_F_NO_NAT;
	else if (mode == XBR_NAT_INTERNAL)
		br->cfg.flags |= XBR_CFG_F_INTERNAL;
	err = pins_config_write(br);
	if (!err)
		err = nat_sync(br);
	if (!err && !(br->cfg.flags & XBR_CFG_F_INTERNAL))
		nat_check_forward(br);
	return err;
}

int nat_down(struct xbr_bridge *br)
{
	char t[64], script[192], err[256], path[PATH_MAX];
	struct xbr_config c = {};
	__u32 zero = 0;
	int fd, rc;

	nft_table_name(br->name, t, sizeof(t));
	/* `add` first makes the batch succeed whether the table exists or not. */
	snprintf(script, sizeof(script), "add table inet %s\ndelete table inet %s\n", t, t);
	rc = nft_run(script, 0, NULL, err, sizeof(err));
	if (rc)
		pr_warn("bridge \"%s\": cannot delete nf_tables table inet %s: %s", br->name, t, err);

	/* The flags as pinned (br->cfg may not have been read). */
	snprintf(path, sizeof(path), "%s/xbr_config", br->dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_map_lookup_elem(fd, &zero, &c) == 0 && (c.flags & XBR_CFG_F_FW_ACCEPT))
		nat_fw_del(br->name);
	if (bpf_map_lookup_elem(fd, &zero, &c) == 0 &&
	    (c.flags & (XBR_CFG_F_FWD_SET | XBR_CFG_F_FWD6_SET))) {
		if ((c.flags & XBR_CFG_F_FWD_SET) && !fwd_handover(br, XBR_CFG_F_FWD_SET)) {
			sysctl_write(SYSCTL_FWD4, 0);
			pr_info("bridge \"%s\": net.ipv4.ip_forward restored to 0", br->name);
		}
		if ((c.flags & XBR_CFG_F_FWD6_SET) && !fwd_handover(br, XBR_CFG_F_FWD6_SET)) {
			sysctl_write(SYSCTL_FWD6, 0);
			pr_info("bridge \"%s\": IPv6 forwarding restored to 0", br->name);
		}
		/* Done once: an interrupted down must not do it again later. */
		c.flags &= (__u16)~(XBR_CFG_F_FWD_SET | XBR_CFG_F_FWD6_SET);
		bpf_map_update_elem(fd, &zero, &c, BPF_ANY);
		br->cfg.flags &= (__u16)~(XBR_CFG_F_FWD_SET | XBR_CFG_F_FWD6_SET);
	}
	close(fd);
	return 0;
}

const char *nat6_mode_name(uint16_t cfg_flags)
{
	if (cfg_flags & XBR_CFG_F_INTERNAL)
		return "internal";
	return (cfg_flags & (XBR_CFG_F_NO_NAT | XBR_CFG_F_NO_NAT6)) ? "off" : "masquerade";
}

/* Set or clear @flag (XBR_CFG_F_NO_NAT, _NO_NAT6) and make the table follow.
 * The config first: if this is killed before the table follows, the next NAT
 * command (nat_sync) makes the table agree with it. On failure both go back. */
static int nat_flag_set(struct xbr_bridge *br, uint16_t flag, int set)
{
	uint16_t old = br->cfg.flags;
	int err;

	if (set)
		br->cfg.flags |= flag;
	else
		br->cfg.flags &= (__u16)~flag;
	err = pins_config_write(br);
	if (!err)
		err = nat_sync(br);
	if (err) {
		br->cfg.flags = old;
		pins_config_write(br);
	}
	return err;
}

int nat6_set(struct xbr_bridge *br, int on)
{
	if (!br->cfg.plen6) {
		pr_warn("bridge \"%s\" has no IPv6 (up --subnet6 none)", br->name);
		return -EINVAL;
	}
	return nat_flag_set(br, XBR_CFG_F_NO_NAT6, !on);
}

int nat_set(struct xbr_bridge *br, int on)
{
	int err;

	if (br->cfg.flags & XBR_CFG_F_INTERNAL) {
		pr_warn("bridge \"%s\" is internal (up --internal): it has no way out to translate",
			br->name);
		return -EINVAL;
	}
	err = nat_flag_set(br, XBR_CFG_F_NO_NAT, !on);
	if (!err)
		nat_check_forward(br);
	return err;
}

/* ---- a host whose forward policy drops ---- */

/*
 * Does the legacy (x_tables) filter table's FORWARD policy drop? Read with
 * IPT_SO_GET_INFO/GET_ENTRIES (the IP6T_* calls have the same numbers and
 * the same getinfo layout; only the entries differ): the policy is the
 * standard target of the entry at the FORWARD hook's underflow.
 */
_Static_assert(sizeof(struct ipt_getinfo) == sizeof(struct ip6t_getinfo), "getinfo layouts");
_Static_assert(offsetof(struct ipt_get_entries, size) == offsetof(struct ip6t_get_entries, size),
	       "get_entries layouts");

static int legacy_forward_drops(int v6)
{
	size_t hdr = v6 ? offsetof(struct ip6t_get_entries, entrytable) :
			  offsetof(struct ipt_get_entries, entrytable);
	size_t toff = v6 ? offsetof(struct ip6t_entry, target_offset) :
			   offsetof(struct ipt_entry, target_offset);
	size_t esz = v6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry);
	int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	struct ipt_getinfo info = { .name = "filter" };
	struct xt_standard_target tg;
	socklen_t len = sizeof(info);
	char line[64], *buf = NULL;
	int s, found = 0, drops = 0;
	__u16 target_offset;
	size_t at;
	FILE *f = fopen(v6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		found |= !strcmp(line, "filter\n");
	fclose(f);
	if (!found)
		return 0;
	s = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (s < 0)
		return 0;
	if (getsockopt(s, level, IPT_SO_GET_INFO, &info, &len) < 0 ||
	    !(info.valid_hooks & (1u << NF_INET_FORWARD)))
		goto out;
	at = info.underflow[NF_INET_FORWARD];
	if (at + esz > info.size)
		goto out;
	len = (socklen_t)(hdr + info.size);
	buf = calloc(1, len);
	if (!buf)
		goto out;
	memcpy(buf, "filter", sizeof("filter"));
	memcpy(buf + offsetof(struct ipt_get_entries, size), &info.size, sizeof(info.size));
	if (getsockopt(s, level, IPT_SO_GET_ENTRIES, buf, &len) < 0)
		goto out;
	memcpy(&target_offset, buf + hdr + at + toff, sizeof(target_offset));
	if (at + target_offset + sizeof(tg) > info.size)
		goto out;
	memcpy(&tg, buf + hdr + at + target_offset, sizeof(tg));
	drops = tg.verdict == -NF_DROP - 1;
out:
	free(buf);
	close(s);
	return drops;
}

int nat_check_forward(const struct xbr_bridge *br)
{
	char err[256], fam[16] = "", table[128] = "", chain[128] = "", line[512];
	char *out = NULL, *p, *nl;
	int docker_user = 0, n = 0, v6;
	const char *b = br->name;

	if (nft_run("list chains", NFT_CTX_OUTPUT_NUMERIC_PRIO, &out, err, sizeof(err)) == 0) {
		/* Does Docker's DOCKER-USER chain exist (its place for user rules)? */
		docker_user = strstr(out, "table ip filter {") && strstr(out, "chain DOCKER-USER {");
		for (p = out; p && *p; p = nl) {
			nl = strchr(p, '\n');
			snprintf(line, sizeof(line), "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
			if (nl)
				nl++;
			if (sscanf(line, "table %15s %127s", fam, table) == 2) {
				chain[0] = '\0';
				continue;
			}
			if (sscanf(line, " chain %127s", chain) == 1)
				continue;
			if (!strstr(line, "hook forward") || !strstr(line, "policy drop") ||
			    !strncmp(table, "xbr-", 4) ||
			    (strcmp(fam, "ip") && strcmp(fam, "ip6") && strcmp(fam, "inet")))
				continue;
			n++;
			if (strcmp(fam, "inet") && !strcmp(table, "filter") &&
			    !strcmp(chain, "FORWARD")) {
				/* iptables(-nft)'s table: its own tool, DOCKER-USER if any. */
				const char *ipt = strcmp(fam, "ip") ? "ip6tables" : "iptables";
				const char *c = docker_user && !strcmp(fam, "ip") ? "DOCKER-USER" :
										     "FORWARD";

				pr_warn("bridge \"%s\": the host's forward policy drops (%s filter FORWARD, policy drop): stations get no way out and published ports stay unreachable; let the bridge through with: %s -I %s -i %s -j ACCEPT; %s -I %s -o %s -j ACCEPT",
					b, fam, ipt, c, b, ipt, c, b);
			} else {
				pr_warn("bridge \"%s\": the host's forward policy drops (table %s %s, chain %s): stations get no way out and published ports stay unreachable; let the bridge through with: nft insert rule %s %s %s iifname \"%s\" accept; nft insert rule %s %s %s oifname \"%s\" accept",
					b, fam, table, chain, fam, table, chain, b, fam, table,
					chain, b);
			}
		}
		free(out);
	}
	for (v6 = 0; v6 <= (br->cfg.plen6 ? 1 : 0); v6++) {
		const char *ipt = v6 ? "ip6tables-legacy" : "iptables-legacy";

		if (!legacy_forward_drops(v6))
			continue;
		n++;
		pr_warn("bridge \"%s\": the host's forward policy drops (legacy %s filter FORWARD, policy DROP): stations get no way out and published ports stay unreachable; let the bridge through with: %s -I FORWARD -i %s -j ACCEPT; %s -I FORWARD -o %s -j ACCEPT",
			b, v6 ? "ip6tables" : "iptables", ipt, b, ipt, b);
	}
	return n;
}
