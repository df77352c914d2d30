/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * rtnetlink operations xbr needs, over libmnl: links (veth pairs, up, alias,
 * MTU, delete, lookup, dump), addresses and routes (add, dump). Each socket is
 * bound to the network namespace it was opened in; nl_open_netns() opens one
 * inside a named namespace without moving the process. A refused request
 * keeps the kernel's extended-ACK text on its socket (nl_errmsg()).
 */
#ifndef XBR_NL_H
#define XBR_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

/* Kernel extended-ACK texts are short literals (or <= 80 formatted bytes). */
#define XBR_NL_ERRMSG_LEN 256

struct xbr_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char errmsg[XBR_NL_ERRMSG_LEN]; /* see nl_errmsg() */
};

struct xbr_link {
	int ifindex;
	char ifname[16];
	char alias[64];
	uint8_t mac[6];
	unsigned int flags; /* IFF_* */
	uint32_t mtu;
	int link; /* IFLA_LINK: a veth's peer ifindex (in the peer's namespace), else 0 */
};

struct xbr_addr {
	int family; /* AF_INET, AF_INET6 */
	int ifindex;
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t plen;
	uint32_t flags; /* IFA_F_* (IFA_F_TENTATIVE: IPv6 DAD not done yet) */
};

struct xbr_route {
	int family;
	int oif;
	uint8_t dst[16]; /* zero for a default route */
	uint8_t dst_len;
	uint8_t has_gw;
	uint8_t gw[16];
};

int nl_open(struct xbr_nl *nl);
/* Open a socket inside the netns referred to by @nsfd. */
int nl_open_netns(struct xbr_nl *nl, int nsfd);
/* Close the socket; nl_errmsg() stays readable until @nl goes away. */
void nl_close(struct xbr_nl *nl);

/*
 * The kernel's extended-ACK message (NLMSGERR_ATTR_MSG) for the last request
 * on @nl that failed, "" when the kernel gave none. Cleared when each request
 * starts, so it always belongs to the latest one.
 */
const char *nl_errmsg(const struct xbr_nl *nl);
/*
 * strerror(-@err), followed by " (kernel: MSG)" when the kernel gave a message
 * for the last request on @nl (which may be NULL). For one-line errors:
 *   pr_warn("interface %s: cannot create: %s", name, nl_strerror(nl, err));
 * The text is in a static buffer, valid until the next call.
 */
const char *nl_strerror(const struct xbr_nl *nl, int err);

/* Look a link up by name: 0 and *out filled, -ENODEV if absent. */
int nl_link_get(struct xbr_nl *nl, const char *name, struct xbr_link *out);
/* Call @cb for every link; stops early when @cb returns non-zero. */
int nl_link_dump(struct xbr_nl *nl, int (*cb)(const struct xbr_link *l, void *data), void *data);

/*
 * Create a veth pair: @name here, @peer inside the netns @peer_nsfd (-1: here).
 * @mac / @peer_mac may be NULL (kernel picks). Both ends are created down.
 */
int nl_veth_add(struct xbr_nl *nl, const char *name, const uint8_t *mac, const char *peer,
		int peer_nsfd, const uint8_t *peer_mac);
int nl_link_set_alias(struct xbr_nl *nl, int ifindex, const char *alias);
int nl_link_set_up(struct xbr_nl *nl, int ifindex);
int nl_link_del(struct xbr_nl *nl, int ifindex);
/* Delete by name; -ENODEV when there is no such link. */
int nl_link_del_name(struct xbr_nl *nl, const char *name);

/* IPv4 address @addr/@plen (network order) on @ifindex. */
int nl_addr_add(struct xbr_nl *nl, int ifindex, uint32_t addr, uint8_t plen);
/* IPv6 address @addr/@plen on @ifindex, without duplicate address detection. */
int nl_addr6_add(struct xbr_nl *nl, int ifindex, const uint8_t addr[16], uint8_t plen);
/* IPv6 default route via @gw out of @ifindex. */
int nl_route6_add_default(struct xbr_nl *nl, int ifindex, const uint8_t gw[16]);
/* Default route via @gw (network order) out of @ifindex. */
int nl_route_add_default(struct xbr_nl *nl, int ifindex, uint32_t gw);
/*
 * Route of @family (AF_INET, AF_INET6) to @dst/@dst_len (dst NULL and 0: the
 * default route) out of @ifindex, via @gw (NULL: on-link), main table.
 */
int nl_route_add(struct xbr_nl *nl, int ifindex, int family, const void *dst, uint8_t dst_len,
		 const void *gw);
int nl_link_set_mtu(struct xbr_nl *nl, int ifindex, uint32_t mtu);

/* Addresses of @family (AF_UNSPEC: all) on @ifindex (0: all links); caller frees *out. */
int nl_addr_dump(struct xbr_nl *nl, int family, int ifindex, struct xbr_addr **out, size_t *n);
/* Unicast routes of @family in the main table; caller frees *out. */
int nl_route_dump(struct xbr_nl *nl, int family, struct xbr_route **out, size_t *n);

#endif
