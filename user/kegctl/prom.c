// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* prom.c - see prom.h */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "prom.h"

void prom_init(struct prom *p, int fd)
{
	p->fd = fd;
	p->err = 0;
	p->len = 0;
}

static void drain(struct prom *p)
{
	size_t off = 0;
	ssize_t w;

	while (off < p->len && !p->err) {
		w = write(p->fd, p->buf + off, p->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			p->err = w < 0 ? -errno : -EIO;
		else
			off += (size_t)w;
	}
	p->len = 0;
}

/* Room for n more bytes (n <= PROM_BUFSIZE). */
static char *room(struct prom *p, size_t n)
{
	if (p->len + n > sizeof(p->buf))
		drain(p);
	return p->buf + p->len;
}

static void put(struct prom *p, const char *s, size_t n)
{
	while (n) {
		size_t k = n < sizeof(p->buf) ? n : sizeof(p->buf);

		memcpy(room(p, k), s, k);
		p->len += k;
		s += k;
		n -= k;
	}
}

static void puts_(struct prom *p, const char *s)
{
	put(p, s, strlen(s));
}

static void putc_(struct prom *p, char c)
{
	*room(p, 1) = c;
	p->len++;
}

/* s with backslash, newline and (quote true) double quote escaped. */
static void put_escaped(struct prom *p, const char *s, bool quote)
{
	const char *run = s;

	for (; *s; s++) {
		const char *esc = NULL;

		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '\n')
			esc = "\\n";
		else if (*s == '"' && quote)
			esc = "\\\"";
		if (!esc)
			continue;
		put(p, run, (size_t)(s - run));
		put(p, esc, 2);
		run = s + 1;
	}
	put(p, run, (size_t)(s - run));
}

static void put_u64(struct prom *p, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(p, tmp + i, sizeof(tmp) - i);
}

void prom_family(struct prom *p, const char *name, enum prom_type type,
		 const char *help)
{
	puts_(p, "# HELP ");
	puts_(p, name);
	putc_(p, ' ');
	put_escaped(p, help, false);
	puts_(p, "\n# TYPE ");
	puts_(p, name);
	puts_(p, type == PROM_COUNTER ? " counter\n" : " gauge\n");
}

void prom_sample(struct prom *p, const char *name, const struct prom_label *l,
		 size_t n, uint64_t value)
{
	size_t i;

	puts_(p, name);
	for (i = 0; i < n; i++) {
		putc_(p, i ? ',' : '{');
		puts_(p, l[i].name);
		put(p, "=\"", 2);
		put_escaped(p, l[i].value, true);
		putc_(p, '"');
	}
	if (n)
		putc_(p, '}');
	putc_(p, ' ');
	put_u64(p, value);
	putc_(p, '\n');
}

int prom_finish(struct prom *p)
{
	drain(p);
	return p->err;
}

static bool name_char(char c, bool first, bool label)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (c == ':')
		return !label;
	return !first && c >= '0' && c <= '9';
}

bool prom_name_valid(const char *s, bool label)
{
	const char *c;

	if (!s || !*s)
		return false;
	for (c = s; *c; c++)
		if (!name_char(*c, c == s, label))
			return false;
	return true;
}
