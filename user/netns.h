/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Named network namespaces, made the way iproute2 makes them: a bind mount of
 * the namespace onto /run/netns/NAME, so `ip netns list` and `ip netns exec`
 * see them. And the one way xbr runs code inside a namespace: netns_call().
 */
#ifndef XBR_NETNS_H
#define XBR_NETNS_H

#define XBR_NETNS_DIR "/run/netns"
/* Per-namespace files `ip netns exec` mounts over /etc (iproute2's). */
#define XBR_NETNS_ETC "/etc/netns"

/* Make /run/netns a shared mount point (once per process; netns_create()
 * does it too, but threads creating namespaces call it first). 0 or -errno. */
int netns_prepare(void);
/* Create @name and return an fd to it (O_CLOEXEC), or a negative errno.
 * -EEXIST when the name is taken. Leaves nothing behind on failure. */
int netns_create(const char *name);
/* Open an existing named namespace: fd or negative errno (-ENOENT). */
int netns_open(const char *name);
/* True when /run/netns/@name exists. */
int netns_exists(const char *name);
/* Unmount and remove @name; 0 also when it does not exist. */
int netns_delete(const char *name);
/*
 * The resolv.conf that `ip netns exec NAME` mounts over /etc/resolv.conf:
 * XBR_NETNS_ETC/NAME/resolv.conf, written with @text (marked as xbr's on its
 * first line); netns_delete() removes it (only a file xbr wrote) and the
 * directory. 0 or a negative errno.
 */
int netns_resolv_write(const char *name, const char *text);
/*
 * netns_delete(), for the @n names @names (NULL entries skipped), by a few
 * threads at once: every unmount waits for an RCU grace period
 * (namespace_unlock()), which concurrent unmounts share, so 1,000 take a
 * fraction of the time one after the other. @progress: label for
 * xbr_progress(), or NULL. Failures are ignored here: what is left is
 * found and named by the caller.
 */
void netns_delete_many(const char *const *names, size_t n, const char *progress);

/*
 * Run @fn(@arg) with the calling thread inside the network namespace @nsfd
 * (-1: where it is), then return to the namespace it was in. Sockets @fn
 * opens stay bound to @nsfd's namespace. Returns what @fn returned, or a
 * negative errno when the namespace cannot be entered (@fn not called).
 * Never returns into the wrong namespace: if coming back fails, the process
 * prints one line and exits (status 2).
 */
int netns_call(int nsfd, int (*fn)(void *arg), void *arg);

#endif
