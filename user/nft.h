/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * nf_tables through libnftables: the one place a script of nft syntax is
 * run, and the name of a bridge's own table. Below both the table's owner
 * (nat.c) and the publications' record (publish.c), which reads rules back.
 */
#ifndef XBR_NFT_H
#define XBR_NFT_H

#include <stddef.h>

/* "xbr-<bridge>": the bridge's table's name in family inet. */
void nft_table_name(const char *bridge, char *buf, size_t len);

/*
 * Run @script (nft syntax) as one transaction: every command applies or none
 * does. @out_flags are NFT_CTX_OUTPUT_*; *out (if @out) gets the output, to
 * be freed. On failure, a negative errno and nft's first error line in @err.
 */
int nft_run(const char *script, unsigned int out_flags, char **out, char *err, size_t errlen);

#endif
