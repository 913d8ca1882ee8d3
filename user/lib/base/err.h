/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * err.h - error detail for library calls.
 *
 * Library functions return 0 or a negative errno. When they know more than
 * the errno says (which entry, which interface, which program), they also
 * write one line into *err, if err is not NULL. They never print: the caller
 * prints the line once, where the decision to fail is made.
 */
#ifndef KEG_ERR_H
#define KEG_ERR_H

#define KEG_ERR_MSG_LEN 512

struct keg_err {
	char msg[KEG_ERR_MSG_LEN];	/* "" when only the errno is known */
};

/* Format the detail into err (if not NULL) and return code (negative). */
int keg_err_set(struct keg_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing detail (or strerror(-code) if there is none) with a
 * context such as "kca: + customer 10.1.2.5"; returns code. */
int keg_err_prefix(struct keg_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The detail, or strerror(-code) when no detail was set. */
const char *keg_err_str(const struct keg_err *err, int code);

static inline void keg_err_clear(struct keg_err *err)
{
	if (err)
		err->msg[0] = '\0';
}

#endif /* KEG_ERR_H */
