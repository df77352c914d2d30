// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
static int netns_dir_prepare(void)
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

static void netns_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", XBR_NETNS_DIR, name);
}

int netns_create(const char *name)
{
	char path[PATH_MAX];
	int self = -1, fd, err = 0;

	err = netns_dir_prepare();
	if (err)
		return err;
	netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		err = -errno;
		goto out_unlink;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		goto out_unlink;
	}
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
		err = -errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		/* We are stranded in the new namespace: nothing else is safe. */
		pr_warn("cannot return to the original network namespace: %s", strerror(errno));
		_exit(2);
	}
	if (err)
		goto out_unlink;
	close(self);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		netns_delete(name);
		return err;
	}
	return fd;

out_unlink:
	if (self >= 0)
		close(self);
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

int netns_delete(const char *name)
{
	char path[PATH_MAX];

	netns_path(name, path, sizeof(path));
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
