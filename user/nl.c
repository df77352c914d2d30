// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * rtnetlink requests over libmnl (see nl.h): one request at a time per socket,
 * each waiting for its ACK, with the kernel's extended-ACK text kept when the
 * kernel refuses one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include "log.h"
#include "netns.h"
#include "nl.h"

/* Requests are a few hundred bytes: a fixed, zeroed buffer each. */
#define NL_REQ_SIZE 1024

int nl_open(struct xbr_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	/* Extended ACKs: the kernel's reason comes back with the error. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	return 0;
}

static int nl_open_cb(void *nl)
{
	return nl_open(nl);
}

int nl_open_netns(struct xbr_nl *nl, int nsfd)
{
	if (nsfd < 0)
		return -EBADF;
	/* The socket stays bound to the namespace it was created in. */
	return netns_call(nsfd, nl_open_cb, nl);
}

void nl_close(struct xbr_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

const char *nl_errmsg(const struct xbr_nl *nl)
{
	return nl->errmsg;
}

const char *nl_strerror(const struct xbr_nl *nl, int err)
{
	static char buf[64 + XBR_NL_ERRMSG_LEN];
	const char *what = strerror(err < 0 ? -err : err);

	if (!nl || !nl->errmsg[0])
		return what;
	snprintf(buf, sizeof(buf), "%s (kernel: %s)", what, nl->errmsg);
	return buf;
}

/* Read and discard the rest of an interrupted dump, up to its NLMSG_DONE. */
static void nl_drain(struct xbr_nl *nl, unsigned int seq, const char *buf, ssize_t n)
{
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlmsghdr *h;
	int len;

	for (;;) {
		len = (int)n;
		for (h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len))
			if (h->nlmsg_seq == seq &&
			    (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR))
				return;
		n = mnl_socket_recvfrom(nl->sock, rbuf, sizeof(rbuf));
		if (n <= 0)
			return;
		buf = rbuf;
	}
}

/* One request in flight: its socket, its header and the caller's callback. */
struct talk_ctx {
	struct xbr_nl *nl;
	const struct nlmsghdr *req;
	mnl_cb_t cb;
	void *data;
};

static int talk_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int ext_ack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK; /* newer than this build: skip */
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

/*
 * Keep the extended-ACK TLVs of a refusal: they follow the error's fixed part
 * at @hlen bytes into @nlh's payload when the kernel set NLM_F_ACK_TLVS.
 */
static void ext_ack_parse(struct talk_ctx *t, const struct nlmsghdr *nlh, size_t hlen)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || hlen > mnl_nlmsg_get_payload_len(nlh))
		return;
	if (mnl_attr_parse(nlh, (unsigned int)hlen, ext_ack_attr_cb, tb) != MNL_CB_OK)
		return;
	if (tb[NLMSGERR_ATTR_MSG] && mnl_attr_validate(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING) == 0)
		snprintf(t->nl->errmsg, sizeof(t->nl->errmsg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	/* The attribute of our request the kernel points at: for debugging. */
	if (tb[NLMSGERR_ATTR_OFFS] && mnl_attr_validate(tb[NLMSGERR_ATTR_OFFS], MNL_TYPE_U32) == 0) {
		uint32_t off = mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]);

		if (off + sizeof(struct nlattr) <= t->req->nlmsg_len)
			pr_debug("netlink: request %u refused at attribute type %u (offset %u)",
				 t->req->nlmsg_type,
				 mnl_attr_get_type((const void *)((const char *)t->req + off)), off);
	}
}

/* NLMSG_ERROR: an ACK (error 0) ends the request, a refusal fails it. */
static int talk_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t hlen = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;
	/* Unless capped, the kernel echoes our request before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += mnl_nlmsg_get_payload_len(&err->msg);
	ext_ack_parse(data, nlh, hlen);
	errno = err->error < 0 ? -err->error : err->error;
	return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump; it carries the dump's own error (libmnl ignores it). */
static int talk_done_cb(const struct nlmsghdr *nlh, void *data)
{
	int32_t code;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(code))
		return MNL_CB_STOP;
	memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
	if (code >= 0)
		return MNL_CB_STOP;
	ext_ack_parse(data, nlh, sizeof(code));
	errno = -code;
	return MNL_CB_ERROR;
}

/* Control messages; the ones left NULL (NOOP, OVERRUN) are skipped, as libmnl
 * does. Not const: mnl_cb_run2() takes a plain pointer. */
static mnl_cb_t talk_ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = talk_error_cb,
	[NLMSG_DONE] = talk_done_cb,
};

/* Send one request and wait for its ACK (or data, handed to @cb).
 * -EINTR: a dump the kernel marked inconsistent (NLM_F_DUMP_INTR), whose
 * remaining messages were read and dropped so the socket stays usable.
 * A refusal leaves the kernel's message in nl->errmsg. */
static int nl_talk(struct xbr_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE]; /* receive buffer */
	struct talk_ctx t = { .nl = nl, .req = nlh, .cb = cb, .data = data };
	unsigned int seq = nlh->nlmsg_seq = ++nl->seq;
	int dump = !!(nlh->nlmsg_flags & NLM_F_DUMP);
	ssize_t n;
	int ret;

	nl->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		errno = 0;
		ret = mnl_cb_run2(buf, (size_t)n, seq, nl->portid, talk_data_cb, &t, talk_ctl_cb,
				  NLMSG_MIN_TYPE);
		if (ret < 0) {
			int err = errno ? -errno : -EIO;

			if (dump)
				nl_drain(nl, seq, buf, n);
			return err;
		}
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static void link_parse(const struct nlmsghdr *nlh, struct xbr_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {};
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	memset(l, 0, sizeof(*l));
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, tb);
	l->ifindex = ifm->ifi_index;
	l->flags = ifm->ifi_flags;
	if (tb[IFLA_IFNAME])
		strncpy(l->ifname, mnl_attr_get_str(tb[IFLA_IFNAME]), sizeof(l->ifname) - 1);
	if (tb[IFLA_IFALIAS])
		strncpy(l->alias, mnl_attr_get_str(tb[IFLA_IFALIAS]), sizeof(l->alias) - 1);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6)
		memcpy(l->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
	if (tb[IFLA_MTU])
		l->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_LINK])
		l->link = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
}

static int link_get_cb(const struct nlmsghdr *nlh, void *data)
{
	link_parse(nlh, data);
	return MNL_CB_OK;
}

int nl_link_get(struct xbr_nl *nl, const char *name, struct xbr_link *out)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, 0);
	int err;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	/* Only the link, not its statistics. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nl_talk(nl, nlh, link_get_cb, out);
	return err;
}

struct dump_ctx {
	int (*cb)(const struct xbr_link *l, void *data);
	void *data;
	int stop;
};

static int link_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct xbr_link l;

	if (ctx->stop)
		return MNL_CB_OK;
	link_parse(nlh, &l);
	if (ctx->cb(&l, ctx->data))
		ctx->stop = 1;
	return MNL_CB_OK;
}

int nl_link_dump(struct xbr_nl *nl, int (*cb)(const struct xbr_link *l, void *data), void *data)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, NLM_F_DUMP, 0);
	struct dump_ctx ctx = { .cb = cb, .data = data };
	int err, tries;

	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	/* A dump interrupted by concurrent changes is simply asked again; the
	 * callbacks must tolerate seeing links twice. */
	for (tries = 0; tries < 5; tries++) {
		ctx.stop = 0;
		err = nl_talk(nl, nlh, link_dump_cb, &ctx);
		if (err != -EINTR)
			break;
	}
	return err;
}

int nl_veth_add(struct xbr_nl *nl, const char *name, const uint8_t *mac, const char *peer,
		int peer_nsfd, const uint8_t *peer_mac)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct ifinfomsg *pifm;
	struct nlattr *linkinfo, *data, *peerinfo;

	/* Created down: veth refuses to open before its peer exists (ENOTCONN). */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own struct ifinfomsg. */
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	memset(pifm, 0, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	if (peer_nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	mnl_attr_nest_end(nlh, peerinfo);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_set_alias(struct xbr_nl *nl, int ifindex, const char *alias)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);

	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_set_up(struct xbr_nl *nl, int ifindex)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_del(struct xbr_nl *nl, int ifindex)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 0, ifindex);

	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_del_name(struct xbr_nl *nl, const char *name)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* RTM_NEWADDR for @family (AF_INET, AF_INET6), address of @alen bytes. */
static int addr_add(struct xbr_nl *nl, int ifindex, int family, const void *addr, size_t alen,
		    uint8_t plen)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
	if (family == AF_INET && plen < 31) {
		uint32_t a4, bcast;

		memcpy(&a4, addr, 4);
		bcast = a4 | ~(plen ? htonl(~0u << (32 - plen)) : 0);
		mnl_attr_put_u32(nlh, IFA_BROADCAST, bcast);
	}
	/* IPv6: the address is ours by construction, usable at once (no DAD). */
	if (family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_route_add(struct xbr_nl *nl, int ifindex, int family, const void *dst, uint8_t dst_len,
		 const void *gw)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t alen = family == AF_INET6 ? 16 : 4;
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	/* Without a gateway the destination is on the link. */
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (dst_len)
		mnl_attr_put(nlh, RTA_DST, alen, dst);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* Default route of @family via @gw out of @ifindex. */
static int route_add_default(struct xbr_nl *nl, int ifindex, int family, const void *gw)
{
	return nl_route_add(nl, ifindex, family, NULL, 0, gw);
}

int nl_addr_add(struct xbr_nl *nl, int ifindex, uint32_t addr, uint8_t plen)
{
	return addr_add(nl, ifindex, AF_INET, &addr, 4, plen);
}

int nl_route_add_default(struct xbr_nl *nl, int ifindex, uint32_t gw)
{
	return route_add_default(nl, ifindex, AF_INET, &gw);
}

int nl_addr6_add(struct xbr_nl *nl, int ifindex, const uint8_t addr[16], uint8_t plen)
{
	return addr_add(nl, ifindex, AF_INET6, addr, 16, plen);
}

int nl_route6_add_default(struct xbr_nl *nl, int ifindex, const uint8_t gw[16])
{
	return route_add_default(nl, ifindex, AF_INET6, gw);
}

int nl_link_set_mtu(struct xbr_nl *nl, int ifindex, uint32_t mtu)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* ---- address and route dumps ---- */

struct vec_ctx {
	void *v;
	size_t n, cap, size;
	int err;
	int family, ifindex; /* filters: 0 = any */
};

/* Room for one more element of @c, zeroed; NULL (and c->err) when out of memory. */
static void *vec_push(struct vec_ctx *c)
{
	void *e;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		void *nv = realloc(c->v, cap * c->size);

		if (!nv) {
			c->err = -ENOMEM;
			return NULL;
		}
		c->v = nv;
		c->cap = cap;
	}
	e = (char *)c->v + c->n++ * c->size;
	memset(e, 0, c->size);
	return e;
}

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFA_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int addr_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = {};
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct vec_ctx *c = data;
	const struct nlattr *a;
	struct xbr_addr *e;
	size_t alen = ifa->ifa_family == AF_INET6 ? 16 : 4;

	if (nlh->nlmsg_type != RTM_NEWADDR || (c->ifindex && (int)ifa->ifa_index != c->ifindex))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != alen)
		return MNL_CB_OK;
	e = vec_push(c);
	if (!e)
		return MNL_CB_ERROR;
	e->family = ifa->ifa_family;
	e->ifindex = (int)ifa->ifa_index;
	e->plen = ifa->ifa_prefixlen;
	e->flags = tb[IFA_FLAGS] ? mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	memcpy(e->addr, mnl_attr_get_payload(a), alen);
	return MNL_CB_OK;
}

int nl_addr_dump(struct xbr_nl *nl, int family, int ifindex, struct xbr_addr **out, size_t *n)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct vec_ctx c = { .size = sizeof(struct xbr_addr), .ifindex = ifindex };
	struct ifaddrmsg *ifa;
	int err, tries;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)family;
	for (tries = 0; tries < 5; tries++) {
		c.n = 0;
		err = nl_talk(nl, nlh, addr_dump_cb, &c);
		if (err != -EINTR)
			break;
	}
	if (!err)
		err = c.err;
	if (err) {
		free(c.v);
		return err;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, RTA_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int route_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = {};
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct vec_ctx *c = data;
	struct xbr_route *e;
	size_t alen = rtm->rtm_family == AF_INET6 ? 16 : 4;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_table != RT_TABLE_MAIN ||
	    rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	e = vec_push(c);
	if (!e)
		return MNL_CB_ERROR;
	e->family = rtm->rtm_family;
	e->dst_len = rtm->rtm_dst_len;
	if (tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) == alen)
		memcpy(e->dst, mnl_attr_get_payload(tb[RTA_DST]), alen);
	if (tb[RTA_GATEWAY] && mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == alen) {
		memcpy(e->gw, mnl_attr_get_payload(tb[RTA_GATEWAY]), alen);
		e->has_gw = 1;
	}
	if (tb[RTA_OIF])
		e->oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	return MNL_CB_OK;
}

int nl_route_dump(struct xbr_nl *nl, int family, struct xbr_route **out, size_t *n)
{
	char buf[NL_REQ_SIZE] = { 0 }; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct vec_ctx c = { .size = sizeof(struct xbr_route) };
	struct rtmsg *rtm;
	int err, tries;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	for (tries = 0; tries < 5; tries++) {
		c.n = 0;
		err = nl_talk(nl, nlh, route_dump_cb, &c);
		if (err != -EINTR)
			break;
	}
	if (!err)
		err = c.err;
	if (err) {
		free(c.v);
		return err;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
