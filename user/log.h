/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Leveled messages: warnings always, info with -v, debug (and libbpf) with -vv. */
#ifndef XBR_LOG_H
#define XBR_LOG_H

#include <stdarg.h>

enum xbr_log_level { XBR_LOG_WARN = 0, XBR_LOG_INFO = 1, XBR_LOG_DEBUG = 2 };

extern int xbr_verbosity;

void xbr_log(enum xbr_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xbr_log_setup_libbpf(void);
/*
 * Send messages to @sink instead of stderr (NULL: back to stderr). The CNI
 * plugin collects them for its error object: its stdout is the protocol.
 */
void xbr_log_set_sink(void (*sink)(enum xbr_log_level level, const char *msg));

#define pr_warn(...) xbr_log(XBR_LOG_WARN, __VA_ARGS__)
#define pr_info(...) xbr_log(XBR_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) xbr_log(XBR_LOG_DEBUG, __VA_ARGS__)

#endif
