// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of user/nl.c against the running kernel, and of netns_call()
 * (user/netns.c) under it: the kernel's extended-ACK text of a refused
 * request comes back through nl_errmsg()/nl_strerror(), and code run in
 * another namespace runs there and comes back (or the process stops).
 *
 * Needs root: the whole binary runs in a network namespace of its own
 * (unshare(CLONE_NEWNET) in main), so it touches no interface of the host.
 * Without root it exits 77 (skip) and says why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "ethtool.h"
#include "netns.h"
#include "nl.h"

/* ---- helpers ---- */

static ino_t ns_ino_of_fd(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

/* The network namespace the calling thread is in now. */
static ino_t ns_ino_here(void)
{
	struct stat st;

	assert_int_equal(stat("/proc/thread-self/ns/net", &st), 0);
	return st.st_ino;
}

/*
 * A second, empty network namespace: an fd to it, made with plain syscalls
 * (not the code under test), the thread left where it was.
 */
static int other_ns(void)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), fd;

	assert_true(self >= 0);
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(setns(self, CLONE_NEWNET), 0);
	close(self);
	return fd;
}

/* A veth pair @a/@b here, up to @a's ifindex in *ifindex. */
static void veth_here(struct xbr_nl *nl, const char *a, const char *b, int *ifindex)
{
	struct xbr_link l;

	assert_int_equal(nl_veth_add(nl, a, NULL, b, -1, NULL), 0);
	assert_int_equal(nl_link_get(nl, a, &l), 0);
	*ifindex = l.ifindex;
}

static void expect_strerror(const struct xbr_nl *nl, int err)
{
	char want[512];

	snprintf(want, sizeof(want), "%s (kernel: %s)", strerror(-err), nl_errmsg(nl));
	assert_string_equal(nl_strerror(nl, err), want);
}

/* ---- extended ACK ---- */

/* A second identical IPv4 address: -EEXIST, and the kernel says why. */
static void test_ext_ack_addr_exists(void **state)
{
	struct xbr_nl nl;
	uint32_t a = htonl(0xc6336401); /* 198.51.100.1 */
	int ifi, err;

	(void)state;
	assert_int_equal(nl_open(&nl), 0);
	veth_here(&nl, "xa0", "xa1", &ifi);
	assert_int_equal(nl_addr_add(&nl, ifi, a, 24), 0);
	assert_string_equal(nl_errmsg(&nl), "");

	err = nl_addr_add(&nl, ifi, a, 24);
	assert_int_equal(err, -EEXIST);
	/* Linux 6.18: "ipv4: Address already assigned" */
	assert_non_null(strstr(nl_errmsg(&nl), "Address already assigned"));
	expect_strerror(&nl, err);

	assert_int_equal(nl_link_del(&nl, ifi), 0);
	nl_close(&nl);
}

/* A default route via a gateway that is not on the link's subnet. */
static void test_ext_ack_route_gateway(void **state)
{
	struct xbr_nl nl;
	uint32_t gw = htonl(0xcb007101); /* 203.0.113.1: no address of ours reaches it */
	int ifi, err;

	(void)state;
	assert_int_equal(nl_open(&nl), 0);
	veth_here(&nl, "xr0", "xr1", &ifi);
	err = nl_route_add_default(&nl, ifi, gw);
	assert_true(err < 0);
	/* Linux 6.18: "Nexthop has invalid gateway" (-ENETUNREACH) */
	assert_non_null(strstr(nl_errmsg(&nl), "invalid gateway"));
	expect_strerror(&nl, err);

	/* The message survives nl_close(), for a caller that prints after it. */
	nl_close(&nl);
	assert_non_null(strstr(nl_errmsg(&nl), "invalid gateway"));
	assert_int_equal(nl_open(&nl), 0);
	assert_int_equal(nl_link_del_name(&nl, "xr0"), 0);
	nl_close(&nl);
}

/*
 * The message belongs to the latest request only: a success clears it, and
 * a refusal without a message (a veth whose peer name is taken: this kernel
 * says only EEXIST) leaves "" and a plain strerror().
 */
static void test_ext_ack_cleared(void **state)
{
	struct xbr_nl nl;
	struct xbr_link l;
	uint32_t a = htonl(0xc6336501); /* 198.51.101.1 */
	int ifi, err;

	(void)state;
	assert_int_equal(nl_open(&nl), 0);
	veth_here(&nl, "xc0", "xc1", &ifi);
	assert_int_equal(nl_addr_add(&nl, ifi, a, 24), 0);
	assert_int_equal(nl_addr_add(&nl, ifi, a, 24), -EEXIST);
	assert_string_not_equal(nl_errmsg(&nl), "");
	assert_int_equal(nl_link_get(&nl, "lo", &l), 0);
	assert_string_equal(nl_errmsg(&nl), "");

	assert_int_equal(nl_addr_add(&nl, ifi, a, 24), -EEXIST);
	assert_string_not_equal(nl_errmsg(&nl), "");
	err = nl_veth_add(&nl, "xc2", NULL, "xc1", -1, NULL);
	assert_int_equal(err, -EEXIST);
	assert_string_equal(nl_errmsg(&nl), "");
	assert_string_equal(nl_strerror(&nl, err), strerror(EEXIST));
	assert_string_equal(nl_strerror(NULL, -ENODEV), strerror(ENODEV));

	assert_int_equal(nl_link_del(&nl, ifi), 0);
	nl_close(&nl);
}

static int count_link(const struct xbr_link *l, void *data)
{
	int *n = data;

	if (!strcmp(l->ifname, "xd0") || !strcmp(l->ifname, "xd1") || !strcmp(l->ifname, "lo"))
		(*n)++;
	return 0;
}

/* Dumps still end at NLMSG_DONE (nl.c handles it itself now) with every link. */
static void test_dump_completes(void **state)
{
	struct xbr_nl nl;
	int ifi, n = 0;

	(void)state;
	assert_int_equal(nl_open(&nl), 0);
	veth_here(&nl, "xd0", "xd1", &ifi);
	assert_int_equal(nl_link_dump(&nl, count_link, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(nl_errmsg(&nl), "");
	/* The socket is still in step after the dump. */
	assert_int_equal(nl_link_del(&nl, ifi), 0);
	assert_int_equal(nl_link_get(&nl, "xd0", &(struct xbr_link){ 0 }), -ENODEV);
	nl_close(&nl);
}

/* ---- netns_call ---- */

struct where {
	ino_t ino;
	int calls;
};

static int record_ns(void *arg)
{
	struct where *w = arg;
	struct stat st;

	w->calls++;
	if (stat("/proc/thread-self/ns/net", &st) < 0)
		return -errno;
	w->ino = st.st_ino;
	return 42;
}

static void test_netns_call_enters_and_returns(void **state)
{
	struct where w = { 0 };
	ino_t home = ns_ino_here();
	int fd = other_ns();

	(void)state;
	assert_int_not_equal(ns_ino_of_fd(fd), home);
	assert_int_equal(netns_call(fd, record_ns, &w), 42);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.ino, ns_ino_of_fd(fd));
	assert_int_equal(ns_ino_here(), home);

	/* -1: run where we are. */
	assert_int_equal(netns_call(-1, record_ns, &w), 42);
	assert_int_equal(w.calls, 2);
	assert_int_equal(w.ino, home);
	close(fd);
}

/* An fd that is no namespace: an error, @fn not run, the thread unmoved. */
static void test_netns_call_bad_fd(void **state)
{
	struct where w = { 0 };
	ino_t home = ns_ino_here();
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(netns_call(fd, record_ns, &w), -EINVAL);
	assert_int_equal(w.calls, 0);
	assert_int_equal(ns_ino_here(), home);
	close(fd);
}

/* Lose the right to setns() back: the way home then fails. */
static int drop_sys_admin(void *arg)
{
	(void)arg;
	/* A non-zero effective uid clears the effective capability set. */
	return seteuid(65534) < 0 ? -errno : 0;
}

/* When coming back fails the process stops (status 2, one line), it never
 * returns from netns_call() into the wrong namespace. */
static void test_netns_call_stranded_exits(void **state)
{
	int fd = other_ns(), pfd[2], status;
	char line[256] = { 0 };
	size_t len;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], STDERR_FILENO);
		netns_call(fd, drop_sys_admin, NULL);
		_exit(0); /* reached only if netns_call() returned */
	}
	close(pfd[1]);
	/* Everything the child wrote (stderr is unbuffered: several writes). */
	for (len = 0; len < sizeof(line) - 1; len += (size_t)n) {
		n = read(pfd[0], line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			break;
	}
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(line, "cannot return to the original network namespace"));
	close(fd);
}

/* nl_open_netns() and ethtool_open() work in the namespace given, and leave
 * the process where it was. */
static void test_open_in_netns(void **state)
{
	struct xbr_nl here, there;
	struct xbr_link l;
	struct xbr_feats f;
	ino_t home = ns_ino_here();
	int fd = other_ns();

	(void)state;
	assert_int_equal(nl_open(&here), 0);
	assert_int_equal(nl_open_netns(&there, fd), 0);
	assert_int_equal(ns_ino_here(), home);
	assert_int_equal(nl_veth_add(&there, "xn0", NULL, "xn1", -1, NULL), 0);
	assert_int_equal(nl_link_get(&there, "xn0", &l), 0);
	assert_int_equal(nl_link_get(&here, "xn0", &l), -ENODEV);

	assert_int_equal(ethtool_get_in(fd, "xn0", &f), 0);
	assert_true(f.known != 0);
	assert_int_equal(ethtool_get_in(-1, "xn0", &f), -ENODEV);
	assert_int_equal(ns_ino_here(), home);

	nl_close(&there);
	nl_close(&here);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ext_ack_addr_exists),
		cmocka_unit_test(test_ext_ack_route_gateway),
		cmocka_unit_test(test_ext_ack_cleared),
		cmocka_unit_test(test_dump_completes),
		cmocka_unit_test(test_netns_call_enters_and_returns),
		cmocka_unit_test(test_netns_call_bad_fd),
		cmocka_unit_test(test_netns_call_stranded_exits),
		cmocka_unit_test(test_open_in_netns),
	};

	if (geteuid() != 0) {
		printf("SKIP: test_nl needs root (it makes veths in a network namespace of its own)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: test_nl cannot make a network namespace: %s\n", strerror(errno));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
