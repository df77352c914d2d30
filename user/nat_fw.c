// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The one foreign chain xbr writes: dockerd's DOCKER-USER. With its default
 * iptables setup dockerd sets the FORWARD policy to DROP, so a Docker
 * network on xbr needs an accept there (Docker's documented place for
 * users' rules). A bridge with XBR_CFG_F_FW_ACCEPT keeps two rules in
 * `ip filter DOCKER-USER`, before dockerd's trailing return:
 *
 *   iifname "<br>" counter accept comment "xbr:<br>"
 *   oifname "<br>" counter accept comment "xbr:<br>"
 *
 * Only meta, cmp, counter and immediate expressions, which iptables-nft
 * still lists (`iptables -S` must keep working for dockerd itself). They
 * are safe as blanket accepts: the bridge's own table (nat.c) admits only
 * answers and published ports into the bridge. Nothing is written when the
 * chain does not exist (no dockerd, or --iptables=false: nothing drops).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nftables/libnftables.h>
#include "log.h"
#include "nat.h"
#include "nft.h"
#include "pins.h"

#define FW_CHAIN "ip filter DOCKER-USER"

struct fw_census {
	int in, out; /* our two rules present */
	unsigned long ours[8]; /* handles of our rules (at most 8 taken) */
	size_t nours;
	unsigned long ret; /* handle of the last plain return rule, 0: none */
};

/* The chain's rules with handles: 1 and *out, 0 when the chain does not
 * exist, or a negative errno after one line. */
static int fw_list(const char *bridge, char **out)
{
	char err[256];
	int rc = nft_run("list chain " FW_CHAIN, NFT_CTX_OUTPUT_HANDLE, out, err, sizeof(err));

	if (!rc)
		return 1;
	free(*out);
	*out = NULL;
	if (strstr(err, "No such file") || rc == -ENOENT)
		return 0;
	pr_warn("bridge \"%s\": cannot read %s: %s", bridge, FW_CHAIN, err);
	return rc;
}

/* Count our rules (comment "xbr:<bridge>") and find the return rule. */
static void fw_census(const char *bridge, char *list, struct fw_census *c)
{
	char tag[64], in[48], out[48];
	char *line, *save = NULL;

	memset(c, 0, sizeof(*c));
	snprintf(tag, sizeof(tag), "comment \"xbr:%s\"", bridge);
	snprintf(in, sizeof(in), "iifname \"%s\"", bridge);
	snprintf(out, sizeof(out), "oifname \"%s\"", bridge);
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *h = strstr(line, " # handle ");
		unsigned long handle;

		if (!h)
			continue;
		handle = strtoul(h + 10, NULL, 10);
		*h = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (strstr(line, tag)) {
			c->in |= !!strstr(line, in);
			c->out |= !!strstr(line, out);
			if (c->nours < sizeof(c->ours) / sizeof(c->ours[0]))
				c->ours[c->nours++] = handle;
			continue;
		}
		/* dockerd's `-j RETURN`: "counter packets N bytes M return" */
		if (h - line >= 6 && !strcmp(h - 6, "return") && !strchr(line, '"'))
			c->ret = handle;
	}
}

int nat_fw_sync(struct xbr_bridge *br)
{
	struct fw_census c;
	char *list = NULL, *script = NULL, err[256], pos[48] = "";
	size_t i, len = 0;
	FILE *f;
	int rc;

	if (!(br->cfg.flags & XBR_CFG_F_FW_ACCEPT) || (br->cfg.flags & XBR_CFG_F_INTERNAL))
		return 0;
	rc = fw_list(br->name, &list);
	if (rc <= 0)
		return rc;
	fw_census(br->name, list, &c);
	free(list);
	if (c.in && c.out && c.nours == 2)
		return 0;
	f = open_memstream(&script, &len);
	if (!f)
		return -ENOMEM;
	for (i = 0; i < c.nours; i++)
		fprintf(f, "delete rule " FW_CHAIN " handle %lu\n", c.ours[i]);
	if (c.ret)
		snprintf(pos, sizeof(pos), " position %lu", c.ret);
	fprintf(f, "%s rule " FW_CHAIN "%s iifname \"%s\" counter accept comment \"xbr:%s\"\n",
		c.ret ? "insert" : "add", pos, br->name, br->name);
	fprintf(f, "%s rule " FW_CHAIN "%s oifname \"%s\" counter accept comment \"xbr:%s\"\n",
		c.ret ? "insert" : "add", pos, br->name, br->name);
	if (fclose(f)) {
		free(script);
		return -ENOMEM;
	}
	rc = nft_run(script, 0, NULL, err, sizeof(err));
	free(script);
	if (rc) {
		pr_warn("bridge \"%s\": cannot write its accept rules into %s: %s", br->name,
			FW_CHAIN, err);
		return rc;
	}
	return 1;
}

int nat_fw_present(struct xbr_bridge *br)
{
	struct fw_census c;
	char *list = NULL;
	int rc;

	if (!(br->cfg.flags & XBR_CFG_F_FW_ACCEPT) || (br->cfg.flags & XBR_CFG_F_INTERNAL))
		return 1;
	rc = fw_list(br->name, &list);
	if (rc <= 0)
		return rc < 0 ? rc : 1; /* no chain: nothing to accept in */
	fw_census(br->name, list, &c);
	free(list);
	return c.in && c.out;
}

void nat_fw_del(const char *bridge)
{
	struct fw_census c;
	char *list = NULL, script[8 * 80], err[256];
	size_t i, off = 0;

	if (fw_list(bridge, &list) <= 0)
		return;
	fw_census(bridge, list, &c);
	free(list);
	if (!c.nours)
		return;
	for (i = 0; i < c.nours; i++)
		off += (size_t)snprintf(script + off, sizeof(script) - off,
					"delete rule " FW_CHAIN " handle %lu\n", c.ours[i]);
	if (nft_run(script, 0, NULL, err, sizeof(err)))
		pr_warn("bridge \"%s\": cannot remove its accept rules from %s: %s", bridge,
			FW_CHAIN, err);
}
