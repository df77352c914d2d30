// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr-cni: the xbr CNI plugin (installed as "xbr" in the CNI plugin
 * directory). A runtime runs it with CNI_COMMAND (ADD, DEL, CHECK, VERSION,
 * GC, STATUS) and the other CNI_* variables set and the network
 * configuration on stdin; it prints a result or an error object on stdout
 * and exits 0 or 1. docs/cni.md is the user guide.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "attach.h"
#include "cni.h"
#include "log.h"
#include "parse.h"

#define STDIN_MAX (4 << 20)

/* The bridge code's warnings go into the error object's details. */
static void log_sink(enum xbr_log_level level, const char *msg)
{
	if (level == XBR_LOG_WARN)
		cni_details_add(msg);
	else
		fprintf(stderr, "xbr: %s\n", msg);
}

static int print_json(json_t *j)
{
	int err = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	fputc('\n', stdout);
	json_decref(j);
	return fflush(stdout) || err ? -1 : 0;
}

static int read_stdin(char **out, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	if (!buf)
		return cni_fail(CNI_ERR_INTERNAL, "out of memory");
	for (;;) {
		if (n == cap) {
			char *nb = cap < STDIN_MAX ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				return cni_fail(CNI_ERR_IO, "network configuration on stdin is larger than %d bytes",
						STDIN_MAX);
			}
			buf = nb;
			cap *= 2;
		}
		r = read(0, buf + n, cap - n);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return cni_fail(CNI_ERR_IO, "cannot read the network configuration on stdin: %s",
					strerror(errno));
		}
		n += (size_t)r;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* VERSION: the configuration only says which cniVersion to answer in. */
static int do_version(const char *buf, size_t len)
{
	json_t *j = json_loadb(buf, len, 0, NULL);
	const char *v = json_string_value(json_object_get(j, "cniVersion"));
	char ver[16] = "1.0.0";

	if (v && cni_version_ok(v))
		snprintf(ver, sizeof(ver), "%s", v);
	json_decref(j);
	return print_json(cni_version_json(ver));
}

/* A CNI_* variable: NULL when unset or empty. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* K8S_POD_NAME of CNI_ARGS ("K=V;K=V"): podman puts the container's name
 * there; "" when absent or too long for a DNS label. */
static void pod_name(const char *args, char *out, size_t len)
{
	const char *p = args, *end;

	out[0] = '\0';
	while (p && *p) {
		end = strchr(p, ';');
		if (!strncmp(p, "K8S_POD_NAME=", 13)) {
			size_t n = (end ? (size_t)(end - p) : strlen(p)) - 13;

			if (n < len)
				snprintf(out, len, "%.*s", (int)n, p + 13);
			return;
		}
		p = end ? end + 1 : NULL;
	}
}

/* The variables @cmd needs (CNI specification, "Parameters"). */
static int env_read(const char *cmd, struct cni_env *e)
{
	int needs_netns = !strcmp(cmd, "ADD") || !strcmp(cmd, "CHECK");
	int attachment = needs_netns || !strcmp(cmd, "DEL");

	e->command = cmd;
	e->cid = env("CNI_CONTAINERID");
	e->netns = env("CNI_NETNS") ? env("CNI_NETNS") : "";
	e->ifname = env("CNI_IFNAME");
	pod_name(env("CNI_ARGS"), e->podname, sizeof(e->podname));
	if (!env("CNI_PATH"))
		return cni_fail(CNI_ERR_ENV, "CNI_PATH is not set");
	if (!attachment)
		return 0;
	if (!e->cid)
		return cni_fail(CNI_ERR_ENV, "CNI_CONTAINERID is not set");
	if (cni_check_container_id(e->cid))
		return cni_fail(CNI_ERR_ENV,
				"CNI_CONTAINERID \"%.80s\" is not 1-79 letters, digits, '_', '-', '.'",
				e->cid);
	if (!e->ifname)
		return cni_fail(CNI_ERR_ENV, "CNI_IFNAME is not set");
	if (xbr_check_name(e->ifname))
		return cni_fail(CNI_ERR_ENV,
				"CNI_IFNAME \"%.40s\" is not an interface name (1-15 of letters, digits, '_', '-', '.')",
				e->ifname);
	if (needs_netns && !e->netns[0])
		return cni_fail(CNI_ERR_ENV, "CNI_NETNS is not set (%s needs the namespace)", cmd);
	return 0;
}

int main(void)
{
	struct cni_conf c = {};
	struct cni_env e = {};
	struct cni_result res = {};
	const char *cmd = env("CNI_COMMAND");
	char *buf = NULL;
	size_t len = 0;
	int err = -1;

	xbr_log_set_sink(log_sink);
	/* An IPAM plugin may exit without reading all of its stdin: EPIPE, not death. */
	signal(SIGPIPE, SIG_IGN);
	if (!cmd) {
		cni_fail(CNI_ERR_ENV, "CNI_COMMAND is not set (this is a CNI plugin: see docs/cni.md)");
		goto out;
	}
	if (read_stdin(&buf, &len))
		goto out;
	if (!strcmp(cmd, "VERSION")) {
		err = do_version(buf, len);
		goto out;
	}
	if (cni_conf_parse(buf, len, &c) || env_read(cmd, &e))
		goto out;
	e.conf = buf;
	e.conflen = len;
	if (!strcmp(cmd, "ADD")) {
		err = cni_add(&c, &e, &res);
		if (!err)
			err = print_json(cni_result_json(&res, c.version));
	} else if (!strcmp(cmd, "DEL")) {
		err = cni_del(&c, &e);
	} else if (!strcmp(cmd, "CHECK")) {
		err = cni_check(&c, &e);
	} else if (!strcmp(cmd, "GC")) {
		err = cni_gc(&c, &e);
	} else if (!strcmp(cmd, "STATUS")) {
		err = cni_status(&c, &e);
	} else {
		cni_fail(CNI_ERR_ENV, "CNI_COMMAND \"%.20s\" is not ADD, DEL, CHECK, GC, STATUS or VERSION",
			 cmd);
	}
out:
	if (err)
		print_json(cni_error_json(c.version));
	cni_result_free(&res);
	cni_conf_free(&c);
	free(buf);
	return err ? 1 : 0;
}
