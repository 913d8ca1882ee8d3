// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* attach.c - keg_attach(); see attach.h */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "iface.h"
#include "ifmaps.h"
#include "keg.skel.h"
#include "log.h"
#include "oldprefixes.h"
#include "pincheck.h"
#include "pins.h"
#include "prog.h"
#include "reply.h"
#include "tc.h"
#include "xdp.h"

/* Everything one attach did, so a failure can undo exactly that. */
struct txn {
	const char *iface;
	int ifindex;
	uint8_t mac[6];
	enum keg_xdp_mode mode;
	enum keg_xdp_mode requested;	/* --mode as asked for */
	bool veth;
	enum keg_reply_path reply;	/* chosen by choose_reply() */
	char dir[PATH_MAX];
	bool dir_created;
	bool before_listed;
	struct keg_dirlist before;	/* pins that existed before this call */
	struct keg *skel;
	struct xdp_program *xprog;	/* new keg_xdp, through libxdp */
	struct keg_xdp_info old_xdp;
	int old_xdp_fd;			/* legacy upgrade: the program replaced */
	struct xdp_program *old_xprog;	/* dispatcher upgrade: ours, detached */
	bool xdp_done;
	uint32_t old_tc_id;
	int old_tc_fd;
	bool tc_done;
	bool hook_created;
	bool cfg_written;
	bool cfg_saved;
	struct keg_config old_cfg;
	uint32_t old_reply_id;		/* keg_tc_reply found on ingress */
	int old_reply_fd;
	bool reply_done;		/* keg_tc_reply attached or replaced */
	bool reply_removed;		/* the old keg_tc_reply taken off */
	struct keg_old_prefixes old_pfx;	/* keg_subnets4/6 of a keg before issue 12 */
	bool pfx_copied;		/* their entries are in the new maps */
};

static int write_config(struct txn *t, struct keg_err *err);
static int copy_old_prefixes(struct txn *t, struct keg_err *err);

static int check_target(struct txn *t, bool existing, const struct keg_state *prev,
			bool has_prev, struct keg_err *err)
{
	uint64_t netns = 0;
	uint32_t tc_id = 0;
	char name[16];
	int ret;

	keg_netns_cookie(&netns);
	if (has_prev && (prev->netns != netns || prev->ifindex != (uint32_t)t->ifindex)) {
		if (prev->netns != netns && keg_prog_is(prev->xdp_id, KEG_PROG_XDP))
			return keg_err_set(err, -EBUSY,
					   "%s is attached in another network namespace; detach it there or use another name",
					   t->iface);
		return keg_err_set(err, -EEXIST,
				   "%s has pins left from a vanished interface (ifindex %u); run 'kegctl detach %s' first",
				   t->iface, prev->ifindex, t->iface);
	}

	ret = keg_xdp_query(t->ifindex, &t->old_xdp);
	if (ret)
		return keg_err_set(err, ret, "querying XDP on %s: %s", t->iface, strerror(-ret));
	if (t->old_xdp.hw)
		return keg_err_set(err, -EBUSY,
				   "%s has an XDP program offloaded to the NIC; keg does not manage that",
				   t->iface);
	if (t->old_xdp.foreign_id)
		return keg_err_set(err, -EBUSY,
				   "%s already has XDP program '%s' (id %u) not managed by keg; detach it first",
				   t->iface, t->old_xdp.foreign_name, t->old_xdp.foreign_id);
	if (existing && !has_prev && !t->old_xdp.keg_id)
		return keg_err_set(err, -EEXIST,
				   "%s has pins without a kegctl record (an attach that did not finish?); run 'kegctl detach %s' first",
				   t->iface, t->iface);
	if (t->old_xdp.keg_id) {
		if (t->mode != KEG_XDP_AUTO && t->mode != t->old_xdp.mode)
			return keg_err_set(err, -EBUSY,
					   "keg runs on %s in %s mode; detach it first to change to %s",
					   t->iface, keg_xdp_mode_str(t->old_xdp.mode),
					   keg_xdp_mode_str(t->mode));
		t->mode = t->old_xdp.mode;
	}

	ret = keg_tc_query(t->ifindex, &tc_id);
	if (ret && ret != -ENOENT)
		return keg_err_set(err, ret, "querying tc on %s: %s", t->iface, strerror(-ret));
	if (!ret && tc_id) {
		if (keg_prog_name(tc_id, name) || strcmp(name, KEG_PROG_TC))
			return keg_err_set(err, -EBUSY,
					   "%s egress already has a tc filter at handle %#x prio %u ('%s', id %u) not managed by keg; remove it first",
					   t->iface, KEG_TC_HANDLE, KEG_TC_PRIO, name, tc_id);
		t->old_tc_id = tc_id;
		t->old_tc_fd = bpf_prog_get_fd_by_id(tc_id);
		if (t->old_tc_fd < 0)
			return keg_err_set(err, -errno, "opening tc program %u: %s", tc_id,
					   strerror(errno));
	}
	return 0;
}

/* The reply path (reply.h) and what is on clsact ingress at keg's place. */
static int choose_reply(struct txn *t, struct keg_err *err)
{
	enum keg_xdp_mode xdp_mode = t->mode;
	uint32_t id = 0;
	char name[16];
	int ret;

	ret = keg_if_is_veth(t->ifindex);
	if (ret < 0)
		return keg_err_set(err, ret, "asking the driver of %s: %s", t->iface,
				   strerror(-ret));
	t->veth = ret;
	/* libxdp's auto mode takes native where the driver has it; veth has. */
	if (xdp_mode == KEG_XDP_AUTO && t->veth)
		xdp_mode = KEG_XDP_NATIVE;
	t->reply = keg_reply_path_choose(t->veth, t->requested, xdp_mode);

	ret = keg_tc_reply_query(t->ifindex, &id);
	if (ret && ret != -ENOENT)
		return keg_err_set(err, ret, "querying tc ingress on %s: %s", t->iface,
				   strerror(-ret));
	if (ret || !id)
		return 0;
	if (keg_prog_name(id, name) || strcmp(name, KEG_PROG_TC_REPLY))
		return keg_err_set(err, -EBUSY,
				   "%s ingress already has a tc filter at handle %#x prio %u ('%s', id %u) not managed by keg; remove it first",
				   t->iface, KEG_TC_HANDLE, KEG_TC_PRIO, name, id);
	t->old_reply_id = id;
	t->old_reply_fd = bpf_prog_get_fd_by_id(id);
	if (t->old_reply_fd < 0)
		return keg_err_set(err, -errno, "opening tc program %u: %s", id,
				   strerror(errno));
	return 0;
}

static int open_skel(struct txn *t, bool existing, struct keg_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = t->dir);
	unsigned int reset;
	int ret;

	if (!existing) {
		if (mkdir(t->dir, 0700) < 0)
			return keg_err_set(err, -errno, "creating %s: %s", t->dir,
					   strerror(errno));
		t->dir_created = true;
	} else {
		ret = keg_dir_list(t->dir, &t->before);
		if (ret)
			return keg_err_set(err, ret, "reading %s: %s", t->dir, strerror(-ret));
		t->before_listed = true;
		ret = keg_old_prefixes_open(t->dir, &t->old_pfx, err);
		if (ret)
			return ret;
	}
	t->skel = keg__open_opts(&opts);
	if (!t->skel)
		return keg_err_set(err, -errno, "opening the keg BPF object: %s",
				   strerror(errno));
	/* Counters that grew start again at 0; anything else that does not
	 * fit fails with a useful message before libbpf fails to reuse it. */
	ret = keg_pins_reset_counters(t->skel->obj, &reset, err);
	if (ret)
		return ret;
	if (reset)
		keg_log(1, "%s: keg_stats has new counters: they start at 0", t->iface);
	return keg_pins_compatible(t->skel->obj, t->dir, err);
}

static int load_error(struct txn *t, int ret, struct keg_err *err)
{
	return keg_err_set(err, ret, "loading keg's BPF programs for %s: %s (run with -v for libbpf's log)",
			   t->iface, strerror(-ret));
}

static int attach_error(struct txn *t, int ret, struct keg_err *err)
{
	if (ret == -EOPNOTSUPP && t->mode == KEG_XDP_NATIVE)
		return keg_err_set(err, ret,
				   "%s does not support native XDP (use --mode generic or auto)",
				   t->iface);
	return keg_err_set(err, ret, "attaching XDP to %s in %s mode: %s", t->iface,
			   keg_xdp_mode_str(t->mode), strerror(-ret));
}

static int attach_xdp(struct txn *t, struct keg_err *err)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xo, .obj = t->skel->obj,
			    .prog_name = KEG_PROG_XDP);
	enum xdp_attach_mode xmode = keg_xdp_libxdp_mode(t->mode);
	int ret;

	if (t->old_xdp.keg_id && !t->old_xdp.dispatcher) {
		/* Legacy upgrade: load, configure, then swap atomically. */
		ret = keg__load(t->skel);
		if (ret)
			return load_error(t, ret, err);
		ret = write_config(t, err);
		if (!ret)
			ret = copy_old_prefixes(t, err);
		if (ret)
			return ret;
		t->old_xdp_fd = bpf_prog_get_fd_by_id(t->old_xdp.keg_id);
		if (t->old_xdp_fd < 0)
			return keg_err_set(err, -errno, "opening XDP program %u: %s",
					   t->old_xdp.keg_id, strerror(errno));
		keg_log(1, "%s: replacing keg_xdp (id %u) in place", t->iface,
			t->old_xdp.keg_id);
		ret = keg_xdp_replace(t->ifindex, bpf_program__fd(t->skel->progs.keg_xdp),
				      t->old_xdp_fd, t->mode);
		if (ret)
			return attach_error(t, ret, err);
		t->xdp_done = true;
		return 0;
	}

	t->xprog = xdp_program__create(&xo);
	ret = (int)libxdp_get_error(t->xprog);
	if (ret) {
		t->xprog = NULL;
		return keg_err_set(err, ret, "preparing keg_xdp: %s", strerror(-ret));
	}
	if (t->old_xdp.keg_id) {
		/* Dispatcher upgrade: take ours out, put the new one in. */
		keg_log(1, "%s: swapping keg_xdp (id %u) in libxdp's dispatcher", t->iface,
			t->old_xdp.keg_id);
		t->old_xprog = xdp_program__from_id(t->old_xdp.keg_id);
		ret = (int)libxdp_get_error(t->old_xprog);
		if (!ret)
			ret = xdp_program__detach(t->old_xprog, t->ifindex, xmode, 0);
		if (ret) {
			if (libxdp_get_error(t->old_xprog))
				t->old_xprog = NULL;
			return keg_err_set(err, ret, "detaching the old keg_xdp from %s: %s",
					   t->iface, strerror(-ret));
		}
	}
	ret = xdp_program__attach(t->xprog, t->ifindex, xmode, 0);
	if (ret && t->old_xprog)
		xdp_program__attach(t->old_xprog, t->ifindex, xmode, 0);
	if (ret) {
		if (bpf_program__fd(t->skel->progs.keg_xdp) < 0)
			return load_error(t, ret, err);
		return attach_error(t, ret, err);
	}
	t->xdp_done = true;
	return 0;
}

static int write_config(struct txn *t, struct keg_err *err)
{
	struct keg_config cfg = { 0 }, old = { 0 };
	int fd = bpf_map__fd(t->skel->maps.keg_config);
	__u32 zero = 0;

	if (t->cfg_written)
		return 0;
	memcpy(cfg.mac, t->mac, sizeof(cfg.mac));
	cfg.ifindex = (__u32)t->ifindex;
	cfg.flags = KEG_CFG_PROXY_ARP | KEG_CFG_PROXY_NDP;
	if (!bpf_map_lookup_elem(fd, &zero, &old)) {
		t->old_cfg = old;
		t->cfg_saved = true;
		/* An upgrade keeps the flags set for this interface. */
		if (old.ifindex == cfg.ifindex)
			cfg.flags = old.flags;
	}
	if (t->reply == KEG_REPLY_TC)
		cfg.flags |= KEG_CFG_REPLY_TC;
	else
		cfg.flags &= ~KEG_CFG_REPLY_TC;
	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY) < 0)
		return keg_err_set(err, -errno, "writing keg_config: %s", strerror(errno));
	t->cfg_written = true;
	return 0;
}

/* The new maps as the library's prefix writer takes them. */
static struct keg_ifmaps new_prefix_maps(const struct txn *t)
{
	struct keg_ifmaps m = { -1, -1, -1, -1, -1, -1, -1 };

	m.subnets4 = bpf_map__fd(t->skel->maps.KEG_MAP_SUBNETS4);
	m.subnets6 = bpf_map__fd(t->skel->maps.KEG_MAP_SUBNETS6);
	m.subnet_lens = bpf_map__fd(t->skel->maps.KEG_MAP_SUBNET_LENS);
	return m;
}

/* An interface attached by a keg before issue 12 has its proxied prefixes
 * in keg_subnets4/6: into the new maps before the new program answers
 * (the in-place swap) or just after (libxdp's path, which loads while
 * attaching); either way before the attach is recorded. The old pins go
 * only once everything else succeeded (keg_attach()). */
static int copy_old_prefixes(struct txn *t, struct keg_err *err)
{
	struct keg_ifmaps m;
	int ret;

	if (t->pfx_copied || !keg_old_prefixes_present(&t->old_pfx))
		return 0;
	m = new_prefix_maps(t);
	ret = keg_old_prefixes_copy(&t->old_pfx, &m, err);
	if (ret)
		return keg_err_prefix(err, ret, "upgrading %s", t->iface);
	t->pfx_copied = true;
	return 0;
}

static int attach_tc(struct txn *t, struct keg_err *err)
{
	int ret;

	ret = keg_tc_hook_ensure(t->ifindex, &t->hook_created);
	if (ret)
		return keg_err_set(err, ret, "creating the clsact qdisc on %s: %s", t->iface,
				   strerror(-ret));
	ret = keg_tc_attach(t->ifindex, bpf_program__fd(t->skel->progs.keg_tc),
			    t->old_tc_id != 0);
	if (ret)
		return keg_err_set(err, ret, "attaching tc egress on %s: %s", t->iface,
				   strerror(-ret));
	t->tc_done = true;
	return 0;
}

/* keg_tc_reply on clsact ingress where replies leave from tc; where they
 * are XDP_TX again (an explicit --mode native), an old one goes. */
static int attach_reply(struct txn *t, struct keg_err *err)
{
	int ret;

	if (t->reply == KEG_REPLY_TC) {
		ret = keg_tc_reply_attach(t->ifindex,
					  bpf_program__fd(t->skel->progs.keg_tc_reply),
					  t->old_reply_id != 0);
		if (ret)
			return keg_err_set(err, ret, "attaching tc ingress (proxy replies) on %s: %s",
					   t->iface, strerror(-ret));
		t->reply_done = true;
		return 0;
	}
	if (!t->old_reply_id)
		return 0;
	ret = keg_tc_reply_detach(t->ifindex);
	if (ret && ret != -ENOENT)
		return keg_err_set(err, ret, "removing keg's tc ingress filter from %s: %s",
				   t->iface, strerror(-ret));
	t->reply_removed = true;
	return 0;
}

/* Undo in reverse order; best effort, the first failure is reported. */
static int rollback(struct txn *t)
{
	int ret = 0, r;

	if (t->reply_done) {
		r = t->old_reply_fd >= 0 ? keg_tc_reply_attach(t->ifindex, t->old_reply_fd, true) :
					   keg_tc_reply_detach(t->ifindex);
		ret = ret ?: r;
	}
	if (t->reply_removed && t->old_reply_fd >= 0) {
		r = keg_tc_reply_attach(t->ifindex, t->old_reply_fd, false);
		ret = ret ?: r;
	}

	if (t->tc_done) {
		r = t->old_tc_fd >= 0 ? keg_tc_attach(t->ifindex, t->old_tc_fd, true) :
					keg_tc_detach(t->ifindex);
		ret = ret ?: r;
	}
	if (t->hook_created) {
		r = keg_tc_hook_destroy(t->ifindex);
		ret = ret ?: r;
	}
	if (t->xdp_done) {
		if (t->old_xdp_fd >= 0) {
			r = keg_xdp_replace(t->ifindex, t->old_xdp_fd,
					    bpf_program__fd(t->skel->progs.keg_xdp), t->mode);
		} else {
			r = xdp_program__detach(t->xprog, t->ifindex,
						keg_xdp_libxdp_mode(t->mode), 0);
			if (!r && t->old_xprog)
				r = xdp_program__attach(t->old_xprog, t->ifindex,
							keg_xdp_libxdp_mode(t->mode), 0);
		}
		ret = ret ?: r;
	}
	if (t->pfx_copied) {
		struct keg_ifmaps m = new_prefix_maps(t);

		r = keg_old_prefixes_uncopy(&t->old_pfx, &m);
		ret = ret ?: r;
	}
	if (t->cfg_saved && t->skel) {
		__u32 zero = 0;

		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.keg_config), &zero,
					&t->old_cfg, BPF_ANY) < 0)
			ret = ret ?: -errno;
	}
	/* Only pins this call created; never an existing attachment's. */
	if (t->dir_created || t->before_listed) {
		r = keg_dir_purge(t->dir, t->dir_created ? NULL : &t->before,
				  t->dir_created);
		ret = ret ?: r;
	}
	return ret;
}

static int record(struct txn *t, const struct keg_state *prev, bool has_prev,
		  struct keg_attach_result *res, struct keg_err *err)
{
	struct keg_xdp_info now;
	struct keg_state st = { 0 };
	int ret;

	keg_netns_cookie(&st.netns);
	st.ifindex = (uint32_t)t->ifindex;
	ret = keg_xdp_query(t->ifindex, &now);
	if (ret || !now.keg_id)
		return keg_err_set(err, ret ? ret : -ENOENT,
				   "keg_xdp is not on %s after attaching it", t->iface);
	st.mode = now.mode;
	st.xdp_id = now.keg_id;
	ret = keg_tc_query(t->ifindex, &st.tc_id);
	if (ret)
		return keg_err_set(err, ret, "keg_tc is not on %s after attaching it", t->iface);
	st.clsact_created = t->hook_created || (has_prev && prev->clsact_created);
	res->veth = t->veth;
	res->reply = t->reply;
	if (t->reply == KEG_REPLY_TC &&
	    (keg_tc_reply_query(t->ifindex, &res->reply_id) || !res->reply_id))
		return keg_err_set(err, -ENOENT, "keg_tc_reply is not on %s after attaching it",
				   t->iface);
	ret = keg_state_write(t->iface, &st);
	if (ret)
		return keg_err_set(err, ret, "writing %s/%s: %s", t->dir, KEG_STATE_NAME,
				   strerror(-ret));
	res->st = st;
	res->dispatcher = now.dispatcher;
	if (!now.dispatcher)
		keg_log(1, "%s: keg_xdp runs as the only XDP program (no libxdp dispatcher)",
			t->iface);
	return 0;
}

int keg_attach(const char *iface, enum keg_xdp_mode mode,
	       struct keg_attach_result *res, struct keg_err *err)
{
	struct txn t = { .iface = iface, .mode = mode, .requested = mode, .old_xdp_fd = -1,
			 .old_tc_fd = -1, .old_reply_fd = -1,
			 .old_pfx = { .fd4 = -1, .fd6 = -1 } };
	struct keg_state prev;
	bool has_prev, existing;
	struct stat sb;
	int ret, r;

	memset(res, 0, sizeof(*res));
	t.ifindex = keg_if_index(iface);
	if (t.ifindex < 0)
		return keg_err_set(err, -ENODEV, "%s: no such interface", iface);
	ret = keg_if_mac(iface, t.mac);
	if (ret == -EINVAL)
		return keg_err_set(err, ret,
				   "%s is not an Ethernet interface (proxy replies need its MAC address)",
				   iface);
	if (ret)
		return keg_err_set(err, ret, "reading the MAC address of %s: %s", iface,
				   strerror(-ret));
	ret = keg_pin_dir(iface, t.dir, sizeof(t.dir));
	if (ret)
		return keg_err_set(err, ret, "%s: bad interface name", iface);
	existing = stat(t.dir, &sb) == 0;
	has_prev = existing && keg_state_read(iface, &prev) == 0;

	ret = check_target(&t, existing, &prev, has_prev, err);
	if (!ret)
		ret = choose_reply(&t, err);
	if (ret)
		goto out;
	res->upgraded = t.old_xdp.keg_id != 0;
	ret = open_skel(&t, existing, err);
	/* Not loaded where replies are XDP_TX: nothing would run it. */
	if (!ret && t.reply != KEG_REPLY_TC)
		bpf_program__set_autoload(t.skel->progs.keg_tc_reply, false);
	if (!ret)
		ret = attach_xdp(&t, err);
	if (!ret)
		ret = write_config(&t, err);
	if (!ret)
		ret = copy_old_prefixes(&t, err);
	if (!ret)
		ret = attach_tc(&t, err);
	if (!ret)
		ret = attach_reply(&t, err);
	if (!ret)
		ret = record(&t, &prev, has_prev, res, err);
	if (ret && (t.dir_created || t.skel)) {
		keg_log(1, "%s: attach failed, undoing it", iface);
		r = rollback(&t);
		if (r && err) {
			char first[KEG_ERR_MSG_LEN];

			snprintf(first, sizeof(first), "%s", keg_err_str(err, ret));
			keg_err_set(err, ret, "%s (undoing the attach failed too: %s)",
				    first, strerror(-r));
		}
	}
	if (!ret && t.pfx_copied) {
		res->prefixes_moved = t.old_pfx.n_moved;
		res->prefixes_kept = t.old_pfx.n_kept;
	}
	/* Last: until here an undo gives the old keg its prefixes back. */
	if (!ret && keg_old_prefixes_present(&t.old_pfx)) {
		ret = keg_old_prefixes_unpin(t.dir, err);
		if (ret)
			keg_err_prefix(err, ret,
				       "%s is upgraded and its proxied prefixes are in the new maps, but an old pin stays (run 'kegctl attach %s' again to remove it)",
				       iface, iface);
	}
	if (!ret && existing) {
		ret = keg_pins_remove_retired(t.dir, err);
		if (ret)
			keg_err_prefix(err, ret,
				       "%s is attached, but the pin of a map keg no longer uses stays (run 'kegctl attach %s' again to remove it)",
				       iface, iface);
	}
out:
	if (t.xprog)
		xdp_program__close(t.xprog);
	if (t.old_xprog)
		xdp_program__close(t.old_xprog);
	if (t.old_xdp_fd >= 0)
		close(t.old_xdp_fd);
	if (t.old_tc_fd >= 0)
		close(t.old_tc_fd);
	if (t.old_reply_fd >= 0)
		close(t.old_reply_fd);
	keg__destroy(t.skel);
	keg_old_prefixes_close(&t.old_pfx);
	keg_dir_list_free(&t.before);
	return ret;
}
