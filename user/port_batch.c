// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Adding many stations at once (`up` with many namespaces): a few worker
 * threads each run port_make() (namespace, veth pair, addresses and routes
 * inside, datapath attachment) for the next station, each with its own copy
 * of the bridge and its own rtnetlink socket, while the main thread waits;
 * then the main thread records them one by one in the order given
 * (port_commit(): stats indexes, flood slots and the config are written by
 * one thread only, so the table is the same as a sequential `up` makes).
 *
 * Where the kernel lets two CPUs work at once: creating a namespace
 * (setup_net) and the work around each request run in parallel; requests
 * that take the RTNL lock (link creation, addresses, routes, tc) still run
 * one at a time, but a thread waiting for it no longer holds up the others'
 * namespaces. Every station is in the crash journal from its port_make() to
 * its port_commit(), as in the sequential path, so a killed `up` leaves
 * nothing `down` cannot find.
 *
 * Errors: the first failure stops the others from taking new work; its
 * one-line message is printed (the other workers' messages are dropped: a
 * fault or a shortage hits them all alike), and every port made is undone,
 * before any is recorded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "log.h"
#include "netns.h"
#include "port.h"

/* At most this many threads (RTNL serializes most of the work anyway). */
#define BATCH_MAX_WORKERS 4
/* Fewer stations than this: the sequential path (no threads). */
#define BATCH_MIN 8

struct batch {
	struct xbr_bridge *br;
	const struct xbr_ns_spec *specs;
	struct port_made *made;
	int *err; /* per station: 0 made, else the errno (1: not tried) */
	size_t n;
	size_t next; /* the next station to make (atomic) */
	size_t done; /* stations made or failed (atomic, for the progress line) */
	int running; /* threads still working (atomic) */
	int failed; /* set by the first failure (atomic) */
	char msg[512]; /* that failure's message */
	pthread_mutex_t lock; /* msg */
};

static void *worker(void *arg)
{
	struct batch *b = arg;
	struct xbr_bridge *wb;
	char msg[512];
	size_t i;
	int err;

	wb = malloc(sizeof(*wb));
	if (!wb)
		goto out;
	*wb = *b->br;
	wb->ports = NULL; /* the main thread's; port_make() reads no records */
	if (nl_open(&wb->nl)) {
		free(wb);
		goto out; /* the stations it would have made stay "not tried" */
	}
	for (;;) {
		i = __atomic_fetch_add(&b->next, 1, __ATOMIC_SEQ_CST);
		if (i >= b->n || __atomic_load_n(&b->failed, __ATOMIC_SEQ_CST))
			break;
		xbr_log_capture(msg, sizeof(msg));
		err = port_make(wb, &b->specs[i], &b->made[i]);
		xbr_log_capture(NULL, 0);
		b->err[i] = err;
		__atomic_fetch_add(&b->done, 1, __ATOMIC_SEQ_CST);
		if (err && !__atomic_exchange_n(&b->failed, 1, __ATOMIC_SEQ_CST)) {
			pthread_mutex_lock(&b->lock);
			snprintf(b->msg, sizeof(b->msg), "%s", msg);
			pthread_mutex_unlock(&b->lock);
		}
	}
	nl_close(&wb->nl);
	port_index_drop(wb);
	free(wb);
out:
	__atomic_fetch_sub(&b->running, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Say the captured message @msg, line by line, as any other. */
static void say(const char *msg)
{
	const char *p = msg, *nl;

	while (*p && (nl = strchr(p, '\n'))) {
		pr_warn("%.*s", (int)(nl - p), p);
		p = nl + 1;
	}
}

static int batch_workers(size_t n)
{
	const char *e = getenv("XBR_WORKERS"); /* for measurements */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), w = cpus < 2 ? 2 : cpus;

	if (e && *e)
		w = strtol(e, NULL, 10);
	if (w > BATCH_MAX_WORKERS)
		w = BATCH_MAX_WORKERS;
	if (w < 1)
		w = 1;
	return (int)((size_t)w < n ? (size_t)w : n);
}

int port_add_batch(struct xbr_bridge *br, const struct xbr_ns_spec *specs, size_t n)
{
	pthread_t tid[BATCH_MAX_WORKERS];
	struct batch b = { .br = br, .specs = specs, .n = n };
	int nw, started = 0, err = 0, i;
	size_t k;

	nw = batch_workers(n);
	if (n < BATCH_MIN || nw < 2) {
		for (k = 0; !err && k < n; k++) {
			xbr_progress("up: namespace", k + 1, n);
			err = port_add(br, &specs[k]);
		}
		xbr_progress(NULL, 0, 0);
		return err;
	}
	err = netns_prepare(); /* once, before the threads make namespaces */
	if (err) {
		pr_warn("bridge \"%s\": cannot prepare %s: %s", br->name, XBR_NETNS_DIR,
			strerror(-err));
		return err;
	}
	b.made = calloc(n, sizeof(*b.made));
	b.err = calloc(n, sizeof(*b.err));
	if (!b.made || !b.err) {
		err = -ENOMEM;
		goto out;
	}
	for (k = 0; k < n; k++)
		b.err[k] = 1; /* not tried */
	pthread_mutex_init(&b.lock, NULL);
	b.running = nw;
	for (i = 0; i < nw; i++)
		if (pthread_create(&tid[i], NULL, worker, &b) == 0)
			started++;
	__atomic_fetch_sub(&b.running, nw - started, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&b.running, __ATOMIC_SEQ_CST) > 0) {
		size_t done = __atomic_load_n(&b.done, __ATOMIC_SEQ_CST);

		xbr_progress("up: namespace", done < n ? done + 1 : n, n);
		usleep(20000);
	}
	xbr_progress(NULL, 0, 0);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&b.lock);

	if (b.failed) {
		/* The first failure says why; every station made goes. */
		say(b.msg);
		for (k = 0; k < n; k++) {
			if (!b.err[k])
				journal_undo(br, &b.made[k].j);
			else if (b.err[k] != 1 && !err)
				err = b.err[k];
		}
		goto out;
	}
	/* Stations no thread took (no thread could start, or open its
	 * socket): made here, one by one. */
	for (k = 0; !err && k < n; k++)
		if (b.err[k] == 1 && (err = port_make(br, &specs[k], &b.made[k])) == 0)
			b.err[k] = 0;
	/* Recorded in the order given; a failure undoes the rest. */
	for (k = 0; k < n; k++) {
		if (b.err[k])
			continue;
		if (!err)
			err = port_commit(br, &specs[k], &b.made[k]); /* undoes itself */
		else
			journal_undo(br, &b.made[k].j);
	}
out:
	free(b.made);
	free(b.err);
	return err;
}
