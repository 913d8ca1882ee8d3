// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_status.c - `kegctl status` */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attached.h"
#include "commands.h"
#include "ifmaps.h"
#include "json.h"
#include "prog.h"
#include "reply.h"
#include "tc.h"
#include "xdp.h"

struct status_opts {
	bool json;
};

/* What status shows about one attachment. */
struct view {
	const struct keg_att *a;
	bool have_xdp, have_tc, have_counts;
	struct keg_xdp_info xdp;
	uint32_t tc_id;
	/* How proxy replies leave (reply.h): the path keg_config asks for,
	 * keg_tc_reply's id when that is tc, and why. */
	bool have_reply;
	enum keg_reply_path reply;
	uint32_t reply_id;
	const char *reply_why;
	size_t counts[4];	/* subnets4, subnets6, customers4, customers6 */
};

static const char *const count_names[4] = {
	"subnets4", "subnets6", "customers4", "customers6"
};

static void gather_reply(const struct keg_att *a, const struct keg_ifmaps *m,
			 struct view *v)
{
	struct keg_config cfg;
	int veth = keg_if_is_veth(a->ifindex);

	if (!v->have_xdp || veth < 0 || keg_config_get(m, &cfg))
		return;
	v->have_reply = true;
	v->reply = cfg.flags & KEG_CFG_REPLY_TC ? KEG_REPLY_TC : KEG_REPLY_XDP;
	v->reply_why = keg_reply_path_why(v->reply, veth, v->xdp.mode);
	if (v->reply == KEG_REPLY_TC &&
	    (keg_tc_reply_query(a->ifindex, &v->reply_id) ||
	     !keg_prog_is(v->reply_id, KEG_PROG_TC_REPLY)))
		v->reply_id = 0;
}

static void gather(const struct keg_att *a, struct view *v)
{
	struct keg_ifmaps m;
	int fds[4];
	size_t i;

	memset(v, 0, sizeof(*v));
	v->a = a;
	if (a->status == KEG_ATT_HERE) {
		v->have_xdp = !keg_xdp_query(a->ifindex, &v->xdp) && v->xdp.keg_id;
		v->have_tc = !keg_tc_query(a->ifindex, &v->tc_id) &&
			     keg_prog_is(v->tc_id, KEG_PROG_TC);
	}
	if (keg_ifmaps_open(a->name, &m, NULL))
		return;
	if (a->status == KEG_ATT_HERE)
		gather_reply(a, &m, v);
	fds[0] = m.subnets4, fds[1] = m.subnets6;
	fds[2] = m.customers4, fds[3] = m.customers6;
	v->have_counts = true;
	for (i = 0; i < 4; i++)
		if (keg_map_count(fds[i], &v->counts[i]))
			v->have_counts = false;
	keg_ifmaps_close(&m);
}

static void print_text(const struct view *v)
{
	const struct keg_att *a = v->a;

	switch (a->status) {
	case KEG_ATT_HERE:
		printf("%s: attached, ifindex %d\n", a->name, a->ifindex);
		if (v->have_xdp)
			printf("  xdp        %s, prog %u%s\n", keg_xdp_mode_str(v->xdp.mode),
			       v->xdp.keg_id, v->xdp.dispatcher ? " (libxdp dispatcher)" : "");
		else
			printf("  xdp        MISSING: keg_xdp is not attached\n");
		if (v->have_tc)
			printf("  tc egress  prog %u\n", v->tc_id);
		else
			printf("  tc egress  MISSING: keg_tc is not attached\n");
		if (v->have_reply && v->reply == KEG_REPLY_XDP)
			printf("  replies    XDP_TX (%s)\n", v->reply_why);
		else if (v->have_reply && v->reply_id)
			printf("  replies    tc ingress, prog %u (%s)\n", v->reply_id,
			       v->reply_why);
		else if (v->have_reply)
			printf("  replies    MISSING: keg_tc_reply is not on tc ingress, "
			       "nothing answers ARP/NDP (re-run 'kegctl attach %s')\n", a->name);
		break;
	case KEG_ATT_ELSEWHERE:
		printf("%s: attached in another network namespace (ifindex %u there)\n",
		       a->name, a->st.ifindex);
		break;
	default:
		printf("%s: vanished: the interface is gone, its pins are left over "
		       "(remove them with 'kegctl detach %s')\n", a->name, a->name);
		break;
	}
	if (v->have_counts)
		printf("  subnets    %zu IPv4, %zu IPv6\n  customers  %zu IPv4, %zu IPv6\n",
		       v->counts[0], v->counts[1], v->counts[2], v->counts[3]);
}

static void print_json(struct json *j, const struct view *v)
{
	const struct keg_att *a = v->a;
	size_t i;

	json_obj_begin(j);
	json_key(j, "iface");
	json_str(j, a->name);
	json_key(j, "state");
	json_str(j, keg_att_status_str(a->status));
	json_key(j, "ifindex");
	if (a->status == KEG_ATT_HERE)
		json_u64(j, (uint64_t)a->ifindex);
	else if (a->has_state)
		json_u64(j, a->st.ifindex);
	else
		json_null(j);
	json_key(j, "xdp");
	if (v->have_xdp) {
		json_obj_begin(j);
		json_key(j, "mode");
		json_str(j, keg_xdp_mode_str(v->xdp.mode));
		json_key(j, "prog_id");
		json_u64(j, v->xdp.keg_id);
		json_key(j, "dispatcher");
		json_bool(j, v->xdp.dispatcher);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "tc");
	if (v->have_tc) {
		json_obj_begin(j);
		json_key(j, "prog_id");
		json_u64(j, v->tc_id);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "replies");
	if (v->have_reply) {
		json_obj_begin(j);
		json_key(j, "path");
		json_str(j, keg_reply_path_str(v->reply));
		json_key(j, "prog_id");
		if (v->reply == KEG_REPLY_TC && v->reply_id)
			json_u64(j, v->reply_id);
		else
			json_null(j);
		json_key(j, "why");
		json_str(j, v->reply_why);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "entries");
	if (v->have_counts) {
		json_obj_begin(j);
		for (i = 0; i < 4; i++) {
			json_key(j, count_names[i]);
			json_u64(j, v->counts[i]);
		}
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_obj_end(j);
}

static int run_status(struct cli_ctx *ctx, const void *o)
{
	const struct status_opts *opts = o;
	struct keg_att *atts;
	struct json j;
	struct view v;
	size_t n, i;
	int ret;

	ret = keg_att_list(&atts, &n);
	if (ret)
		return cli_fail(ctx, ret, "listing attachments: %s", strerror(-ret));
	if (opts->json) {
		json_init(&j, stdout);
		json_arr_begin(&j);
	} else if (!n) {
		printf("keg is not attached to any interface\n");
	}
	for (i = 0; i < n; i++) {
		gather(&atts[i], &v);
		if (opts->json)
			print_json(&j, &v);
		else
			print_text(&v);
	}
	if (opts->json) {
		json_arr_end(&j);
		json_end(&j);
	}
	free(atts);
	return 0;
}

static const struct cli_opt status_opts_tab[] = {
	CLI_OPT(CLI_FLAG, struct status_opts, json, "json", 'j', NULL,
		"print a JSON array, one object per attachment"),
	{ 0 },
};

const struct cli_cmd cmd_status = {
	.name = "status",
	.summary = "show every attachment, its programs and entry counts",
	.help = "List every interface keg is attached to (pin directories under\n"
		"/sys/fs/bpf/keg): ifindex, XDP mode and program id, tc program id and\n"
		"the number of subnets and customers, and how proxy ARP/NDP replies\n"
		"leave: XDP_TX, or tc ingress (keg_tc_reply) on a veth, and why.\n"
		"Attachments of other network namespaces and interfaces that vanished\n"
		"are listed as such.\n"
		"JSON: [{\"iface\", \"state\": \"attached\"|\"other-netns\"|\"vanished\",\n"
		"\"ifindex\", \"xdp\": {\"mode\", \"prog_id\", \"dispatcher\"}|null,\n"
		"\"tc\": {\"prog_id\"}|null, \"replies\": {\"path\": \"xdp\"|\"tc\",\n"
		"\"prog_id\" (tc: keg_tc_reply, null if missing), \"why\"}|null,\n"
		"\"entries\": {\"subnets4\", \"subnets6\", \"customers4\", \"customers6\"}|null}]",
	.opts = status_opts_tab,
	.opts_size = sizeof(struct status_opts),
	.needs_root = true,
	.lock = CLI_LOCK_SHARED,
	.run = run_status,
};
