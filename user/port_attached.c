// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The attached kind: a network namespace someone else made (a container
 * runtime, `unshare`, `ip netns`), given by path: a bind-mounted namespace
 * file or /proc/PID/ns/net. xbr makes only the veth pair: the inside end
 * (eth0 unless named) with the port's address and default routes via the
 * gateway, unless the caller configures it (no_config, the CNI plugin).
 * Removing the port removes the veth pair only: the namespace, and every
 * other interface in it, stay as their owner expects.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include "log.h"
#include "port.h"

static const char *inside_name(const struct xbr_ns_spec *s)
{
	return s->ifname_in[0] ? s->ifname_in : "eth0";
}

/* Open @path as a network namespace other than our own: fd or -errno (said). */
static int attached_open(const struct xbr_ns_spec *s)
{
	struct stat a, b;
	int fd, type;

	if (!s->nspath[0]) {
		pr_warn("port \"%s\": no namespace path given", s->name);
		return -EINVAL;
	}
	fd = open(s->nspath, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		pr_warn("port \"%s\": cannot open namespace %s: %s", s->name, s->nspath,
			strerror(errno));
		return err;
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		pr_warn("port \"%s\": %s is not a network namespace", s->name, s->nspath);
		close(fd);
		return -EINVAL;
	}
	if (fstat(fd, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev) {
		pr_warn("port \"%s\": %s is the host's own network namespace", s->name, s->nspath);
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static int attached_precheck(struct xbr_bridge *br, const struct xbr_ns_spec *s, const char *ifname)
{
	struct xbr_nl nsnl;
	struct xbr_link l;
	int fd, err;

	(void)br;
	(void)ifname;
	fd = attached_open(s);
	if (fd < 0)
		return fd;
	err = nl_open_netns(&nsnl, fd);
	close(fd);
	if (err) {
		pr_warn("port \"%s\": cannot open rtnetlink in %s: %s", s->name, s->nspath,
			strerror(-err));
		return err;
	}
	/* The kernel refuses a taken name with a bare EEXIST: say which. */
	if (nl_link_get(&nsnl, inside_name(s), &l) == 0) {
		pr_warn("port \"%s\": interface %s already exists in namespace %s", s->name,
			inside_name(s), s->nspath);
		err = -EEXIST;
	}
	nl_close(&nsnl);
	return err;
}

static int attached_create(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
			   struct xbr_port_meta *m, struct journal *j, int *nsfd_out)
{
	const char *in = inside_name(s);
	int nsfd, err;

	nsfd = attached_open(s);
	if (nsfd < 0)
		return nsfd;
	*nsfd_out = nsfd;
	xbr_station_mac(s->addr, p->mac);
	/* lo is the namespace owner's business: left as it is. */
	err = port_veth_make(br, s, p, nsfd, in, 0, j);
	if (err)
		return err;
	snprintf(m->nspath, sizeof(m->nspath), "%s", s->nspath);
	snprintf(m->ifname_in, sizeof(m->ifname_in), "%s", in);
	snprintf(m->owner, sizeof(m->owner), "%s", s->owner);
	return 0;
}

/* The host-side end only: the kernel removes its peer inside with it (the
 * docker kind's teardown too). */
void port_host_end_teardown(struct xbr_bridge *br, const char *name, const char *ifname)
{
	int err = nl_link_del_name(&br->nl, ifname);

	(void)name;
	if (err && err != -ENODEV)
		pr_warn("interface %s: cannot delete: %s", ifname, nl_strerror(&br->nl, err));
}

const struct port_kind port_attached = {
	.name = "attached",
	.precheck = attached_precheck,
	.create = attached_create,
	.teardown = port_host_end_teardown,
};
