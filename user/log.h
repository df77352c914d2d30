/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Leveled messages: warnings always, info with -v, debug (and libbpf) with
 * -vv; progress of long commands on a terminal.
 */
#ifndef XBR_LOG_H
#define XBR_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum xbr_log_level { XBR_LOG_WARN = 0, XBR_LOG_INFO = 1, XBR_LOG_DEBUG = 2 };

extern int xbr_verbosity;
/* Warnings printed so far (a command that failed without one gets one). */
extern unsigned int xbr_warnings;

void xbr_log(enum xbr_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xbr_log_setup_libbpf(void);
/*
 * Send messages to @sink instead of stderr (NULL: back to stderr). The CNI
 * plugin collects them for its error object: its stdout is the protocol.
 */
void xbr_log_set_sink(void (*sink)(enum xbr_log_level level, const char *msg));

/*
 * "xbr: WHAT N of M" on standard error while a long command works (M > 1),
 * only when standard error is a terminal; rewritten in place, erased by the
 * next message or by xbr_progress(NULL, 0, 0) when the work is done.
 */
void xbr_progress(const char *what, size_t n, size_t m);

#define pr_warn(...) xbr_log(XBR_LOG_WARN, __VA_ARGS__)
#define pr_info(...) xbr_log(XBR_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) xbr_log(XBR_LOG_DEBUG, __VA_ARGS__)

#endif
