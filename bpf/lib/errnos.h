/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Errnos by name for the BPF side. The objects are built from UAPI headers
 * (no vmlinux.h), and the kernel's UAPI errno-base.h has exactly the numbers
 * the helpers and syscall programs use; a BPF function returns them negated,
 * as the helpers do (-ENOENT), and user space reads the same values from
 * <errno.h>.
 */
#ifndef XBR_BPF_ERRNOS_H
#define XBR_BPF_ERRNOS_H

#include <asm-generic/errno-base.h>

#endif /* XBR_BPF_ERRNOS_H */
