/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Leveled messages: warnings always, info with -v, debug (and libbpf) with -vv. */
#ifndef XBR_LOG_H
#define XBR_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum xbr_log_level { XBR_LOG_WARN = 0, XBR_LOG_INFO = 1, XBR_LOG_DEBUG = 2 };

extern int xbr_verbosity;

void xbr_log(enum xbr_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xbr_log_setup_libbpf(void);
/* Warnings of the calling thread go into @buf (size @size, NUL-terminated,
 * lines kept) instead of stderr, until called with @size 0 (port_batch.c). */
void xbr_log_capture(char *buf, size_t size);

#define pr_warn(...) xbr_log(XBR_LOG_WARN, __VA_ARGS__)
#define pr_info(...) xbr_log(XBR_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) xbr_log(XBR_LOG_DEBUG, __VA_ARGS__)

#endif
