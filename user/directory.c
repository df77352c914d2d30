// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* An uplink's directory: its URL parsed, its record under /run/xbr. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "directory.h"
#include "log.h"

/* HOST:PORT with a host of letters, digits, '.', '-', or "[v6]", and a port 1-65535. */
static int ep_ok(const char *s, size_t n)
{
	size_t i = 0, h;
	long port;
	char *end;
	char num[8];

	if (n && s[0] == '[') {
		for (i = 1; i < n && s[i] != ']'; i++)
			if (!strchr("0123456789abcdefABCDEF:.", s[i]))
				return 0;
		if (i >= n || i == 1)
			return 0;
		i++;
	} else {
		for (; i < n && s[i] != ':'; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", s[i]))
				return 0;
		if (!i)
			return 0;
	}
	if (i >= n || s[i] != ':')
		return 0;
	h = n - i - 1;
	if (!h || h >= sizeof(num))
		return 0;
	memcpy(num, s + i + 1, h);
	num[h] = 0;
	if (num[0] < '0' || num[0] > '9')
		return 0;
	port = strtol(num, &end, 10);
	return !*end && port >= 1 && port <= 65535;
}

int dir_parse_url(const char *who, const char *url, struct xbr_directory *d)
{
	static const char scheme[] = "etcd://";
	const char *p, *slash, *comma;
	size_t n;

	d->neps = 0;
	if (!url || strncmp(url, scheme, sizeof(scheme) - 1)) {
		pr_warn("%s: directory \"%s\" is not etcd://HOST:PORT[,HOST:PORT...][/PREFIX]", who,
			url ? url : "");
		return -EINVAL;
	}
	if (strlen(url) >= sizeof(d->url)) {
		pr_warn("%s: directory URL longer than %zu characters", who, sizeof(d->url) - 1);
		return -EINVAL;
	}
	snprintf(d->url, sizeof(d->url), "%s", url);
	p = url + sizeof(scheme) - 1;
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	while (n) {
		comma = memchr(p, ',', n);
		size_t len = comma ? (size_t)(comma - p) : n;

		if (d->neps == XBR_DIR_MAX_EPS) {
			pr_warn("%s: directory \"%s\" names more than %d endpoints", who, url,
				XBR_DIR_MAX_EPS);
			return -EINVAL;
		}
		if (len >= sizeof(d->eps[0]) || !ep_ok(p, len)) {
			pr_warn("%s: directory endpoint \"%.*s\" is not HOST:PORT", who, (int)len, p);
			return -EINVAL;
		}
		memcpy(d->eps[d->neps], p, len);
		d->eps[d->neps++][len] = 0;
		p += len;
		n -= len;
		if (comma) {
			p++;
			n--;
			if (!n) {
				pr_warn("%s: directory \"%s\" ends its endpoints with ','", who, url);
				return -EINVAL;
			}
		}
	}
	if (!d->neps) {
		pr_warn("%s: directory \"%s\" names no endpoint", who, url);
		return -EINVAL;
	}
	if (!slash || !slash[1]) {
		snprintf(d->prefix, sizeof(d->prefix), "%s", XBR_DIR_DEFAULT_PREFIX);
		return 0;
	}
	n = strlen(slash);
	while (n > 1 && slash[n - 1] == '/')
		n--;
	if (n >= sizeof(d->prefix) || strspn(slash, "/abcdefghijklmnopqrstuvwxyz"
						    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") <
						    strlen(slash)) {
		pr_warn("%s: directory prefix \"%s\" must be letters, digits, '/', '.', '_', '-'", who,
			slash);
		return -EINVAL;
	}
	memcpy(d->prefix, slash, n);
	d->prefix[n] = 0;
	return 0;
}

int dir_path(char *buf, size_t len, const char *bridge, const char *uplink, const char *ext)
{
	int n = uplink ? snprintf(buf, len, "%s/%s/%s.%s", XBR_RUN_DIR, bridge, uplink, ext) :
			 snprintf(buf, len, "%s/%s", XBR_RUN_DIR, bridge);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Open "@path.tmp" for writing into @tmp; NULL with errno on failure. */
static FILE *kv_create(const char *path, char *tmp, size_t len)
{
	snprintf(tmp, len, "%s.tmp", path);
	return fopen(tmp, "w");
}

/* Close @f (written at @tmp), synced when @sync, and rename it over @path:
 * readers see the old file or the new one, never a part. 0 or -errno. */
static int kv_commit(FILE *f, const char *tmp, const char *path, int sync)
{
	int err;

	if (fflush(f) || (sync && fsync(fileno(f)))) {
		err = -errno;
		fclose(f);
		unlink(tmp);
		return err;
	}
	if (fclose(f) || rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

/* The next "KEY VALUE" line of @f into @line: 1 with *@val the value, 0 at
 * the end. Lines without a space are passed over. */
static int kv_next(FILE *f, char *line, int len, char **val)
{
	while (fgets(line, len, f)) {
		line[strcspn(line, "\n")] = 0;
		*val = strchr(line, ' ');
		if (*val) {
			*(*val)++ = 0;
			return 1;
		}
	}
	return 0;
}

int dir_save(const char *bridge, const char *uplink, const struct xbr_directory *d)
{
	char path[256], tmp[272];
	FILE *f;
	int err;

	if (mkdir(XBR_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	err = dir_path(path, sizeof(path), bridge, NULL, NULL);
	if (err)
		return err;
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	err = dir_path(path, sizeof(path), bridge, uplink, "directory");
	if (err)
		return err;
	f = kv_create(path, tmp, sizeof(tmp));
	if (!f)
		return -errno;
	fprintf(f, "url %s\n", d->url);
	if (d->ca[0])
		fprintf(f, "ca %s\n", d->ca);
	if (d->cert[0])
		fprintf(f, "cert %s\n", d->cert);
	if (d->key[0])
		fprintf(f, "key %s\n", d->key);
	return kv_commit(f, tmp, path, 1);
}

int dir_load(const char *bridge, const char *uplink, struct xbr_directory *d)
{
	char path[256], line[300], *v;
	FILE *f;
	int err;

	memset(d, 0, sizeof(*d));
	err = dir_path(path, sizeof(path), bridge, uplink, "directory");
	if (err)
		return err;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (kv_next(f, line, sizeof(line), &v)) {
		if (!strcmp(line, "url"))
			err = dir_parse_url(uplink, v, d);
		else if (!strcmp(line, "ca"))
			snprintf(d->ca, sizeof(d->ca), "%s", v);
		else if (!strcmp(line, "cert"))
			snprintf(d->cert, sizeof(d->cert), "%s", v);
		else if (!strcmp(line, "key"))
			snprintf(d->key, sizeof(d->key), "%s", v);
		if (err)
			break;
	}
	fclose(f);
	if (!err && !d->neps)
		err = -EINVAL;
	return err;
}

int dir_remove(const char *bridge, const char *uplink)
{
	static const char *const exts[] = { "directory", "status" };
	char path[256];
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (dir_path(path, sizeof(path), bridge, uplink, exts[i]))
			continue;
		if (unlink(path) && errno != ENOENT && !err)
			err = -errno;
	}
	if (!dir_path(path, sizeof(path), bridge, NULL, NULL))
		rmdir(path); /* only when nothing else is left */
	return err;
}

void dir_remove_bridge(const char *bridge)
{
	char path[256], f[512];
	struct dirent *e;
	DIR *dp;

	if (dir_path(path, sizeof(path), bridge, NULL, NULL))
		return;
	dp = opendir(path);
	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s", path, e->d_name);
		unlink(f);
	}
	closedir(dp);
	rmdir(path);
}

#define STATUS_FIELDS(X)                                   \
	X(events) X(resyncs) X(peers_added) X(peers_removed) \
	X(entries_added) X(entries_removed) X(conflicts) X(vni_mismatches) X(published)

int dir_status_save(const char *bridge, const char *uplink, const struct xbr_dir_status *s)
{
	char path[256], tmp[272];
	FILE *f;
	int err;

	err = dir_path(path, sizeof(path), bridge, uplink, "status");
	if (err)
		return err;
	f = kv_create(path, tmp, sizeof(tmp));
	if (!f)
		return -errno;
	fprintf(f, "pid %d\nconnected %d\nlast_heard %.3f\nwritten %.3f\nlease %lld\nttl %d\n"
		   "revision %lld\nendpoint %s\n",
		s->pid, s->connected, s->last_heard, s->written, s->lease, s->ttl, s->revision,
		s->endpoint[0] ? s->endpoint : "-");
#define X(n) fprintf(f, #n " %llu\n", s->n);
	STATUS_FIELDS(X)
#undef X
	/* Rewritten every second by the agent: not synced (it is in /run). */
	return kv_commit(f, tmp, path, 0);
}

int dir_status_load(const char *bridge, const char *uplink, struct xbr_dir_status *s)
{
	char path[256], line[160], *v;
	FILE *f;
	int err;

	memset(s, 0, sizeof(*s));
	err = dir_path(path, sizeof(path), bridge, uplink, "status");
	if (err)
		return err;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (kv_next(f, line, sizeof(line), &v)) {
		if (!strcmp(line, "pid"))
			s->pid = atoi(v);
		else if (!strcmp(line, "connected"))
			s->connected = atoi(v);
		else if (!strcmp(line, "last_heard"))
			s->last_heard = strtod(v, NULL);
		else if (!strcmp(line, "written"))
			s->written = strtod(v, NULL);
		else if (!strcmp(line, "lease"))
			s->lease = strtoll(v, NULL, 10);
		else if (!strcmp(line, "ttl"))
			s->ttl = atoi(v);
		else if (!strcmp(line, "revision"))
			s->revision = strtoll(v, NULL, 10);
		else if (!strcmp(line, "endpoint"))
			snprintf(s->endpoint, sizeof(s->endpoint), "%s", strcmp(v, "-") ? v : "");
#define X(n) else if (!strcmp(line, #n)) s->n = strtoull(v, NULL, 10);
		STATUS_FIELDS(X)
#undef X
	}
	fclose(f);
	return 0;
}
