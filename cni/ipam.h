/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Running the IPAM plugin named by the configuration's ipam.type (ipam.c). */
#ifndef XBR_CNI_IPAM_H
#define XBR_CNI_IPAM_H

#include "cni.h"

/* Path of plugin @type in CNI_PATH into @path; -1 (code 4 or 7) if none. */
int ipam_find(const char *type, char *path, size_t len);

/*
 * Run the IPAM plugin for @cmd (ADD, DEL, CHECK, GC, STATUS, VERSION) with
 * @conf on stdin. @cid / @ifname replace CNI_CONTAINERID / CNI_IFNAME when
 * not NULL. On success 0, its result parsed into @res and/or its JSON in
 * *@raw when asked for; on failure -1 with cni_err set to its error object
 * (code, msg and details passed on) or to why it could not be run.
 */
int ipam_exec(const struct cni_conf *c, const char *conf, size_t conflen, const char *cmd,
	      const char *cid, const char *ifname, struct cni_result *res, json_t **raw);

/* True when the IPAM plugin lists @version among its supportedVersions. */
int ipam_supports(const struct cni_conf *c, const char *version);

#endif
