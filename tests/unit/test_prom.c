// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_prom.c - the Prometheus text writer (user/kegctl/prom.c) and where
 * the keg_stats counters go in it (user/kegctl/stats_prom_map.c): exact
 * lines, escaping, output larger than the buffer, a write error reported,
 * and every counter of KEG_STATS_LIST under a rule, in a valid family,
 * with label values that tell it apart from every other counter.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../user/kegctl/prom.h"
#include "../../user/kegctl/stats_prom_map.h"
#include "stats.h"

/* Run fn with a writer on a temporary file; return what it wrote. */
static char *capture(void (*fn)(struct prom *p), int *err)
{
	struct prom *p = malloc(sizeof(*p));
	FILE *f = tmpfile();
	char *out;
	long len;

	cr_assert(p && f);
	prom_init(p, fileno(f));
	fn(p);
	*err = prom_finish(p);
	free(p);
	len = lseek(fileno(f), 0, SEEK_END);
	cr_assert(len >= 0);
	out = calloc(1, (size_t)len + 1);
	cr_assert(out);
	cr_assert_eq(pread(fileno(f), out, (size_t)len, 0), len);
	fclose(f);
	return out;
}

static void write_basic(struct prom *p)
{
	const struct prom_label l[2] = { { "iface", "eth1" }, { "reason", "trunc_eth" } };

	prom_family(p, "keg_parse_errors_total", PROM_COUNTER, "Packets not parsed.");
	prom_sample(p, "keg_parse_errors_total", l, 2, 42);
	prom_family(p, "keg_interfaces_attached", PROM_GAUGE, "Interfaces.");
	prom_sample(p, "keg_interfaces_attached", NULL, 0, 0);
	prom_sample(p, "keg_interfaces_attached", l, 1, UINT64_MAX);
}

Test(prom, lines_exact)
{
	int err;
	char *out = capture(write_basic, &err);

	cr_assert_eq(err, 0);
	cr_assert_str_eq(out,
		"# HELP keg_parse_errors_total Packets not parsed.\n"
		"# TYPE keg_parse_errors_total counter\n"
		"keg_parse_errors_total{iface=\"eth1\",reason=\"trunc_eth\"} 42\n"
		"# HELP keg_interfaces_attached Interfaces.\n"
		"# TYPE keg_interfaces_attached gauge\n"
		"keg_interfaces_attached 0\n"
		"keg_interfaces_attached{iface=\"eth1\"} 18446744073709551615\n");
	free(out);
}

static void write_escapes(struct prom *p)
{
	const struct prom_label l[1] = { { "site", "a\\b\"c\nd" } };

	prom_family(p, "keg_site_up", PROM_GAUGE, "back\\slash \"quoted\"\nsecond line");
	prom_sample(p, "keg_site_up", l, 1, 1);
}

/* Label values: \ " and newline escaped; HELP: \ and newline only. */
Test(prom, escaping)
{
	int err;
	char *out = capture(write_escapes, &err);

	cr_assert_eq(err, 0);
	cr_assert_str_eq(out,
		"# HELP keg_site_up back\\\\slash \"quoted\"\\nsecond line\n"
		"# TYPE keg_site_up gauge\n"
		"keg_site_up{site=\"a\\\\b\\\"c\\nd\"} 1\n");
	free(out);
}

#define MANY 200000

static void write_many(struct prom *p)
{
	struct prom_label l[2] = { { "iface", "eth1" }, { "customer", NULL } };
	char who[32];

	prom_family(p, "keg_leaf_bytes_total", PROM_COUNTER, "Bytes.");
	for (int i = 0; i < MANY; i++) {
		snprintf(who, sizeof(who), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		l[1].value = who;
		prom_sample(p, "keg_leaf_bytes_total", l, 2, (uint64_t)i * 1000);
	}
}

/* Many times the buffer: every line once, in order, none torn. */
Test(prom, larger_than_buffer)
{
	char *out, *line, *save = NULL, want[128];
	int err, n = 0;

	out = capture(write_many, &err);
	cr_assert_eq(err, 0);
	cr_assert_gt(strlen(out), 10 * PROM_BUFSIZE);
	line = strtok_r(out, "\n", &save);
	line = strtok_r(NULL, "\n", &save);	/* after HELP */
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		snprintf(want, sizeof(want),
			 "keg_leaf_bytes_total{iface=\"eth1\",customer=\"10.%d.%d.%d\"} %llu",
			 n >> 16, (n >> 8) & 255, n & 255, (unsigned long long)n * 1000);
		cr_assert_str_eq(line, want, "line %d", n);
		n++;
	}
	cr_assert_eq(n, MANY);
	free(out);
}

/* A full disk is an error the caller sees (and does not rename over the
 * previous file). */
Test(prom, write_error_reported)
{
	struct prom *p = malloc(sizeof(*p));
	int fd = open("/dev/full", O_WRONLY);

	cr_assert(p);
	if (fd < 0)
		cr_skip_test("no /dev/full");
	prom_init(p, fd);
	write_many(p);
	cr_assert_eq(prom_finish(p), -ENOSPC);
	close(fd);
	free(p);
}

Test(prom, names)
{
	cr_assert(prom_name_valid("keg_rx_packets_total", false));
	cr_assert(prom_name_valid("a:b", false));
	cr_assert_not(prom_name_valid("a:b", true));
	cr_assert_not(prom_name_valid("1abc", false));
	cr_assert_not(prom_name_valid("", true));
	cr_assert_not(prom_name_valid("keg-rx", false));
	cr_assert(prom_name_valid("_x9", true));
}

/* Every keg_stats counter has a rule, in a counter family named
 * keg_*_total, with valid, non-empty label values; no two counters of an
 * interface share a family and label values. */
Test(stats_prom_map, every_counter_once)
{
	char seen[KEG_STAT__MAX][160];
	const char *v[2];
	int s, t, f;
	size_t k;

	for (s = 0; s < KEG_STAT__MAX; s++) {
		const struct stats_prom_family *sf;
		size_t nl;

		f = stats_prom_map(s, v);
		cr_assert_geq(f, 0, "counter %s has no rule in stats_prom_map.c",
			      keg_stat_names[s]);
		cr_assert_lt((size_t)f, stats_prom_n_families);
		sf = &stats_prom_families[f];
		nl = strlen(sf->name);
		cr_assert(prom_name_valid(sf->name, false), "%s", sf->name);
		cr_assert(nl > 10 && !strcmp(sf->name + nl - 6, "_total") &&
			  !strncmp(sf->name, "keg_", 4), "%s", sf->name);
		cr_assert(sf->help && *sf->help);
		snprintf(seen[s], sizeof(seen[s]), "%s", sf->name);
		for (k = 0; k < 2 && sf->label[k]; k++) {
			cr_assert(prom_name_valid(sf->label[k], true));
			cr_assert_str_neq(sf->label[k], "iface");
			cr_assert(v[k] && *v[k], "%s: empty %s", keg_stat_names[s], sf->label[k]);
			strncat(seen[s], "|", sizeof(seen[s]) - strlen(seen[s]) - 1);
			strncat(seen[s], v[k], sizeof(seen[s]) - strlen(seen[s]) - 1);
		}
		for (t = 0; t < s; t++)
			cr_assert_str_neq(seen[s], seen[t], "%s and %s both export %s",
					  keg_stat_names[s], keg_stat_names[t], seen[s]);
	}
}

/* The reasons of the issue: one family for the parse errors, one for the
 * proxy refusals, told apart by labels. */
Test(stats_prom_map, grouped_families)
{
	const char *v[2];
	int f_err = stats_prom_map(KEG_STAT_err_trunc_eth, v);

	cr_assert_str_eq(stats_prom_families[f_err].name, "keg_parse_errors_total");
	cr_assert_str_eq(v[0], "trunc_eth");
	for (int s = KEG_STAT_ERR_FIRST; s <= KEG_STAT_ERR_LAST; s++)
		cr_assert_eq(stats_prom_map(s, v), f_err, "%s", keg_stat_names[s]);
	cr_assert_str_eq(stats_prom_families[stats_prom_map(KEG_STAT_ns_bad_checksum, v)].name,
			 "keg_proxy_refused_total");
	cr_assert_str_eq(v[0], "ndp");
	cr_assert_str_eq(v[1], "bad_checksum");
	cr_assert_eq(stats_prom_map(KEG_STAT_arp_target_outside, v),
		     stats_prom_map(KEG_STAT_ns_target_outside, v));
	cr_assert_str_eq(v[1], "target_outside");
	cr_assert_str_eq(stats_prom_families[stats_prom_map(KEG_STAT_arp_replied, v)].name,
			 "keg_proxy_replies_total");
	cr_assert_eq(stats_prom_map(KEG_STAT__MAX, v), -1);
}
