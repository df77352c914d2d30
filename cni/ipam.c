// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * IPAM delegation, as the reference plugins do it (libcni's invoke package):
 * the plugin named by ipam.type is looked up in CNI_PATH and run with this
 * plugin's environment (CNI_COMMAND set to the delegated command) and the
 * same network configuration on stdin; its stdout is a result or an error
 * object, its stderr goes where ours goes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "ipam.h"

extern char **environ;

/* An IPAM plugin that has not answered in this long is killed (dhcp waits
 * for its daemon; host-local and static answer in milliseconds). */
#define IPAM_TIMEOUT_MS (60 * 1000)
#define IPAM_OUT_MAX (1 << 20)

int ipam_find(const char *type, char *path, size_t len)
{
	const char *cp = getenv("CNI_PATH");
	char dirs[4096], *save = NULL, *d;
	struct stat st;

	if (!cp || !*cp)
		return cni_fail(CNI_ERR_ENV, "CNI_PATH is not set (where IPAM plugin \"%s\" is)", type);
	snprintf(dirs, sizeof(dirs), "%s", cp);
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (!*d)
			continue;
		snprintf(path, len, "%s/%s", d, type);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
			return 0;
	}
	return cni_fail(CNI_ERR_CONFIG, "IPAM plugin \"%s\" not found in CNI_PATH %s", type, cp);
}

/* environ with CNI_COMMAND, and CNI_CONTAINERID / CNI_IFNAME when given, replaced. */
static char **ipam_env(const char *cmd, const char *cid, const char *ifname, char *own[3])
{
	size_t n = 0, i, o = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 4, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!strncmp(environ[i], "CNI_COMMAND=", 12) ||
		    (cid && !strncmp(environ[i], "CNI_CONTAINERID=", 16)) ||
		    (ifname && !strncmp(environ[i], "CNI_IFNAME=", 11)))
			continue;
		env[o++] = environ[i];
	}
	own[0] = own[1] = own[2] = NULL;
	if (asprintf(&own[0], "CNI_COMMAND=%s", cmd) < 0 ||
	    (cid && asprintf(&own[1], "CNI_CONTAINERID=%s", cid) < 0) ||
	    (ifname && asprintf(&own[2], "CNI_IFNAME=%s", ifname) < 0)) {
		free(env);
		return NULL;
	}
	for (i = 0; i < 3; i++)
		if (own[i])
			env[o++] = own[i];
	return env;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Run @path with @env, @in on its stdin; its stdout into *out (NUL-ended,
 * caller frees). Returns its exit status (0..255), or -1 with cni_err set.
 */
static int run(const char *path, char **env, const char *in, size_t inlen, char **out,
	       size_t *outlen)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, status = 0, rc = -1;
	size_t written = 0, got = 0, cap = 4096;
	struct timespec t0;
	char *buf = malloc(cap);
	pid_t pid;

	*out = NULL;
	if (!buf || pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0) {
		cni_fail(CNI_ERR_IO, "IPAM plugin %s: cannot make pipes: %s", path, strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		cni_fail(CNI_ERR_TRY_AGAIN, "IPAM plugin %s: cannot fork: %s", path, strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0)
			_exit(127);
		execve(path, (char *[]){ (char *)path, NULL }, env);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	pin[0] = pout[1] = -1;
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (inlen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	for (;;) {
		struct pollfd pf[2] = { { .fd = pout[0], .events = POLLIN },
					{ .fd = pin[1], .events = POLLOUT } };
		long left = IPAM_TIMEOUT_MS - elapsed_ms(&t0);
		ssize_t n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			cni_fail(CNI_ERR_TRY_AGAIN, "IPAM plugin %s did not answer within %d s", path,
				 IPAM_TIMEOUT_MS / 1000);
			goto out;
		}
		if (poll(pf, pin[1] >= 0 ? 2 : 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pin[1] >= 0 && (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			n = write(pin[1], in + written, inlen - written);
			if (n > 0)
				written += (size_t)n;
			if (n < 0 && errno != EAGAIN) /* it stopped reading: fine */
				written = inlen;
			if (written == inlen) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (got + 1 >= cap) {
				char *nb = cap < IPAM_OUT_MAX ? realloc(buf, cap * 2) : NULL;

				if (!nb) {
					kill(pid, SIGKILL);
					waitpid(pid, NULL, 0);
					cni_fail(CNI_ERR_IO, "IPAM plugin %s: output too large", path);
					goto out;
				}
				buf = nb;
				cap *= 2;
			}
			n = read(pout[0], buf + got, cap - got - 1);
			if (n > 0)
				got += (size_t)n;
			else if (n == 0 || errno != EINTR)
				break; /* end of its output */
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	buf = NULL;
	if (WIFEXITED(status)) {
		rc = WEXITSTATUS(status);
		if (rc == 127 && got == 0) {
			cni_fail(CNI_ERR_CONFIG, "IPAM plugin %s could not be run", path);
			rc = -1;
		}
	} else {
		cni_fail(CNI_ERR_INTERNAL, "IPAM plugin %s was killed by signal %d", path,
			 WTERMSIG(status));
	}
out:
	free(buf);
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
	}
	return rc;
}

/* The IPAM plugin's error object (or a description of its failure) into cni_err. */
static void ipam_error(const char *type, const char *cmd, int status, const char *out, size_t len)
{
	json_t *j = json_loadb(out, len, 0, NULL), *code = json_object_get(j, "code");
	const char *msg = json_string_value(json_object_get(j, "msg"));
	const char *det = json_string_value(json_object_get(j, "details"));

	if (json_is_integer(code) && json_integer_value(code) > 0) {
		/* Passed on as it is, as the reference plugins do. */
		cni_fail((int)json_integer_value(code), "IPAM plugin %s (%s): %s", type, cmd,
			 msg ? msg : "failed");
		if (det && *det)
			cni_details_add(det);
	} else {
		cni_fail(CNI_ERR_INTERNAL, "IPAM plugin %s (%s) failed with exit status %d", type, cmd,
			 status);
	}
	json_decref(j);
}

int ipam_exec(const struct cni_conf *c, const char *conf, size_t conflen, const char *cmd,
	      const char *cid, const char *ifname, struct cni_result *res, json_t **raw)
{
	char path[PATH_MAX], *out = NULL, *own[3] = { NULL, NULL, NULL }, *own_conf = NULL;
	char **env = NULL;
	size_t outlen = 0;
	int status, err = -1;

	if (raw)
		*raw = NULL;
	if (ipam_find(c->ipam_type, path, sizeof(path)))
		return -1;
	/*
	 * A 1.1.0 configuration for an IPAM plugin that stops at 1.0.0 (as
	 * Debian 12's host-local does): its ADD/DEL/CHECK are the same in both,
	 * so the plugin gets the configuration as 1.0.0.
	 */
	if (c->vnum >= 10100 && strcmp(cmd, "VERSION") && strcmp(cmd, "GC") &&
	    strcmp(cmd, "STATUS") && !ipam_supports(c, c->version)) {
		json_t *copy = json_deep_copy(c->root);

		json_object_set_new(copy, "cniVersion", json_string("1.0.0"));
		conf = own_conf = json_dumps(copy, JSON_COMPACT);
		json_decref(copy);
		if (!own_conf)
			return cni_fail(CNI_ERR_INTERNAL, "out of memory");
		conflen = strlen(own_conf);
	}
	env = ipam_env(cmd, cid, ifname, own);
	if (!env) {
		free(own_conf);
		return cni_fail(CNI_ERR_INTERNAL, "out of memory");
	}
	status = run(path, env, conf, conflen, &out, &outlen);
	if (status < 0)
		goto out;
	if (status != 0) {
		ipam_error(c->ipam_type, cmd, status, out, outlen);
		goto out;
	}
	if (res || raw) {
		json_error_t jerr;
		json_t *j = json_loadb(out, outlen, 0, &jerr);

		if (!j) {
			cni_fail(CNI_ERR_DECODE, "IPAM plugin %s (%s): its output is not JSON: %s",
				 c->ipam_type, cmd, jerr.text);
			goto out;
		}
		if (res && cni_result_parse(j, "IPAM result", res)) {
			json_decref(j);
			goto out;
		}
		if (raw)
			*raw = j;
		else
			json_decref(j);
	}
	err = 0;
out:
	free(out);
	free(env);
	free(own_conf);
	for (int i = 0; i < 3; i++)
		free(own[i]);
	return err;
}

int ipam_supports(const struct cni_conf *c, const char *version)
{
	static const char ask[] = "{\"cniVersion\":\"1.0.0\"}";
	static char asked[16];
	static int answer;
	json_t *j = NULL, *list, *v;
	size_t i;
	int yes = 0;
	struct cni_error saved = cni_err;

	/* One plugin per run: ask once. */
	if (!strcmp(asked, version))
		return answer;

	/* A failure here only means "no": it must not become the error. */
	if (ipam_exec(c, ask, sizeof(ask) - 1, "VERSION", NULL, NULL, NULL, &j) == 0) {
		list = json_object_get(j, "supportedVersions");
		json_array_foreach(list, i, v)
			if (json_is_string(v) && !strcmp(json_string_value(v), version))
				yes = 1;
	}
	json_decref(j);
	cni_err = saved;
	snprintf(asked, sizeof(asked), "%s", version);
	answer = yes;
	return yes;
}
