/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The CNI commands, done on the bridge and in the container's namespace (attach.c). */
#ifndef XBR_CNI_ATTACH_H
#define XBR_CNI_ATTACH_H

#include "cni.h"

/* The CNI_* environment and the configuration's bytes (passed on to IPAM). */
struct cni_env {
	const char *command;
	const char *cid; /* CNI_CONTAINERID */
	const char *netns; /* CNI_NETNS, "" when not given */
	const char *ifname; /* CNI_IFNAME */
	char podname[64]; /* CNI_ARGS K8S_POD_NAME (podman: the container's name), "" */
	const char *conf; /* stdin */
	size_t conflen;
};

/* Each returns 0, or -1 with cni_err set. ADD fills @out with its result. */
int cni_add(const struct cni_conf *c, const struct cni_env *e, struct cni_result *out);
int cni_del(const struct cni_conf *c, const struct cni_env *e);
int cni_check(const struct cni_conf *c, const struct cni_env *e);
int cni_gc(const struct cni_conf *c, const struct cni_env *e);
int cni_status(const struct cni_conf *c, const struct cni_env *e);

#endif
