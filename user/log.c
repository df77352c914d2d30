// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Messages on standard error: see log.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "log.h"

int xbr_verbosity;
unsigned int xbr_warnings;
static int progress_shown; /* a progress line is on the terminal */
static void (*log_sink)(enum xbr_log_level level, const char *msg);

void xbr_log_set_sink(void (*sink)(enum xbr_log_level level, const char *msg))
{
	log_sink = sink;
}

static void progress_erase(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

void xbr_log(enum xbr_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level == XBR_LOG_WARN)
		xbr_warnings++;
	if ((int)level > xbr_verbosity)
		return;
	if (log_sink) {
		char msg[512];

		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		log_sink(level, msg);
		return;
	}
	progress_erase();
	fputs("xbr: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void xbr_progress(const char *what, size_t n, size_t m)
{
	static struct timespec last;
	static int tty = -1;
	struct timespec now;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!what) {
		progress_erase();
		return;
	}
	if (!tty || m < 2)
		return;
	/* At most ten updates a second: a terminal is slow too. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (n > 1 && n < m && progress_shown &&
	    (now.tv_sec - last.tv_sec) * 1000000000L + (now.tv_nsec - last.tv_nsec) < 100000000L)
		return;
	last = now;
	fprintf(stderr, "\r\033[Kxbr: %s %zu of %zu", what, n, m);
	fflush(stderr);
	progress_shown = 1;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (xbr_verbosity < 2 && level != LIBBPF_WARN)
		return 0;
	if (xbr_verbosity < 1)
		return 0; /* libbpf's own log only with -v: our errors say what failed */
	progress_erase();
	return vfprintf(stderr, fmt, ap);
}

void xbr_log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
