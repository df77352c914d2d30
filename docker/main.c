// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr-docker: xbr as a Docker network driver (docs/docker.md). Serves
 * Docker's remote network driver API on a unix socket (by default
 * /run/docker/plugins/xbr.sock, where dockerd looks for driver "xbr"), made
 * here or handed over by systemd (socket activation). HTTP is libmicrohttpd's:
 * one thread answers the requests one at a time, which is what the bridges
 * want anyway (every change takes the bridge's lock).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <microhttpd.h>
#include "docker.h"
#include "log.h"

#define MAX_BODY (1u << 20)

struct req {
	char *buf;
	size_t len;
	int too_big;
};

static enum MHD_Result send_reply(struct MHD_Connection *c, struct dk_reply r)
{
	char *s = r.body ? json_dumps(r.body, JSON_COMPACT) : NULL;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	json_decref(r.body);
	if (!s)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(s);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, DK_CONTENT_TYPE);
	ret = MHD_queue_response(c, r.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Called once with the headers, once per piece of the body, once at the end. */
static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *data,
			       size_t *data_size, void **con_cls)
{
	struct req *q = *con_cls;
	struct dk_reply r;
	json_t *in;

	(void)cls;
	(void)version;
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		*con_cls = q;
		return MHD_YES;
	}
	if (*data_size) {
		if (q->len + *data_size > MAX_BODY) {
			q->too_big = 1;
		} else {
			char *nb = realloc(q->buf, q->len + *data_size + 1);

			if (!nb)
				return MHD_NO;
			memcpy(nb + q->len, data, *data_size);
			q->buf = nb;
			q->len += *data_size;
			q->buf[q->len] = '\0';
		}
		*data_size = 0;
		return MHD_YES;
	}
	if (!dk_known(url))
		return send_reply(c, dk_err(404, "unknown method %s", url));
	if (strcmp(method, MHD_HTTP_METHOD_POST))
		return send_reply(c, dk_err(405, "%s: POST only", url));
	if (q->too_big)
		return send_reply(c, dk_err(413, "%s: request larger than %u bytes", url, MAX_BODY));
	in = dk_parse(q->buf, q->len, &r);
	if (in) {
		dk_lib_lock();
		r = dk_call(url, in);
		dk_lib_unlock();
		json_decref(in);
	}
	return send_reply(c, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req *q = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (q) {
		free(q->buf);
		free(q);
		*con_cls = NULL;
	}
}

/* systemd's socket activation without libsystemd: fd 3, when it is ours. */
static int systemd_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	int type = 0, acc = 0;
	socklen_t len = sizeof(int);

	if (!pid || !n || (pid_t)strtol(pid, NULL, 10) != getpid())
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (strcmp(n, "1") || getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    type != SOCK_STREAM || getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) || !acc) {
		fprintf(stderr, "xbr-docker: systemd handed over something else than one listening stream socket\n");
		return -2;
	}
	fcntl(3, F_SETFD, FD_CLOEXEC);
	return 3;
}

/* Our own socket at @path: fd, or -1 after one line. */
static int listen_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char dir[sizeof(a.sun_path)], *slash;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "xbr-docker: socket %s: path too long\n", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	/* Its directory and every missing one above it (mkdir -p). */
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			fprintf(stderr, "xbr-docker: socket %s: cannot make %s: %s\n", path, dir,
				strerror(errno));
			return -1;
		}
		*slash = '/';
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xbr-docker: socket %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* A socket that answers belongs to a running xbr-docker: leave it. */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		fprintf(stderr, "xbr-docker: socket %s: another xbr-docker answers there\n", path);
		close(fd);
		return -1;
	}
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path); /* what a killed run left */
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || chmod(path, 0600) ||
	    listen(fd, 64)) {
		fprintf(stderr, "xbr-docker: socket %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xbr-docker [--socket PATH] [--docker-host PATH] [-v]\n"
		"Docker's network driver \"" DK_DRIVER "\" on xbr bridges (docs/docker.md).\n"
		"  --socket PATH       where dockerd finds the driver (default " DK_SOCKET ");\n"
		"                      under systemd the socket unit hands it over\n"
		"  --docker-host PATH  dockerd's API socket, to learn container names\n"
		"                      (default /run/docker.sock; \"\" for none)\n"
		"  -v, --verbose       say more (twice: debug)\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "docker-host", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = DK_SOCKET, *docker = "/run/docker.sock";
	struct MHD_Daemon *d;
	sigset_t ss;
	int fd, own, opt, sig;

	while ((opt = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 'd':
			docker = optarg;
			if (!strncmp(docker, "unix://", 7))
				docker += 7;
			break;
		case 'v':
			xbr_verbosity++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xbr-docker: unexpected argument \"%s\"\n", argv[optind]);
		return 2;
	}
	xbr_log_setup_libbpf();
	/* Blocked before any thread exists, so that every thread inherits it. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Containers lost while the driver was away (dockerd restarted without
	 * live-restore, the host's containers killed): their ports go now,
	 * before the socket answers anyone. */
	dk_lib_lock();
	dk_gc_all();
	dk_lib_unlock();
	fd = systemd_fd();
	if (fd == -2)
		return 1;
	own = fd < 0;
	if (own && (fd = listen_unix(path)) < 0)
		return 1;
	if (dk_names_start(docker))
		fprintf(stderr, "xbr-docker: cannot start the name resolver: container names stay unknown\n");
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			     handler, NULL, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)0, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "xbr-docker: cannot serve %s (libmicrohttpd)\n", path);
		if (own)
			unlink(path);
		return 1;
	}
	fprintf(stderr, "xbr-docker: driver \"" DK_DRIVER "\" on %s\n", own ? path : "the socket systemd handed over");
	sigwait(&ss, &sig);
	MHD_stop_daemon(d); /* closes fd */
	dk_names_stop();
	if (own)
		unlink(path);
	return 0;
}
