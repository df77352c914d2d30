// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Publishing a port (see nat.h): the record first (publish.c), then the
 * bridge's table rebuilt from it in one batch (nat_sync()). A killed add
 * leaves the record with every rule or none (and `show` says which); a
 * failed one takes the record back. The table's owner calls down into the
 * record, never the other way.
 */
#include <errno.h>
#include <stdlib.h>
#include "log.h"
#include "nat.h"
#include "pins.h"
#include "publish.h"

int nat_pub_add(struct xbr_bridge *br, const struct xbr_pub *p)
{
	char host[80], st[40];
	__u32 id;
	int rc;

	rc = pub_record_add(br, p, &id);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		/* Recorded already (an earlier add killed before its rules
		 * were written, or a flushed ruleset): put its rules back. */
		rc = nat_restore(br);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			pub_format_host(p, host, sizeof(host));
			pub_format_station(p, st, sizeof(st));
			pr_warn("publish %s: %s %s is already published to %s on bridge \"%s\"",
				host, pub_proto_name(p), host, st, br->name);
			return -EEXIST;
		}
		return (int)pub_rules_expected(br, p);
	}
	rc = xbr_fault("publish-add");
	if (rc) {
		pub_format_host(p, host, sizeof(host));
		pr_warn("publish %s: cannot add the rule to table inet xbr-%s: fault injected", host,
			br->name);
	} else {
		rc = nat_sync(br);
	}
	if (rc) {
		pub_record_drop(br, id);
		return rc;
	}
	nat_check_forward(br);
	return (int)pub_rules_expected(br, p);
}

/* Take the publications out of the record and rebuild the table without
 * them; on failure put them back. The number of rules they took. */
static int take_out(struct xbr_bridge *br, const struct xbr_pub *match, const char *station,
		    int *found)
{
	struct pub_taken t;
	int rc, rules;

	rules = pub_record_take(br, match, station, &t);
	*found = (int)t.n;
	if (rules < 0)
		return rules;
	rc = t.n ? nat_sync(br) : 0;
	if (rc)
		pub_record_put_back(br, &t);
	free(t.e);
	return rc ? rc : rules;
}

int nat_pub_del(struct xbr_bridge *br, const struct xbr_pub *p)
{
	char host[80];
	int rc, found;

	rc = take_out(br, p, NULL, &found);
	if (rc >= 0 && !found) {
		pub_format_host(p, host, sizeof(host));
		pr_warn("publish %s %s%s%s: not published on bridge \"%s\"", pub_proto_name(p),
			host, p->station[0] ? " to station " : "", p->station, br->name);
		return -ENOENT;
	}
	return rc;
}

int nat_pub_del_station(struct xbr_bridge *br, const char *station)
{
	int found, rc = take_out(br, NULL, station, &found);

	return rc < 0 ? rc : 0;
}
