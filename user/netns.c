// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Network namespaces (see netns.h): named ones under /run/netns, and entering
 * one for a call and coming back, written once here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "log.h"
#include "netns.h"

/* Make /run/netns a shared mount point, as iproute2 does, so that unmounting
 * a namespace here unmounts it in every mount namespace that shares it. */
int netns_prepare(void)
{
	static int done;
	int made_mount = 0;

	if (done)
		return 0;
	if (mkdir(XBR_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	while (mount("", XBR_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL)) {
		if (errno != EINVAL || made_mount)
			return -errno;
		if (mount(XBR_NETNS_DIR, XBR_NETNS_DIR, "none", MS_BIND | MS_REC, NULL))
			return -errno;
		made_mount = 1;
	}
	done = 1;
	return 0;
}

/* An fd to the calling thread's network namespace, to come back to; or -errno. */
static int netns_save(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * Return to the namespace @self (from netns_save()) and close it.
 *
 * If that fails the thread is stranded in another namespace, and every later
 * netlink request, ioctl, socket or pin would act on the wrong interfaces:
 * "deleting our veth" could delete someone else's. No caller could repair
 * it (the same setns() just failed), and returning an error invites going
 * on. So the process stops here, with _exit() rather than exit() so that no
 * atexit/stdio clean-up runs in the wrong namespace either. What the command
 * had half-made is in the bridge's crash journal, which the next xbr command
 * on that bridge cleans up, as after any crash; the bridge lock dies with the
 * process. Not abort(): this is not a bug in xbr, and a core dump helps no one.
 */
static void netns_return(int self)
{
	if (setns(self, CLONE_NEWNET) < 0) {
		pr_warn("cannot return to the original network namespace: %s; stopping",
			strerror(errno));
		_exit(2);
	}
	close(self);
}

int netns_call(int nsfd, int (*fn)(void *arg), void *arg)
{
	int self, ret;

	if (nsfd < 0)
		return fn(arg);
	self = netns_save();
	if (self < 0)
		return self;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ret = -errno;
		close(self);
		return ret;
	}
	ret = fn(arg);
	netns_return(self);
	return ret;
}

static void netns_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", XBR_NETNS_DIR, name);
}

int netns_create(const char *name)
{
	char path[PATH_MAX];
	int self, fd, err = 0;

	err = netns_prepare();
	if (err)
		return err;
	netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);

	/* A new namespace is entered by unshare(), not setns(): netns_call()'s
	 * way back, but not its way in. */
	self = netns_save();
	if (self < 0) {
		err = self;
		goto out_unlink;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		close(self);
		goto out_unlink;
	}
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
		err = -errno;
	netns_return(self);
	if (err)
		goto out_unlink;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		netns_delete(name);
		return err;
	}
	return fd;

out_unlink:
	unlink(path);
	return err;
}

int netns_open(const char *name)
{
	char path[PATH_MAX];
	int fd;

	netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int netns_exists(const char *name)
{
	char path[PATH_MAX];

	netns_path(name, path, sizeof(path));
	return access(path, F_OK) == 0;
}

#define RESOLV_MARK "# xbr:"

int netns_resolv_write(const char *name, const char *text)
{
	char dir[64], path[128], tmp[128];
	FILE *f;
	int err = 0;

	snprintf(dir, sizeof(dir), "%s/%.15s", XBR_NETNS_ETC, name);
	if ((mkdir(XBR_NETNS_ETC, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(dir, 0755) < 0 && errno != EEXIST))
		return -errno;
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	snprintf(tmp, sizeof(tmp), "%s/.resolv.conf.xbr", dir);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%s %s", RESOLV_MARK, text) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* Remove what netns_resolv_write() made for @name, a half-written copy
 * too (a file of someone else's stays, and so does its directory). */
static void netns_resolv_remove(const char *name)
{
	char dir[64], path[128], line[16] = "";
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/%.15s", XBR_NETNS_ETC, name);
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
		if (strncmp(line, RESOLV_MARK, strlen(RESOLV_MARK)))
			return;
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/.resolv.conf.xbr", dir);
	unlink(path);
	rmdir(dir); /* only when empty */
	/* XBR_NETNS_ETC itself stays (iproute2's directory, made when missing):
	 * removing it would also detach whatever other mount namespaces have
	 * mounted on it (a test's private /etc/netns, seen so). */
}

int netns_delete(const char *name)
{
	char path[PATH_MAX];

	netns_resolv_remove(name);
	netns_path(name, path, sizeof(path));
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

#define NETNS_DEL_WORKERS 8

struct netns_del {
	const char *const *names;
	size_t n;
	size_t next; /* taken with __atomic_fetch_add */
};

static void *netns_del_worker(void *arg)
{
	struct netns_del *d = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&d->next, 1, __ATOMIC_RELAXED)) < d->n)
		if (d->names[i])
			netns_delete(d->names[i]);
	return NULL;
}

void netns_delete_many(const char *const *names, size_t n, const char *progress)
{
	struct netns_del d = { .names = names, .n = n };
	pthread_t tid[NETNS_DEL_WORKERS];
	size_t nw = 0, i;

	/* A handful of names: not worth a thread. */
	while (n > 16 && nw < NETNS_DEL_WORKERS && pthread_create(&tid[nw], NULL, netns_del_worker, &d) == 0)
		nw++;
	/* This thread takes names too, and says how far they are. */
	while ((i = __atomic_fetch_add(&d.next, 1, __ATOMIC_RELAXED)) < n) {
		if (names[i])
			netns_delete(names[i]);
		if (progress)
			xbr_progress(progress, i + 1, n);
	}
	for (i = 0; i < nw; i++)
		pthread_join(tid[i], NULL);
}
