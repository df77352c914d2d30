// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* nf_tables through libnftables (see nft.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nftables/libnftables.h>
#include "log.h"
#include "nft.h"

void nft_table_name(const char *bridge, char *buf, size_t len)
{
	snprintf(buf, len, "xbr-%s", bridge);
}

/* The first line of nft's error output that says what is wrong. */
static void first_error(const char *buf, char *err, size_t len)
{
	const char *p = buf ? strstr(buf, "Error: ") : NULL;
	size_t n;

	if (!p) {
		snprintf(err, len, "%s", buf && *buf ? buf : "nf_tables refused the change");
	} else {
		p += strlen("Error: ");
		n = strcspn(p, "\n");
		snprintf(err, len, "%.*s", (int)n, p);
	}
	err[strcspn(err, "\n")] = '\0';
}

int nft_run(const char *script, unsigned int out_flags, char **out, char *err, size_t errlen)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	if (out)
		*out = NULL;
	if (!ctx) {
		snprintf(err, errlen, "cannot start libnftables");
		return -ENOMEM;
	}
	nft_ctx_output_set_flags(ctx, out_flags);
	if (nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		nft_ctx_free(ctx);
		snprintf(err, errlen, "cannot buffer libnftables output");
		return -ENOMEM;
	}
	pr_debug("nft: %s", script);
	rc = nft_run_cmd_from_buffer(ctx, script);
	if (rc) {
		first_error(nft_ctx_get_error_buffer(ctx), err, errlen);
		nft_ctx_free(ctx);
		return -EIO;
	}
	if (out) {
		*out = strdup(nft_ctx_get_output_buffer(ctx));
		if (!*out) {
			nft_ctx_free(ctx);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	}
	nft_ctx_free(ctx);
	return 0;
}
