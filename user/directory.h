/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An uplink's directory (docs/design.md, "A directory of hosts (etcd)"): the
 * etcd cluster where xbr-agent finds the segment's other hosts and stations.
 * What `uplink add ... directory URL` recorded lives in a small file,
 * /run/xbr/<bridge>/<uplink>.directory (not a pinned map: see design.md);
 * the agent writes what it last heard beside it, <uplink>.status (JSON).
 */
#ifndef XBR_DIRECTORY_H
#define XBR_DIRECTORY_H

#include <stddef.h>

#define XBR_RUN_DIR "/run/xbr"
#define XBR_DIR_MAX_EPS 8
#define XBR_DIR_DEFAULT_PREFIX "/xbr"

struct xbr_directory {
	char url[256]; /* as given: etcd://HOST:PORT[,HOST:PORT...][/PREFIX] */
	char eps[XBR_DIR_MAX_EPS][80]; /* HOST:PORT ("[v6]:PORT") each */
	int neps;
	char prefix[128]; /* keys start with it, no trailing '/' */
	char ca[256], cert[256], key[256]; /* TLS files, "" for plain HTTP */
};

/* Parse @url into @d (TLS fields untouched); one line naming @who and the
 * cause and -EINVAL when it is not a directory URL. */
int dir_parse_url(const char *who, const char *url, struct xbr_directory *d);
/* The path of @uplink's file @ext ("directory", "status") of @bridge. */
int dir_path(char *buf, size_t len, const char *bridge, const char *uplink, const char *ext);
/* Record @d for @uplink of @bridge (written whole, then renamed in place). */
int dir_save(const char *bridge, const char *uplink, const struct xbr_directory *d);
/* Read what dir_save() recorded: 0, -ENOENT (not a directory uplink), -errno. */
int dir_load(const char *bridge, const char *uplink, struct xbr_directory *d);
/* Forget @uplink's directory and status (0 also when there was none). */
int dir_remove(const char *bridge, const char *uplink);
/* Forget every directory of @bridge (at down). */
void dir_remove_bridge(const char *bridge);

/*
 * What the agent last wrote (<uplink>.status, "key value" lines): counters
 * are directory events since the agent started.
 */
struct xbr_dir_status {
	int pid; /* the agent's */
	int connected; /* 1: the last request to etcd was answered */
	double last_heard; /* CLOCK_REALTIME seconds of that answer, 0: never */
	double written; /* when the agent wrote this */
	long long lease; /* the host's etcd lease, 0: none */
	int ttl;
	long long revision; /* the directory revision the agent is in step with */
	char endpoint[80]; /* the etcd member it talks to */
	unsigned long long events, resyncs, peers_added, peers_removed, entries_added,
		entries_removed, conflicts, vni_mismatches, published;
};
int dir_status_load(const char *bridge, const char *uplink, struct xbr_dir_status *s);
int dir_status_save(const char *bridge, const char *uplink, const struct xbr_dir_status *s);

#endif
