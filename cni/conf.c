// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The CNI plugin's pure half, part 1: the error being reported, versions,
 * the network configuration, container IDs and port names. No I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cni.h"
#include "parse.h"

struct cni_error cni_err;

int cni_fail(int code, const char *fmt, ...)
{
	va_list ap;

	if (cni_err.code)
		return -1;
	cni_err.code = code;
	va_start(ap, fmt);
	vsnprintf(cni_err.msg, sizeof(cni_err.msg), fmt, ap);
	va_end(ap);
	return -1;
}

void cni_details_add(const char *s)
{
	size_t len = strlen(cni_err.details);

	snprintf(cni_err.details + len, sizeof(cni_err.details) - len, "%s%s", len ? "; " : "", s);
}

void cni_error_reset(void)
{
	memset(&cni_err, 0, sizeof(cni_err));
}

/* ---- versions ---- */

const char *const cni_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL };

int cni_version_num(const char *s)
{
	unsigned int x, y, z;
	int n = 0;

	if (!s || sscanf(s, "%u.%u.%u%n", &x, &y, &z, &n) != 3 || s[n] || x > 99 || y > 99 ||
	    z > 99)
		return -1;
	return (int)(x * 10000 + y * 100 + z);
}

int cni_version_ok(const char *s)
{
	const char *const *v;

	for (v = cni_versions; *v; v++)
		if (!strcmp(*v, s))
			return 1;
	return 0;
}

/* The accepted versions as a JSON list in @buf, for messages. */
static const char *versions_list(char *buf, size_t len)
{
	const char *const *v;
	size_t o = 0;

	buf[0] = '\0';
	for (v = cni_versions; *v && o < len; v++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", *v);
	return buf;
}

/* ---- configuration ---- */

/* Optional member @key of @o: NULL when absent or null, else it must be of
 * @type (JSON_STRING, JSON_TRUE for booleans, ...) or -1 (code 6). */
static int member(const json_t *o, const char *key, json_type type, json_t **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (type == JSON_TRUE ? !json_is_boolean(v) : json_typeof(v) != type) {
		static const char *const names[] = { "an object", "an array", "a string",
						     "an integer", "a number", "a boolean",
						     "a boolean", "null" };

		return cni_fail(CNI_ERR_DECODE, "network configuration: \"%s\" must be %s", key,
				names[type]);
	}
	*out = v;
	return 0;
}

static int get_bool(const json_t *o, const char *key, int *out)
{
	json_t *v;

	if (member(o, key, JSON_TRUE, &v))
		return -1;
	if (v)
		*out = json_is_true(v);
	return 0;
}

/* String member copied into @buf (left as it is when absent). */
static int get_str(const json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v;

	if (member(o, key, JSON_STRING, &v))
		return -1;
	if (!v)
		return 0;
	if (json_string_length(v) >= len)
		return cni_fail(CNI_ERR_CONFIG, "network configuration: \"%s\" is longer than %zu characters",
				key, len - 1);
	snprintf(buf, len, "%s", json_string_value(v));
	return 0;
}

/*
 * runtimeConfig.aliases, as podman passes the "aliases" capability: an
 * object of network name -> array of names; this network's are the
 * container's aliases (DNS labels, at most XBR_PORT_ALIASES).
 */
static int conf_aliases(struct cni_conf *c)
{
	json_t *rt, *al, *mine, *v;
	size_t i;

	if (member(c->root, "runtimeConfig", JSON_OBJECT, &rt) || !rt)
		return cni_err.code ? -1 : 0;
	if (member(rt, "aliases", JSON_OBJECT, &al) || !al)
		return cni_err.code ? -1 : 0;
	if (member(al, c->name, JSON_ARRAY, &mine) || !mine)
		return cni_err.code ? -1 : 0;
	json_array_foreach(mine, i, v) {
		const char *why;

		if (!json_is_string(v))
			return cni_fail(CNI_ERR_DECODE,
					"network \"%s\": runtimeConfig aliases must be strings", c->name);
		why = xbr_dns_label_problem(json_string_value(v));
		if (why)
			return cni_fail(CNI_ERR_CONFIG, "network \"%s\": alias \"%.64s\": %s", c->name,
					json_string_value(v), why);
		if (c->naliases == XBR_PORT_ALIASES)
			return cni_fail(CNI_ERR_CONFIG,
					"network \"%s\": more than %d aliases (xbr answers at most %d names a port besides its own)",
					c->name, XBR_PORT_ALIASES, XBR_PORT_ALIASES);
		c->aliases[c->naliases++] = json_string_value(v);
	}
	return 0;
}

static int conf_fields(struct cni_conf *c)
{
	json_t *r = c->root, *v;
	int is_gw = 1, masq = 0, err;

	if (get_str(r, "name", c->name, sizeof(c->name)))
		return -1;
	if (!c->name[0])
		return cni_fail(CNI_ERR_CONFIG, "network configuration: \"name\" is missing");
	snprintf(c->bridge, sizeof(c->bridge), "xbr0");
	if (get_str(r, "bridge", c->bridge, sizeof(c->bridge)))
		return -1;
	err = xbr_check_name(c->bridge);
	if (err || strlen(c->bridge) > 12)
		return cni_fail(CNI_ERR_CONFIG,
				"network \"%s\": bridge name \"%s\" must be 1-12 characters of letters, digits, '_', '-', '.'",
				c->name, c->bridge);
	if (get_str(r, "mode", c->mode, sizeof(c->mode)))
		return -1;
	if (c->mode[0] && strcmp(c->mode, "tc") && strcmp(c->mode, "xdp") && strcmp(c->mode, "auto"))
		return cni_fail(CNI_ERR_CONFIG, "network \"%s\": mode \"%s\" is not tc, xdp or auto",
				c->name, c->mode);
	if (member(r, "mtu", JSON_INTEGER, &v))
		return -1;
	if (v) {
		json_int_t m = json_integer_value(v);

		if (m != 0 && (m < 68 || m > 65535))
			return cni_fail(CNI_ERR_CONFIG, "network \"%s\": mtu %lld is not in 68..65535",
					c->name, (long long)m);
		c->mtu = (uint32_t)m;
	}
	c->icc = 1;
	if (get_bool(r, "isGateway", &is_gw) || get_bool(r, "isDefaultGateway", &c->is_default_gw) ||
	    get_bool(r, "ipMasq", &masq) || get_bool(r, "icc", &c->icc) ||
	    get_bool(r, "macspoofchk", &c->spoofchk))
		return -1;
	if (!is_gw && !c->is_default_gw)
		return cni_fail(CNI_ERR_FIELD,
				"network \"%s\": \"isGateway\": false is not supported (an xbr bridge always has its gateway port)",
				c->name);
	if (masq)
		return cni_fail(CNI_ERR_FIELD,
				"network \"%s\": \"ipMasq\" is not supported (xbr does no NAT; add a masquerade rule for the subnet yourself)",
				c->name);

	if (member(r, "ipam", JSON_OBJECT, &c->ipam))
		return -1;
	if (!c->ipam || get_str(c->ipam, "type", c->ipam_type, sizeof(c->ipam_type)))
		return cni_err.code ? -1 :
				      cni_fail(CNI_ERR_CONFIG,
					       "network \"%s\": \"ipam\" with a \"type\" is required (xbr needs the address it records)",
					       c->name);
	if (!c->ipam_type[0] || strchr(c->ipam_type, '/') || !strcmp(c->ipam_type, ".") ||
	    !strcmp(c->ipam_type, ".."))
		return cni_fail(CNI_ERR_CONFIG, "network \"%s\": ipam type \"%s\" is not a plugin name",
				c->name, c->ipam_type);
	if (member(r, "dns", JSON_OBJECT, &c->dns))
		return -1;
	if (c->dns && json_object_size(c->dns) == 0)
		c->dns = NULL;
	if (member(r, "prevResult", JSON_OBJECT, &c->prev))
		return -1;
	if (conf_aliases(c))
		return -1;
	if (member(r, "cni.dev/valid-attachments", JSON_ARRAY, &c->valid))
		return -1;
	return 0;
}

int cni_conf_parse(const char *buf, size_t len, struct cni_conf *c)
{
	json_error_t jerr;
	char vbuf[128];
	json_t *v;

	memset(c, 0, sizeof(*c));
	c->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!c->root)
		return cni_fail(CNI_ERR_DECODE, "network configuration is not valid JSON: %s (line %d, column %d)",
				jerr.text, jerr.line, jerr.column);
	if (!json_is_object(c->root))
		return cni_fail(CNI_ERR_DECODE, "network configuration is not a JSON object");
	if (member(c->root, "cniVersion", JSON_STRING, &v))
		return -1;
	if (!v)
		return cni_fail(CNI_ERR_VERSION,
				"network configuration has no cniVersion (that means 0.1.0); this plugin supports %s",
				versions_list(vbuf, sizeof(vbuf)));
	snprintf(c->version, sizeof(c->version), "%s", json_string_value(v));
	if (!cni_version_ok(c->version)) {
		cni_fail(CNI_ERR_VERSION, "incompatible CNI version \"%s\": this plugin supports %s",
			 json_string_value(v), versions_list(vbuf, sizeof(vbuf)));
		c->version[0] = '\0'; /* the error object is in a version we know */
		return -1;
	}
	c->vnum = cni_version_num(c->version);
	return conf_fields(c);
}

void cni_conf_free(struct cni_conf *c)
{
	json_decref(c->root);
	c->root = NULL;
}

int cni_check_container_id(const char *s)
{
	size_t n = 0;

	if (!s || !*s)
		return -1;
	for (; s[n]; n++) {
		char ch = s[n];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '.'))
			return -1;
	}
	return n <= 79 ? 0 : -1;
}

void cni_port_name(const char *cid, const char *ifname, char out[16])
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
	const char *parts[2] = { cid, ifname };
	int i;

	for (i = 0; i < 2; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
			h ^= *p;
			h *= 0x100000001b3ULL;
		}
		h ^= '/'; /* separator: ("ab","c") and ("a","bc") differ */
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 16, "c%012llx", (unsigned long long)(h >> 16));
}
