/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * err.h - error detail for library calls.
 *
 * Library functions return 0 or a negative errno. When they know more than
 * the errno says (which entry, which interface, which program, which line
 * of a config file), they also write one line into *err, if err is not
 * NULL. They never print: the caller prints the line once, where the
 * decision to fail is made. struct keg_err is the one error carrier of the
 * tree: config parsing, apply, netlink batches and kegctl's commands all
 * fill one of these.
 *
 * A detail once set is not overwritten by a later, secondary failure: that
 * one is added with keg_err_prefix() or dropped (keg_err_set_first()).
 */
#ifndef KEG_ERR_H
#define KEG_ERR_H

#define KEG_ERR_MSG_LEN 512

struct keg_err {
	char msg[KEG_ERR_MSG_LEN];	/* "" when only the errno is known */
	unsigned int line;		/* config line it is about (1-based), or 0 */
};

/* Format the detail into err (if not NULL) and return code (negative). */
int keg_err_set(struct keg_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same, naming the config line it is about. */
int keg_err_set_line(struct keg_err *err, int code, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* keg_err_set() unless a detail is already there (the first failure is the
 * one worth reading); returns code either way. */
int keg_err_set_first(struct keg_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing detail (or strerror(-code) if there is none) with a
 * context such as "kca: + customer 10.1.2.5"; returns code. */
int keg_err_prefix(struct keg_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The detail, or strerror(-code) when no detail was set. */
const char *keg_err_str(const struct keg_err *err, int code);

static inline void keg_err_clear(struct keg_err *err)
{
	if (err) {
		err->msg[0] = '\0';
		err->line = 0;
	}
}

#endif /* KEG_ERR_H */
