// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <bpf/libbpf.h>
#include "log.h"

int xbr_verbosity;
static void (*log_sink)(enum xbr_log_level level, const char *msg);

void xbr_log_set_sink(void (*sink)(enum xbr_log_level level, const char *msg))
{
	log_sink = sink;
}

void xbr_log(enum xbr_log_level level, const char *fmt, ...)
{
	va_list ap;

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
	fputs("xbr: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (xbr_verbosity < 2 && level != LIBBPF_WARN)
		return 0;
	if (xbr_verbosity < 1)
		return 0; /* libbpf's own log only with -v: our errors say what failed */
	return vfprintf(stderr, fmt, ap);
}

void xbr_log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
