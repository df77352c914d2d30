// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Leveled messages to stderr (log.h), and per-thread capture of warnings. */
#include <stdio.h>
#include <bpf/libbpf.h>
#include "log.h"

int xbr_verbosity;

/* A thread's captured warnings (xbr_log_capture()). */
static __thread char *cap_buf;
static __thread size_t cap_size, cap_len;

void xbr_log_capture(char *buf, size_t size)
{
	cap_buf = size ? buf : NULL;
	cap_size = size;
	cap_len = 0;
	if (cap_buf)
		cap_buf[0] = '\0';
}

void xbr_log(enum xbr_log_level level, const char *fmt, ...)
{
	va_list ap;

	if ((int)level > xbr_verbosity)
		return;
	if (cap_buf && level == XBR_LOG_WARN) {
		int n;

		if (cap_len + 6 >= cap_size)
			return;
		n = snprintf(cap_buf + cap_len, cap_size - cap_len, "xbr: ");
		cap_len += (size_t)n;
		va_start(ap, fmt);
		n = vsnprintf(cap_buf + cap_len, cap_size - cap_len, fmt, ap);
		va_end(ap);
		cap_len = n < 0 ? cap_len : cap_len + (size_t)n;
		if (cap_len + 2 > cap_size)
			cap_len = cap_size - 2;
		cap_buf[cap_len++] = '\n';
		cap_buf[cap_len] = '\0';
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
