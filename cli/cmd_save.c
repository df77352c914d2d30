// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr save [FILE] and xbr up -f FILE|DIR: a bridge's configuration as a file
 * of xbr command lines (docs/design.md, "Saved configurations"). save reads
 * the bridge through bridge.h and publish.h and writes one `up` line with
 * every option, then `uplink add`, `port set`, `fdb add` and `publish add`
 * lines and the publish-address (after the publications, so that those
 * made on every address stay there);
 * `up -f` runs those lines through the command table as one command
 * (the lock held throughout) and takes the bridge down again when one fails.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include "bridge.h"
#include "cmd.h"
#include "directory.h"
#include "log.h"
#include "publish.h"

/* ---- save ---- */

/* The name `port set` and `fdb add` know a port by: "gateway" or its name. */
static const char *port_word(const struct xbr_port *p)
{
	return p->kind == XBR_KIND_GATEWAY ? "gateway" : p->name;
}

/* True when the port is its owner's to bring back (attached, CNI, Docker). */
static int port_skipped(const struct xbr_port *p)
{
	return p->kind == XBR_KIND_ATTACHED || p->kind == XBR_KIND_DOCKER;
}

static const struct xbr_port *port_by_name(const struct xbr_port *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind != XBR_KIND_GATEWAY && !strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* "ADDR/PLEN" of an IPv4 address (network order). */
static const char *cidr4(uint32_t a, unsigned int plen, char *buf, size_t len)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	snprintf(buf, len, "%s/%u", s, plen);
	return buf;
}

/* Does port @p have aliases among @names (`port add ... name N`)? */
static int has_alias(const struct xbr_port *p, const struct xbr_name_ent *names, size_t nn)
{
	size_t k;

	for (k = 0; k < nn; k++)
		if (names[k].v.ifindex == p->ifindex && (names[k].v.flags & XBR_NAME_F_ALIAS))
			return 1;
	return 0;
}

/* `up` with the bridge's settings and its stations; a station with aliases
 * follows as a `port add` of its own (the `up` line has no room for them). */
static void save_up(FILE *f, const char *b, const struct xbr_config *cfg,
		    const struct xbr_port *ports, size_t n, const struct xbr_name_ent *names,
		    size_t nn)
{
	char s[INET6_ADDRSTRLEN + 8];
	size_t i, k, nst = 0;

	fprintf(f, "xbr -b %s up --subnet %s", b, cidr4(cfg->subnet, cfg->plen, s, sizeof(s)));
	inet_ntop(AF_INET, &cfg->gateway, s, sizeof(s));
	fprintf(f, " --gateway %s", s);
	if (cfg->plen6) {
		inet_ntop(AF_INET6, cfg->subnet6, s, sizeof(s));
		fprintf(f, " --subnet6 %s/%u", s, cfg->plen6);
		if (cfg->flags & XBR_CFG_F_GW6) {
			uint8_t g6[16];

			xbr_gateway_addr6(cfg, g6);
			inet_ntop(AF_INET6, g6, s, sizeof(s));
			fprintf(f, " --gateway6 %s", s);
		}
		if (cfg->flags & XBR_CFG_F_NO_NAT6)
			fprintf(f, " --no-nat6");
	} else {
		fprintf(f, " --subnet6 none");
	}
	fprintf(f, " --ageing %llu --fdb-size %u --mode %s --neigh-suppress %s",
		(unsigned long long)(cfg->ageing_ns / 1000000000ULL), cfg->fdb_size,
		br_mode_name(cfg->mode), cfg->flags & XBR_CFG_F_NEIGH_SUPPRESS ? "on" : "off");
	if (cfg->mtu)
		fprintf(f, " --mtu %u", cfg->mtu);
	if (cfg->flags & XBR_CFG_F_NO_ICC)
		fprintf(f, " --no-icc");
	if (cfg->flags & XBR_CFG_F_INTERNAL)
		fprintf(f, " --internal");
	else if (cfg->flags & XBR_CFG_F_NO_NAT)
		fprintf(f, " --no-nat");
	if (cfg->flags & XBR_CFG_F_NO_DNS)
		fprintf(f, " --no-dns");
	for (i = 0; i < n; i++) {
		if (ports[i].kind != XBR_KIND_STATION || has_alias(&ports[i], names, nn))
			continue;
		fprintf(f, " %s=%s", ports[i].name, cidr4(ports[i].addr, ports[i].plen, s, sizeof(s)));
		nst++;
	}
	if (!nst)
		fprintf(f, " --empty");
	fprintf(f, "\n");
	for (i = 0; i < n; i++) {
		if (ports[i].kind != XBR_KIND_STATION || !has_alias(&ports[i], names, nn))
			continue;
		fprintf(f, "xbr -b %s port add %s %s", b, ports[i].name,
			cidr4(ports[i].addr, ports[i].plen, s, sizeof(s)));
		for (k = 0; k < nn; k++)
			if (names[k].v.ifindex == ports[i].ifindex &&
			    (names[k].v.flags & XBR_NAME_F_ALIAS))
				fprintf(f, " name %s", names[k].name);
		fprintf(f, "\n");
	}
}

static void save_uplinks(FILE *f, const char *b, const struct xbr_uplink_row *r, size_t n)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;
	uint32_t k;

	for (i = 0; i < n; i++, r++) {
		struct xbr_peer local = { .flags = r->port.tun_flags };
		struct xbr_directory d;

		if (dir_load(b, r->port.name, &d) == 0) {
			/* Its peers are the directory's: xbr-agent brings them back. */
			memcpy(local.remote, r->port.local, sizeof(local.remote));
			fprintf(f, "xbr -b %s uplink add %s vxlan id %u local %s directory %s", b,
				r->port.name, r->port.vni, uplink_addr_str(&local, a, sizeof(a)),
				d.url);
			if (d.ca[0])
				fprintf(f, " directory-ca %s", d.ca);
			if (d.cert[0])
				fprintf(f, " directory-cert %s directory-key %s", d.cert, d.key);
			fprintf(f, " dstport %u", r->port.dstport);
			if (r->dev[0])
				fprintf(f, " dev %s", r->dev);
			fprintf(f, "\n");
			continue;
		}
		if (!r->npeers) {
			/* `uplink add` needs a peer: the closest is none at all. */
			fprintf(f, "# uplink \"%s\" not saved: it has no peer (uplink add needs one)\n",
				r->port.name);
			continue;
		}
		memcpy(local.remote, r->port.local, sizeof(local.remote));
		fprintf(f, "xbr -b %s uplink add %s vxlan id %u local %s", b, r->port.name,
			r->port.vni, uplink_addr_str(&local, a, sizeof(a)));
		for (k = 0; k < r->npeers && k < XBR_MAX_REPEAT; k++)
			fprintf(f, " remote %s", uplink_addr_str(&r->peers[k], a, sizeof(a)));
		fprintf(f, " dstport %u", r->port.dstport);
		if (r->dev[0])
			fprintf(f, " dev %s", r->dev);
		fprintf(f, "\n");
		for (; k < r->npeers; k++)
			fprintf(f, "xbr -b %s uplink peer add %s %s\n", b, r->port.name,
				uplink_addr_str(&r->peers[k], a, sizeof(a)));
	}
}

/* Every port's settings, all of them: the file does not depend on the
 * defaults of the xbr that reads it. */
static void save_port_flags(FILE *f, const char *b, const struct xbr_port *ports, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (port_skipped(&ports[i]))
			continue;
		fprintf(f, "xbr -b %s port set %s", b, port_word(&ports[i]));
		for (k = 0; xbr_port_words[k].word; k++)
			fprintf(f, " %s %s", xbr_port_words[k].word,
				ports[i].flags & xbr_port_words[k].bit ? "on" : "off");
		fprintf(f, " max-learned %u\n", ports[i].max_learned);
	}
}

/* Static and sticky entries: configuration. Learned and dynamic ones are not. */
static void save_fdb(FILE *f, const char *b, const struct xbr_fdb_row *r, size_t n)
{
	char mac[XBR_MAC_STRLEN], a[INET6_ADDRSTRLEN];
	struct xbr_directory d;
	size_t i;

	for (i = 0; i < n; i++, r++) {
		if (!(r->flags & (XBR_FDB_F_STATIC | XBR_FDB_F_STICKY)) ||
		    r->kind == XBR_KIND_ATTACHED || r->kind == XBR_KIND_DOCKER)
			continue;
		/* Behind a directory uplink: the directory's, not configuration. */
		if ((r->flags & XBR_FDB_F_REMOTE) && dir_load(b, r->netns, &d) == 0)
			continue;
		xbr_format_mac(r->mac, mac);
		fprintf(f, "xbr -b %s fdb replace %s", b, mac);
		if (r->flags & XBR_FDB_F_REMOTE) {
			inet_ntop(r->flags & XBR_FDB_F_REMOTE6 ? AF_INET6 : AF_INET, r->remote, a,
				  sizeof(a));
			fprintf(f, " uplink %s dst %s", r->netns, a);
		} else {
			fprintf(f, " port %s", r->kind == XBR_KIND_GATEWAY ? "gateway" : r->netns);
		}
		fprintf(f, " %s\n", r->flags & XBR_FDB_F_STATIC ? "static" : "sticky");
	}
}

static void save_publish(FILE *f, const char *b, const struct xbr_pub *p, size_t n,
			 const struct xbr_port *ports, size_t nports)
{
	char a[INET6_ADDRSTRLEN], host[INET6_ADDRSTRLEN + 16], st[48];
	const struct xbr_port *sp;
	size_t i, k;

	for (i = 0; i < n; i++, p++) {
		/* As `publish add` reads it: no address for every one of both families. */
		k = 0;
		if (p->family == AF_INET)
			k = (size_t)snprintf(host, sizeof(host), "%s:",
					     inet_ntop(AF_INET, p->addr, a, sizeof(a)));
		else if (p->family == AF_INET6)
			k = (size_t)snprintf(host, sizeof(host), "[%s]:",
					     inet_ntop(AF_INET6, p->addr, a, sizeof(a)));
		if (p->port == p->port_end)
			snprintf(host + k, sizeof(host) - k, "%u", p->port);
		else
			snprintf(host + k, sizeof(host) - k, "%u-%u", p->port, p->port_end);
		pub_format_station(p, st, sizeof(st));
		sp = port_by_name(ports, nports, p->station);
		if (sp && port_skipped(sp))
			fprintf(f, "# publication %s %s -> %s not saved: port \"%s\" is not saved\n",
				pub_proto_name(p), host, st, p->station);
		else
			fprintf(f, "xbr -b %s publish add %s %s %s\n", b, host, st, pub_proto_name(p));
	}
}

/* The whole file for @br into @f (a memory stream). */
static int save_to(FILE *f, struct xbr_bridge *br)
{
	struct xbr_uplink_row *up = NULL;
	struct xbr_fdb_row *rows = NULL;
	struct xbr_port *ports = NULL;
	struct xbr_pub *pubs = NULL;
	struct xbr_name_ent *names = NULL;
	size_t nports = 0, nup = 0, nrows = 0, npubs = 0, nnames = 0, i;
	const char *b = br_name(br);
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int err;

	err = br_ports(br, &ports, &nports);
	if (!err)
		err = br_uplinks(br, &up, &nup);
	if (!err)
		err = br_fdb_rows(br, &rows, &nrows);
	if (!err)
		err = pub_list(br, &pubs, &npubs);
	if (!err)
		err = br_names(br, &names, &nnames);
	if (err) {
		pr_warn("bridge \"%s\": cannot read its configuration: %s", b, strerror(-err));
		goto cleanup;
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "# xbr %s configuration of bridge %s\n", XBR_VERSION, b);
	fprintf(f, "# saved %s\n", when);
	fprintf(f, "# Bring it back with `xbr up -f FILE`: the lines run as one command and are\n"
		   "# undone whole when one fails. Each line is also an xbr command of its own.\n");
	save_up(f, b, br_config(br), ports, nports, names, nnames);
	for (i = 0; i < nports; i++) {
		struct xbr_port_meta meta = {};

		if (!port_skipped(&ports[i]))
			continue;
		br_port_meta(br, ports[i].ifindex, &meta);
		if (ports[i].kind == XBR_KIND_DOCKER)
			fprintf(f, "# port \"%s\" not saved: a Docker endpoint (container %s); Docker brings it back\n",
				ports[i].name, meta.owner[0] ? meta.owner : "?");
		else if (meta.owner[0])
			fprintf(f, "# port \"%s\" not saved: a container's (CNI, owner %s); its runtime brings it back\n",
				ports[i].name, meta.owner);
		else
			fprintf(f, "# port \"%s\" not saved: attached (netns %s); its namespace's owner brings it back\n",
				ports[i].name, meta.nspath[0] ? meta.nspath : "?");
	}
	save_uplinks(f, b, up, nup);
	save_port_flags(f, b, ports, nports);
	save_fdb(f, b, rows, nrows);
	save_publish(f, b, pubs, npubs, ports, nports);
	/* After the publications: those without an address stay on every one. */
	if (br_config(br)->pub_addr) {
		char pa[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &br_config(br)->pub_addr, pa, sizeof(pa));
		fprintf(f, "xbr -b %s set publish-address %s\n", b, pa);
	}
cleanup:
	br_uplinks_free(up, nup);
	free(rows);
	free(pubs);
	free(names);
	free(ports);
	return err;
}

/* Write @len bytes of @buf to @path whole or not at all: a temporary file
 * beside it, mode 0644, synced, renamed over it. */
static int write_atomic(const char *path, const char *buf, size_t len)
{
	char *tmp = NULL;
	size_t off = 0;
	int fd = -1, err = 0;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		goto cleanup;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		tmp = NULL;
		goto cleanup;
	}
	if (fchmod(fd, 0644) < 0) {
		err = -errno;
		goto cleanup;
	}
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = -errno;
			goto cleanup;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		err = -errno;
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		err = -errno;
cleanup:
	if (fd >= 0)
		close(fd);
	if (err && tmp)
		unlink(tmp);
	free(tmp);
	if (err)
		pr_warn("file \"%s\": cannot write: %s", path, strerror(-err));
	return err;
}

int do_save(const struct xbr_args *a)
{
	const char *path = a->npos ? a->pos[0] : "-";
	struct xbr_bridge *br = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int err;

	err = cmd_open_bridge(&br); /* "bridge X is not up" when it is not */
	if (err)
		goto cleanup;
	f = open_memstream(&buf, &len);
	if (!f) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = save_to(f, br);
	if (fclose(f) && !err)
		err = -ENOMEM;
	f = NULL;
	if (err)
		goto cleanup;
	if (strcmp(path, "-")) {
		err = write_atomic(path, buf, len);
	} else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout)) {
		err = -EIO;
		pr_warn("save: cannot write to standard output");
	}
cleanup:
	br_close(br);
	free(buf);
	return err;
}

/* ---- up -f ---- */

/* One command line of a file: its words, its number. */
struct file_line {
	int no;
	int argc; /* words from the object on ("up", "port set ns1 ...") */
	char **argv;
	char *text; /* the words' storage */
};

struct saved_file {
	const char *path;
	struct file_line *lines;
	size_t n;
	char bridge[XBR_IFNAMSIZ]; /* from the file's -b ("" when none) */
};

static void file_free(struct saved_file *sf)
{
	size_t i;

	for (i = 0; i < sf->n; i++) {
		free(sf->lines[i].argv);
		free(sf->lines[i].text);
	}
	free(sf->lines);
	sf->lines = NULL;
	sf->n = 0;
}

/* What a saved file may hold: configuration, never a removal or a query. */
static const char *const file_cmds[] = {
	"up",	     "set ageing",  "set icc",	   "set neigh-suppress",  "set mode",
	"set nat",   "set dns",	   "set publish-address", "port add",    "port set",	   "fdb add",		  "fdb replace",
	"publish add", "uplink add", "uplink peer add", NULL,
};

/* The full command path of @argv ("port set"), resolved as cmd_run does. */
static int line_path(int argc, char **argv, char *path, size_t len)
{
	const struct xbr_cmd *table = xbr_objects, *c;
	int i, amb;

	path[0] = '\0';
	for (i = 0; i < argc; i++) {
		c = cmd_lookup(table, argv[i], &amb);
		if (!c)
			return -EINVAL;
		snprintf(path + strlen(path), len - strlen(path), "%s%s", i ? " " : "", c->name);
		if (!c->cmds)
			return 0;
		table = c->cmds;
	}
	return -EINVAL;
}

/* Check one line's words (@w[0..n), "xbr" first) into @l; the cause in @why. */
static int line_check(struct saved_file *sf, char **w, int n, struct file_line *l, char *why,
		      size_t wlen)
{
	char path[64];
	int i = 1, k;

	if (strcmp(w[0], "xbr")) {
		snprintf(why, wlen, "\"%s\": a line is an xbr command line, starting with \"xbr\"",
			 w[0]);
		return -EINVAL;
	}
	while (i < n && w[i][0] == '-') {
		const char *name;

		if (!strcmp(w[i], "-b") || !strcmp(w[i], "--bridge")) {
			if (i + 1 >= n) {
				snprintf(why, wlen, "%s needs a bridge name", w[i]);
				return -EINVAL;
			}
			name = w[i + 1];
			i += 2;
		} else if (!strncmp(w[i], "--bridge=", 9)) {
			name = w[i] + 9;
			i++;
		} else {
			snprintf(why, wlen, "option \"%s\" has no place in a saved file", w[i]);
			return -EINVAL;
		}
		if (!sf->bridge[0]) {
			if (strlen(name) >= sizeof(sf->bridge)) {
				snprintf(why, wlen, "bridge name \"%s\" is too long", name);
				return -EINVAL;
			}
			snprintf(sf->bridge, sizeof(sf->bridge), "%s", name);
		} else if (strcmp(name, sf->bridge)) {
			snprintf(why, wlen, "bridge \"%s\": the file's lines are for bridge \"%s\"",
				 name, sf->bridge);
			return -EINVAL;
		}
	}
	if (i >= n) {
		snprintf(why, wlen, "no command");
		return -EINVAL;
	}
	for (k = i; k < n; k++) {
		if (!strcmp(w[k], "help")) {
			snprintf(why, wlen, "\"help\" has no place in a saved file");
			return -EINVAL;
		}
	}
	if (line_path(n - i, w + i, path, sizeof(path))) {
		snprintf(why, wlen, "\"%s\": not a command of xbr", w[i]);
		return -EINVAL;
	}
	for (k = 0; file_cmds[k] && strcmp(file_cmds[k], path); k++)
		;
	if (!file_cmds[k]) {
		snprintf(why, wlen, "\"%s\" is not a configuration command", path);
		return -EINVAL;
	}
	if ((sf->n == 0) != !strcmp(path, "up")) {
		snprintf(why, wlen, sf->n ? "\"up\" is the first command, and only it" :
					    "the first command is \"up\"");
		return -EINVAL;
	}
	l->argc = n - i;
	memmove(w, w + i, (size_t)(n - i) * sizeof(*w));
	l->argv = w;
	return 0;
}

/* Read and check every line of @sf->path before anything is done. */
static int file_read(struct saved_file *sf)
{
	char *line = NULL, why[256], *save, *tok;
	size_t cap = 0, lcap = 0;
	ssize_t len;
	int no = 0, err = 0;
	FILE *f = fopen(sf->path, "re");
	struct stat st;

	if (!f) {
		err = -errno;
		pr_warn("file \"%s\": %s", sf->path, strerror(errno));
		return err;
	}
	/* Its lines run as root: a file someone else may write is refused (as
	 * sshd's StrictModes refuses such an authorized_keys). */
	if (fstat(fileno(f), &st) == 0 &&
	    (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))) {
		pr_warn("file \"%s\": writable by others than root (owner %u, mode %04o): refused",
			sf->path, (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777));
		fclose(f);
		return -EPERM;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct file_line l = { .no = ++no };
		char **w = NULL, **nw;
		int n = 0, wcap = 0;

		(void)len;
		tok = line + strspn(line, " \t\r\n");
		if (!*tok || *tok == '#')
			continue;
		l.text = strdup(tok);
		if (!l.text) {
			err = -ENOMEM;
			break;
		}
		for (tok = strtok_r(l.text, " \t\r\n", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (n + 1 >= wcap) {
				wcap = wcap ? wcap * 2 : 16;
				nw = realloc(w, (size_t)wcap * sizeof(*w));
				if (!nw) {
					err = -ENOMEM;
					break;
				}
				w = nw;
			}
			w[n++] = tok;
		}
		if (!err)
			err = line_check(sf, w, n, &l, why, sizeof(why));
		if (!err && sf->n == lcap) {
			struct file_line *nl;

			lcap = lcap ? lcap * 2 : 16;
			nl = realloc(sf->lines, lcap * sizeof(*nl));
			if (!nl)
				err = -ENOMEM;
			else
				sf->lines = nl;
		}
		if (err) {
			if (err == -ENOMEM)
				snprintf(why, sizeof(why), "out of memory");
			pr_warn("%s:%d: %s", sf->path, no, why);
			free(w);
			free(l.text);
			break;
		}
		sf->lines[sf->n++] = l;
	}
	if (!err && ferror(f)) {
		err = -EIO;
		pr_warn("file \"%s\": cannot read it", sf->path);
	}
	if (!err && !sf->n) {
		err = -EINVAL;
		pr_warn("file \"%s\": no command in it", sf->path);
	}
	free(line);
	fclose(f);
	return err;
}

/* Set when the lines of a file run: `up -f` is not one of them. */
static int in_file;

/*
 * Apply @path to its bridge (@bridge: -b's, or NULL for the file's); with
 * -j and @show, print the bridge as `up -j` does. 0;
 * -EEXIST when the bridge is up already (nothing done); another negative
 * errno after one line "FILE:LINE: cause" with the bridge taken down again.
 */
static int apply_file(const char *path, const char *bridge, int show)
{
	struct saved_file sf = { .path = path };
	struct xbr_globals saved = g;
	struct xbr_bridge *br = NULL;
	char cap[1024] = "";
	int err, made = 0, out = -1, null = -1, fail = -1, up;
	size_t i;

	err = file_read(&sf);
	if (err)
		goto cleanup;
	if (bridge)
		snprintf(sf.bridge, sizeof(sf.bridge), "%s", bridge);
	else if (!sf.bridge[0])
		snprintf(sf.bridge, sizeof(sf.bridge), "%s", g.bridge);
	err = cmd_check_bridge_name(sf.bridge);
	if (!err)
		err = br_lock_hold(sf.bridge);
	if (err)
		goto cleanup;
	err = br_init(&br, sf.bridge);
	up = !err && br_is_up(br);
	br_close(br);
	br = NULL;
	if (err)
		goto cleanup;
	if (up) {
		pr_warn("%s: bridge \"%s\" is already up (`xbr -b %s down` first)", path, sf.bridge,
			sf.bridge);
		err = -EEXIST;
		goto cleanup;
	}
	/* The lines' own output (`published ...`) is not this command's. */
	fflush(stdout);
	out = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0) {
		err = -errno;
		pr_warn("%s: cannot redirect standard output: %s", path, strerror(errno));
		goto cleanup;
	}
	g.bridge = sf.bridge;
	g.json = g.pretty = g.help = false;
	in_file = 1;
	for (i = 0; i < sf.n; i++) {
		xbr_log_capture(cap, sizeof(cap));
		err = cmd_run(sf.lines[i].argc, sf.lines[i].argv) ? -EINVAL : 0;
		xbr_log_capture(NULL, 0);
		fflush(stdout);
		if (err) {
			fail = (int)i;
			break;
		}
		made = 1;
	}
	in_file = 0;
	g = saved;
	dup2(out, STDOUT_FILENO);
	if (fail >= 0) {
		/* The bridge this file made goes: nothing of it is left. */
		if (made && br_init(&br, sf.bridge) == 0)
			br_down(br);
		if (made)
			br_close(br);
		cap[strcspn(cap, "\n")] = '\0';
		pr_warn("%s:%d: %s", path, sf.lines[fail].no, cap[0] ? cap : "failed");
	}
cleanup:
	if (null >= 0)
		close(null);
	if (out >= 0)
		close(out);
	br_lock_release();
	if (!err && !g.json)
		printf("bridge %s up from %s: %zu command%s\n", sf.bridge, path, sf.n,
		       sf.n == 1 ? "" : "s");
	if (!err && g.json && show) {
		/* -j: the bridge, as `up` prints it */
		const char *b = g.bridge;

		g.bridge = sf.bridge;
		err = do_show(NULL);
		g.bridge = b;
	}
	file_free(&sf);
	return err;
}

/* The *.conf files of a directory (not hidden), in name order. */
static int conf_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

int up_from_file(const char *path)
{
	struct dirent **names = NULL;
	struct stat st;
	int n, i, err = 0, failed = 0;

	if (in_file) {
		pr_warn("up -f has no place in a saved file");
		return -EINVAL;
	}
	if (stat(path, &st) < 0) {
		err = -errno;
		pr_warn("file \"%s\": %s", path, strerror(errno));
		return err;
	}
	if (!S_ISDIR(st.st_mode))
		return apply_file(path, g.bridge_given ? g.bridge : NULL, 1);
	if (g.bridge_given) {
		pr_warn("up -f %s: a directory's files name their bridges; -b is for one FILE", path);
		return -EINVAL;
	}
	/* A directory (/etc/xbr at boot): every file, each on its own; a
	 * bridge that is up already is left as it is. */
	n = scandir(path, &names, conf_filter, alphasort);
	if (n < 0) {
		err = -errno;
		pr_warn("directory \"%s\": %s", path, strerror(errno));
		return err;
	}
	for (i = 0; i < n; i++) {
		char *file = NULL;

		if (asprintf(&file, "%s/%s", path, names[i]->d_name) < 0) {
			failed++;
			err = -ENOMEM;
		} else {
			err = apply_file(file, NULL, 0);
			if (err && err != -EEXIST)
				failed++;
			free(file);
		}
		free(names[i]);
	}
	free(names);
	if (!n)
		pr_info("directory \"%s\": no *.conf file", path);
	return failed ? -EINVAL : 0;
}
