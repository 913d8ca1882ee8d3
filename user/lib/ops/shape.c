// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* shape.c - see shape.h */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>

#include "keg_group.skel.h"
#include "rate.h"
#include "log.h"
#include "pins.h"
#include "pinset.h"
#include "shape.h"
#include "tc.h"

static const uint16_t default_ports[] = { 22, 53, 123, 5060, 3478 };

void keg_shape_setup_init(struct keg_shape_setup *s)
{
	memset(s, 0, sizeof(*s));
	s->leaf = -1;
	s->match = -1;
	s->interactive = -1;
	s->small = -1;
	s->nports = -1;
}

static int shape_fd(const char *iface, struct keg_err *err)
{
	return keg_pin_open(iface, KEG_STR(KEG_MAP_SHAPE), err);
}

int keg_shape_get(const char *iface, struct keg_shape_cfg *cfg, struct keg_err *err)
{
	__u32 zero = 0;
	int fd = shape_fd(iface, err), ret = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, cfg))
		ret = keg_err_set(err, -errno, "%s: reading keg_shape: %s", iface,
				  strerror(errno));
	close(fd);
	return ret;
}

int keg_shape_put(const char *iface, const struct keg_shape_cfg *cfg,
		  struct keg_err *err)
{
	__u32 zero = 0;
	int fd = shape_fd(iface, err), ret = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &zero, cfg, BPF_ANY))
		ret = keg_err_set(err, -errno, "%s: writing keg_shape: %s", iface,
				  strerror(errno));
	close(fd);
	return ret;
}

/* Interactive leaf: a small guaranteed share (1/10, at least 8kbit);
 * the bulk leaf the rest. Both may borrow up to the parent's ceil. */
static void leaf_rates(uint32_t rate, uint32_t ceil, uint32_t burst,
		       struct keg_htb_rate *in, struct keg_htb_rate *bulk)
{
	uint32_t ir = rate / 10 < 8 ? 8 : rate / 10;
	uint32_t br = rate > ir + 8 ? rate - ir : 8;

	if (!ceil || ceil < rate)
		ceil = rate;
	*in = (struct keg_htb_rate){ .rate_kbit = ir, .ceil_kbit = ceil, .burst = burst,
				     .prio = 0, .est = true };
	*bulk = (struct keg_htb_rate){ .rate_kbit = br, .ceil_kbit = ceil, .burst = burst,
				       .prio = 1, .est = true };
}

/* Parent minor + its two leaves, created or changed. */
static void class_triplet(struct keg_tcb *b, int ifindex, uint32_t parent,
			  uint32_t rate, uint32_t ceil, uint32_t burst,
			  enum keg_leaf_kind leaf, bool create)
{
	struct keg_htb_rate p = { .rate_kbit = rate, .ceil_kbit = ceil, .burst = burst };
	struct keg_htb_rate in, bulk;

	leaf_rates(rate, ceil, burst, &in, &bulk);
	/* Under the root class of its own HTB: 1:1, or M:1 of a group. */
	keg_htb_class(b, ifindex, (parent & 0xffff0000U) | KEG_CLASS_ROOT, parent, &p, create);
	keg_htb_class(b, ifindex, parent, parent + KEG_LEAF_INTERACTIVE, &in, create);
	keg_htb_class(b, ifindex, parent, parent + KEG_LEAF_BULK, &bulk, create);
	if (create) {
		keg_htb_leaf_add(b, ifindex, parent + KEG_LEAF_INTERACTIVE, leaf);
		keg_htb_leaf_add(b, ifindex, parent + KEG_LEAF_BULK, leaf);
	}
}

static void class_triplet_del(struct keg_tcb *b, int ifindex, uint32_t parent)
{
	keg_htb_class_del(b, ifindex, parent + KEG_LEAF_INTERACTIVE);
	keg_htb_class_del(b, ifindex, parent + KEG_LEAF_BULK);
	keg_htb_class_del(b, ifindex, parent);
}

/* Group g's class in the root HTB, its HTB and that HTB's root class. */
static void group_add(struct keg_tcb *b, int ifindex, uint32_t g, uint32_t link)
{
	struct keg_htb_rate r = { .rate_kbit = link };
	uint32_t major = KEG_GROUP_MAJOR(g);

	keg_htb_class(b, ifindex, KEG_CLASSID(KEG_CLASS_ROOT),
		      KEG_CLASSID(KEG_CLASS_GROUP_FIRST + g), &r, true);
	keg_htb_qdisc_add_under(b, ifindex, KEG_CLASSID(KEG_CLASS_GROUP_FIRST + g), major);
	keg_htb_class(b, ifindex, major << 16, (major << 16) | KEG_CLASS_ROOT, &r, true);
}

static void groups_ensure(struct keg_tcb *b, struct keg_shape_cfg *cfg, int ifindex,
			  uint32_t class_id)
{
	uint32_t major = class_id >> 16, g;

	if (major < KEG_GROUP_MAJOR_FIRST)
		return;
	for (g = cfg->groups; g <= major - KEG_GROUP_MAJOR_FIRST; g++) {
		group_add(b, ifindex, g, cfg->link_kbit);
		if (cfg->up_ifindex)
			group_add(b, (int)cfg->up_ifindex, g, cfg->link_kbit);
		cfg->groups = g + 1;
	}
}

void keg_shape_customer_classes(struct keg_tcb *b, struct keg_shape_cfg *cfg,
				int ifindex, const struct keg_customer *v,
				const struct keg_customer *old)
{
	enum keg_leaf_kind leaf = (enum keg_leaf_kind)cfg->leaf;

	if (!v->class_id || !v->down_kbit)
		return;
	groups_ensure(b, cfg, ifindex, v->class_id);
	class_triplet(b, ifindex, v->class_id, v->down_kbit, v->ceil_kbit, v->burst, leaf,
		      !old || !old->down_kbit);
	if (!cfg->up_ifindex)
		return;
	if (v->up_kbit)
		class_triplet(b, (int)cfg->up_ifindex, v->class_id, v->up_kbit, 0, v->burst,
			      leaf, !old || !old->up_kbit);
	else if (old && old->up_kbit)
		class_triplet_del(b, (int)cfg->up_ifindex, v->class_id);
}

void keg_shape_customer_unclass(struct keg_tcb *b, const struct keg_shape_cfg *cfg,
				int ifindex, const struct keg_customer *v)
{
	if (!v->class_id)
		return;
	class_triplet_del(b, ifindex, v->class_id);
	if (cfg->up_ifindex && v->up_kbit)
		class_triplet_del(b, (int)cfg->up_ifindex, v->class_id);
}

int keg_shape_slots(const struct keg_ifctx *c, uint8_t *taken)
{
	struct keg_addr *v;
	struct keg_customer val;
	size_t n, i;
	int ret;

	memset(taken, 0, (KEG_SHAPE_MAX_SLOTS + 7) / 8);
	ret = keg_customers_list(&c->maps, &v, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		uint32_t minor, major, s;

		if (keg_customer_get(&c->maps, &v[i], &val) || !val.class_id)
			continue;
		minor = val.class_id & 0xffff;
		major = val.class_id >> 16;
		if (minor < KEG_CLASS_FIRST || (minor - KEG_CLASS_FIRST) % 3 ||
		    major < KEG_GROUP_MAJOR_FIRST)
			continue;
		s = (major - KEG_GROUP_MAJOR_FIRST) * KEG_GROUP_SIZE +
		    (minor - KEG_CLASS_FIRST) / 3;
		if (s < KEG_SHAPE_MAX_SLOTS)
			taken[s / 8] |= (uint8_t)(1U << (s % 8));
	}
	free(v);
	return 0;
}

uint32_t keg_shape_slot_alloc(uint8_t *taken)
{
	for (uint32_t s = 0; s < KEG_SHAPE_MAX_SLOTS; s++) {
		if (taken[s / 8] & (1U << (s % 8)))
			continue;
		taken[s / 8] |= (uint8_t)(1U << (s % 8));
		return KEG_SLOT_CLASSID(s);
	}
	return 0;
}

/* Root qdisc, root class and default class of one device. */
static void tree(struct keg_tcb *b, int ifindex, uint32_t link, uint32_t def,
		 enum keg_leaf_kind leaf, bool create)
{
	struct keg_htb_rate root = { .rate_kbit = link };

	if (create)
		keg_htb_qdisc_add(b, ifindex, KEG_CLASSID(KEG_CLASS_DEFAULT + KEG_LEAF_BULK));
	keg_htb_class(b, ifindex, KEG_CLASSID(0), KEG_CLASSID(KEG_CLASS_ROOT), &root, create);
	class_triplet(b, ifindex, KEG_CLASSID(KEG_CLASS_DEFAULT), def, 0, 0, leaf, create);
}

/* Try the leaf kind on a scratch class of the new tree. */
static enum keg_leaf_kind probe_leaf(struct keg_nl *nl, int ifindex)
{
	static const enum keg_leaf_kind order[] = { KEG_LEAF_FQ_CODEL };
	struct keg_tcb b;
	enum keg_leaf_kind got = KEG_LEAF_PFIFO;

	if (keg_tcb_open(&b, nl))
		return got;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		keg_tcb_reset(&b);
		keg_htb_leaf_add(&b, ifindex, KEG_CLASSID(KEG_CLASS_DEFAULT + KEG_LEAF_BULK),
				 order[i]);
		if (!keg_tcb_flush(&b)) {
			got = order[i];
			break;
		}
		pr_verbose("leaf qdisc %s not available (%s), trying the next",
			keg_leaf_name(order[i]), b.err.msg);
	}
	keg_tcb_close(&b);
	return got;
}

static int customers_classes(struct keg_tcb *b, const struct keg_ifctx *c,
			     struct keg_shape_cfg *cfg)
{
	struct keg_customer val;
	struct keg_addr *v;
	size_t n, i;
	int ret;

	ret = keg_customers_list(&c->maps, &v, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		if (!keg_customer_get(&c->maps, &v[i], &val))
			keg_shape_customer_classes(b, cfg, c->ifindex, &val, NULL);
	free(v);
	return 0;
}

/* The root HTB's classifier (bpf/keg_group.bpf.c) on both trees. The
 * filters hold the program; the skeleton is closed again. */
static int group_filters(struct keg_tcb *b, int ifindex, int up, struct keg_err *err)
{
	struct keg_group *skel = keg_group__open_and_load();
	int fd, ret;

	if (!skel)
		return keg_err_set(err, -errno, "loading keg_group: %s", strerror(errno));
	fd = bpf_program__fd(skel->progs.keg_group);
	keg_htb_filter_add(b, ifindex, fd, "keg_group");
	if (up)
		keg_htb_filter_add(b, up, fd, "keg_group");
	ret = keg_tcb_flush(b);
	keg_group__destroy(skel);
	if (ret)
		keg_err_set(err, ret, "%s", b->err.msg);
	return ret;
}

static int uplink_attach(const struct keg_ifctx *c, int up, struct keg_err *err)
{
	uint32_t id = 0;
	bool created;
	int fd, ret;

	ret = keg_tc_query(c->ifindex, &id);
	if (ret || !id)
		return keg_err_set(err, ret ? ret : -ENOENT, "%s: keg_tc is not attached", c->name);
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return keg_err_set(err, -errno, "opening keg_tc (id %u): %s", id, strerror(errno));
	ret = keg_tc_hook_ensure(up, &created);
	if (!ret) {
		uint32_t cur = 0;

		ret = keg_tc_attach(up, fd, !keg_tc_query(up, &cur) && cur);
	}
	close(fd);
	if (ret)
		return keg_err_set(err, ret, "attaching keg_tc to the uplink's egress: %s",
				   strerror(-ret));
	return 0;
}

int keg_shape_uplink_refresh(const struct keg_ifctx *c, bool *refreshed, struct keg_err *err)
{
	struct keg_shape_cfg cfg;
	uint32_t down = 0, up = 0;

	*refreshed = false;
	if (keg_shape_get(c->name, &cfg, NULL) || !(cfg.flags & KEG_SHAPE_ON) ||
	    !cfg.up_ifindex)
		return 0;
	if (!keg_tc_query(c->ifindex, &down) && !keg_tc_query((int)cfg.up_ifindex, &up) &&
	    down == up)
		return 0;	/* the same program already */
	*refreshed = true;
	return uplink_attach(c, (int)cfg.up_ifindex, err);
}

int keg_shape_enable(struct keg_nl *nl, const struct keg_ifctx *c,
		     const struct keg_shape_setup *s, struct keg_shape_cfg *out,
		     struct keg_err *err)
{
	struct keg_shape_cfg cfg;
	struct keg_tcb b;
	bool fresh;
	int up = 0, ret, i;

	ret = keg_shape_get(c->name, &cfg, err);
	if (ret)
		return ret;
	fresh = !(cfg.flags & KEG_SHAPE_ON);
	if (s->uplink) {
		char dir[256];
		struct stat st;

		up = (int)if_nametoindex(s->uplink);
		if (!up)
			return keg_err_set(err, -ENODEV, "uplink %s: no such interface", s->uplink);
		if (up == c->ifindex)
			return keg_err_set(err, -EINVAL, "the uplink must not be %s itself",
					   c->name);
		keg_pin_dir(s->uplink, dir, sizeof(dir));
		if (!stat(dir, &st))
			return keg_err_set(err, -EBUSY,
					   "uplink %s is keg-attached itself; an uplink runs %s's classifier",
					   s->uplink, c->name);
		if (!fresh && cfg.up_ifindex && (int)cfg.up_ifindex != up)
			return keg_err_set(err, -EBUSY,
					   "%s already shapes uploads on ifindex %u; 'kegctl shape off %s' first",
					   c->name, cfg.up_ifindex, c->name);
	}
	if (fresh) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.link_kbit = KEG_DEFAULT_LINK_KBIT;
		cfg.small_size = KEG_DEFAULT_SMALL;
		for (i = 0; i < (int)(sizeof(default_ports) / sizeof(default_ports[0])); i++)
			cfg.ports[i] = htons(default_ports[i]);
	}
	cfg.down_ifindex = (__u32)c->ifindex;
	cfg.default_class = KEG_CLASSID(KEG_CLASS_DEFAULT);
	if (s->link_kbit)
		cfg.link_kbit = s->link_kbit;
	if (s->default_kbit)
		cfg.default_kbit = s->default_kbit;
	if (s->default_up_kbit)
		cfg.default_up_kbit = s->default_up_kbit;
	if (!cfg.default_kbit)
		cfg.default_kbit = cfg.link_kbit;
	if (!cfg.default_up_kbit)
		cfg.default_up_kbit = cfg.link_kbit;
	if (s->match >= 0)
		cfg.flags = s->match ? cfg.flags | KEG_SHAPE_MATCH_OUTER :
				       cfg.flags & ~KEG_SHAPE_MATCH_OUTER;
	if (s->interactive >= 0)
		cfg.flags = s->interactive ? cfg.flags & ~KEG_SHAPE_NO_INTERACT :
					     cfg.flags | KEG_SHAPE_NO_INTERACT;
	if (s->small >= 0)
		cfg.small_size = (__u32)s->small;
	if (s->nports >= 0) {
		memset(cfg.ports, 0, sizeof(cfg.ports));
		for (i = 0; i < s->nports && i < KEG_SHAPE_PORTS; i++)
			cfg.ports[i] = htons(s->ports[i]);
	}
	/* The combination, before the first change. */
	if (!fresh && s->leaf >= 0 && (__u32)s->leaf != cfg.leaf)
		return keg_err_set(err, -EINVAL, "%s shapes with leaf qdisc %s, fixed when shaping "
				   "was turned on; 'kegctl shape off %s' first to change it",
				   c->name, keg_leaf_name((enum keg_leaf_kind)cfg.leaf), c->name);
	if (cfg.default_kbit > cfg.link_kbit || cfg.default_up_kbit > cfg.link_kbit) {
		char l[32], d[32];

		return keg_err_set(err, -EINVAL, "default rate %s is above the link rate %s",
				   keg_rate_str(cfg.default_kbit > cfg.link_kbit ? cfg.default_kbit :
						cfg.default_up_kbit, d, sizeof(d)),
				   keg_rate_str(cfg.link_kbit, l, sizeof(l)));
	}

	ret = keg_tcb_open(&b, nl);
	if (ret)
		return keg_err_set(err, ret, "out of memory");
	if (fresh) {
		/* A tree left over (e.g. by a detach without shape --off) goes. */
		if (keg_htb_present(nl, c->ifindex) == 1)
			keg_htb_qdisc_del(&b, c->ifindex);
		keg_tcb_flush(&b);
		if (up && keg_htb_present(nl, up) == 1)
			keg_htb_qdisc_del(&b, up);
		keg_tcb_flush(&b);
		keg_tcb_reset(&b);
		/* Root and default class first: the leaf probe needs a class. */
		keg_htb_qdisc_add(&b, c->ifindex, KEG_CLASSID(KEG_CLASS_DEFAULT + KEG_LEAF_BULK));
		keg_htb_class(&b, c->ifindex, KEG_CLASSID(0), KEG_CLASSID(KEG_CLASS_ROOT),
			      &(struct keg_htb_rate){ .rate_kbit = cfg.link_kbit }, true);
		class_triplet(&b, c->ifindex, KEG_CLASSID(KEG_CLASS_DEFAULT), cfg.default_kbit,
			      0, 0, KEG_LEAF_PFIFO, true);
		ret = keg_tcb_flush(&b);
		if (ret)
			goto fail;
		if (s->leaf < 0) {
			cfg.leaf = probe_leaf(nl, c->ifindex);
		} else {
			cfg.leaf = (__u32)s->leaf;
			keg_htb_leaf_add(&b, c->ifindex,
					 KEG_CLASSID(KEG_CLASS_DEFAULT + KEG_LEAF_BULK),
					 (enum keg_leaf_kind)cfg.leaf);
		}
		keg_htb_leaf_add(&b, c->ifindex,
				 KEG_CLASSID(KEG_CLASS_DEFAULT + KEG_LEAF_INTERACTIVE),
				 (enum keg_leaf_kind)cfg.leaf);
		if (up) {
			cfg.up_ifindex = (__u32)up;
			tree(&b, up, cfg.link_kbit, cfg.default_up_kbit,
			     (enum keg_leaf_kind)cfg.leaf, true);
		}
		ret = group_filters(&b, c->ifindex, up, err);
		if (ret)
			goto undo;
		cfg.groups = 0;
		ret = customers_classes(&b, c, &cfg);
		if (!ret)
			ret = keg_tcb_flush(&b);
		if (ret)
			goto fail;
	} else {
		tree(&b, c->ifindex, cfg.link_kbit, cfg.default_kbit,
		     (enum keg_leaf_kind)cfg.leaf, false);
		if (cfg.up_ifindex)
			tree(&b, (int)cfg.up_ifindex, cfg.link_kbit, cfg.default_up_kbit,
			     (enum keg_leaf_kind)cfg.leaf, false);
		ret = keg_tcb_flush(&b);
		if (ret)
			goto fail;
	}
	if (up && fresh) {
		ret = uplink_attach(c, up, err);
		if (ret)
			goto undo;
	}
	cfg.flags |= KEG_SHAPE_ON;
	ret = keg_shape_put(c->name, &cfg, err);
	if (ret)
		goto undo;
	keg_tcb_close(&b);
	if (out)
		*out = cfg;
	return 0;
fail:
	/* The batch's own detail if it failed; else err already says why. */
	if (b.err.msg[0])
		keg_err_set(err, ret, "%s", b.err.msg);
undo:
	if (fresh) {
		keg_tcb_reset(&b);
		keg_htb_qdisc_del(&b, c->ifindex);
		if (up)
			keg_htb_qdisc_del(&b, up);
		keg_tcb_flush(&b);
	}
	keg_tcb_close(&b);
	return ret;
}

int keg_shape_disable(struct keg_nl *nl, const struct keg_ifctx *c, struct keg_err *err)
{
	struct keg_shape_cfg cfg;
	struct keg_tcb b;
	unsigned int nf = 0;
	int ret, put = 0;

	ret = keg_shape_get(c->name, &cfg, err);
	if (ret)
		return ret;
	if (cfg.flags & KEG_SHAPE_ON) {
		cfg.flags &= ~KEG_SHAPE_ON;
		ret = keg_shape_put(c->name, &cfg, err);
		if (ret)
			return ret;
	}
	ret = keg_tcb_open(&b, nl);
	if (ret)
		return keg_err_set(err, ret, "out of memory");
	if (keg_htb_present(nl, c->ifindex) == 1)
		keg_htb_qdisc_del(&b, c->ifindex);
	keg_tcb_flush(&b);	/* a failure stays in b and is reported below */
	if (cfg.up_ifindex) {
		if (keg_htb_present(nl, (int)cfg.up_ifindex) == 1)
			keg_htb_qdisc_del(&b, (int)cfg.up_ifindex);
		keg_tcb_flush(&b);
		/* The uplink's clsact goes only when keg's filter was the last. */
		if (!keg_tc_detach((int)cfg.up_ifindex) &&
		    !keg_tc_filter_count(nl, (int)cfg.up_ifindex, &nf) && !nf)
			keg_tc_hook_destroy((int)cfg.up_ifindex);
		cfg.up_ifindex = 0;
		put = keg_shape_put(c->name, &cfg, err);
	}
	ret = keg_tcb_flush(&b);
	if (ret)
		keg_err_set(err, ret, "%s", b.err.msg);
	else
		ret = put;
	keg_tcb_close(&b);
	return ret;
}

int keg_shape_customer_put(const struct keg_ifctx *c, const struct keg_addr *a,
			   const struct keg_customer *v)
{
	int fd = a->family == AF_INET ? c->maps.customers4 : c->maps.customers6;

	return bpf_map_update_elem(fd, a->bytes, v, BPF_EXIST) ? -errno : 0;
}

int keg_shape_ensure(struct keg_nl *nl, const struct keg_ifctx *c,
		     struct keg_shape_cfg *cfg, struct keg_err *err)
{
	struct keg_shape_setup s;
	int ret;

	ret = keg_shape_get(c->name, cfg, err);
	if (ret || (cfg->flags & KEG_SHAPE_ON))
		return ret;
	keg_shape_setup_init(&s);
	return keg_shape_enable(nl, c, &s, cfg, err);
}

int keg_shape_customer_change(struct keg_nl *nl, const struct keg_ifctx *c,
			      const struct keg_addr *a, struct keg_customer *v,
			      const struct keg_customer *old, struct keg_err *err)
{
	struct keg_shape_cfg cfg;
	uint8_t *taken;
	struct keg_tcb b;
	uint32_t groups;
	int ret;

	ret = keg_shape_ensure(nl, c, &cfg, err);
	if (ret)
		return ret;
	if (!v->class_id) {
		taken = malloc((KEG_SHAPE_MAX_SLOTS + 7) / 8);
		if (!taken)
			return keg_err_set(err, -ENOMEM, "out of memory");
		ret = keg_shape_slots(c, taken);
		v->class_id = ret ? 0 : keg_shape_slot_alloc(taken);
		free(taken);
		if (ret)
			return keg_err_set(err, ret, "reading the customers of %s: %s", c->name,
					   strerror(-ret));
		if (!v->class_id)
			return keg_err_set(err, -ENOSPC, "%s: all %u shaping slots are in use",
					   c->name, KEG_SHAPE_MAX_SLOTS);
	}
	ret = keg_tcb_open(&b, nl);
	if (ret)
		return keg_err_set(err, ret, "out of memory");
	groups = cfg.groups;
	keg_shape_customer_classes(&b, &cfg, c->ifindex, v,
				   old && old->class_id ? old : NULL);
	ret = keg_tcb_flush(&b);
	if (ret)
		keg_err_set(err, ret, "%s", b.err.msg);
	keg_tcb_close(&b);
	if (cfg.groups != groups)
		keg_shape_put(c->name, &cfg, NULL);
	if (ret || !a)
		return ret;
	ret = keg_shape_customer_put(c, a, v);
	if (ret)
		keg_err_set(err, ret, "updating the customer map of %s: %s", c->name,
			    strerror(-ret));
	return ret;
}

int keg_shape_customer_drop(struct keg_nl *nl, const struct keg_ifctx *c,
			    const struct keg_customer *v, struct keg_err *err)
{
	struct keg_shape_cfg cfg;
	struct keg_tcb b;
	int ret;

	if (!v->class_id)
		return 0;
	ret = keg_shape_get(c->name, &cfg, err);
	if (ret || !(cfg.flags & KEG_SHAPE_ON))
		return ret;
	ret = keg_tcb_open(&b, nl);
	if (ret)
		return keg_err_set(err, ret, "out of memory");
	keg_shape_customer_unclass(&b, &cfg, c->ifindex, v);
	ret = keg_tcb_flush(&b);
	if (ret)
		keg_err_set(err, ret, "%s", b.err.msg);
	keg_tcb_close(&b);
	return ret;
}

/* One dump per qdisc: an unfiltered dump makes the kernel visit every
 * qdisc of the device, each customer leaf's too, for each part of the
 * dump (seconds with 10,000 customers). */
int keg_shape_classes(struct keg_nl *nl, int ifindex, uint32_t groups,
		      struct keg_class_stats **cs, size_t *ncs)
{
	struct keg_class_stats *part, *all = NULL;
	size_t n, total = 0;
	uint32_t g;
	int ret = 0;

	for (g = 0; g <= groups && !ret; g++) {
		uint32_t major = g ? KEG_GROUP_MAJOR(g - 1) : KEG_HTB_MAJOR;

		part = NULL;
		n = 0;
		ret = keg_htb_class_dump_parent(nl, ifindex, major << 16, &part, &n);
		if (!ret && n) {
			struct keg_class_stats *v = realloc(all, (total + n) * sizeof(*v));

			if (!v) {
				ret = -ENOMEM;
			} else {
				all = v;
				memcpy(all + total, part, n * sizeof(*part));
				total += n;
			}
		}
		free(part);
	}
	if (ret) {
		free(all);
		return ret;
	}
	*cs = all;
	*ncs = total;
	return 0;
}
