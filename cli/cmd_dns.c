// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr dns: the names the bridge's datapath answers DNS queries for. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "log.h"
#include "out.h"

/* The port an entry names: its host-side ifname, and its own name. */
static const struct xbr_port *port_of(const struct xbr_port *ports, size_t n, __u32 ifindex)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ports[i].ifindex == ifindex)
			return &ports[i];
	return NULL;
}

int do_dns(const struct xbr_args *a)
{
	const struct xbr_config *cfg;
	struct xbr_name_ent *names = NULL;
	struct xbr_port *ports = NULL;
	struct xbr_bridge *br = NULL;
	struct xbr_out o;
	size_t n = 0, np = 0, i;
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN], fq[XBR_DNS_LABEL_MAX + 20];
	int err;

	(void)a;
	err = cmd_open_bridge(&br);
	if (err)
		goto out;
	err = br_ports(br, &ports, &np);
	if (!err)
		err = br_names(br, &names, &n);
	if (err) {
		pr_warn("bridge \"%s\": cannot read its names: %s", br_name(br), strerror(-err));
		goto out;
	}
	cfg = br_config(br);
	out_start(&o, stdout, g.json, g.pretty);
	out_open_object(&o, NULL);
	out_str(&o, OUT_ANY, "bridge", "bridge %s", br_name(br));
	out_bool(&o, OUT_JSON, "dns", NULL, !(cfg->flags & XBR_CFG_F_NO_DNS));
	out_text(&o, " dns %s", (cfg->flags & XBR_CFG_F_NO_DNS) ? "off" : "on");
	snprintf(fq, sizeof(fq), "%.*s", (int)cfg->dns_domain_len, cfg->dns_domain);
	out_str(&o, OUT_ANY, "domain", " domain %s", cfg->dns_domain_len ? fq : "-");
	out_u64(&o, OUT_TEXT, NULL, " names %llu\n", n);
	out_open_array(&o, "names");
	for (i = 0; i < n; i++) {
		const struct xbr_name_val *v = &names[i].v;
		const struct xbr_port *p = port_of(ports, np, v->ifindex);

		out_open_object(&o, NULL);
		out_str(&o, OUT_ANY, "name", "%s", names[i].name);
		if (cfg->dns_domain_len)
			snprintf(fq, sizeof(fq), "%s.%.*s", names[i].name, (int)cfg->dns_domain_len,
				 cfg->dns_domain);
		else
			snprintf(fq, sizeof(fq), "%s", names[i].name);
		out_str(&o, OUT_JSON, "fqdn", NULL, fq);
		out_str(&o, OUT_ANY, "dev", " dev %s", p ? p->ifname : "?");
		out_str(&o, OUT_ANY, "port", " port %s", p ? p->name : "?");
		out_bool(&o, OUT_JSON, "alias", NULL, !!(v->flags & XBR_NAME_F_ALIAS));
		if (v->flags & XBR_NAME_F_ALIAS)
			out_text(&o, " alias");
		if (v->addr) {
			inet_ntop(AF_INET, &v->addr, a4, sizeof(a4));
			out_str(&o, OUT_ANY, "addr", " %s", a4);
		}
		if (v->addr6[0] | v->addr6[1] | v->addr6[2] | v->addr6[3]) {
			inet_ntop(AF_INET6, v->addr6, a6, sizeof(a6));
			out_str(&o, OUT_ANY, "addr6", " %s", a6);
		}
		out_text(&o, "\n");
		out_close_object(&o);
	}
	out_close_array(&o);
	out_close_object(&o);
	out_end(&o);
out:
	free(names);
	free(ports);
	br_close(br);
	return err;
}
