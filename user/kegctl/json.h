/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * json.h - a small streaming JSON writer for kegctl's --json output.
 * Commas and nesting are tracked for the caller; strings are escaped.
 */
#ifndef KEGCTL_JSON_H
#define KEGCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_double(struct json *j, double v);	/* 3 decimals */
/* A ratio to the millionth (loss from kegd's ppm: 0.0001 is not 0.000). */
void json_fraction(struct json *j, double v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Ends the document with a newline. */
void json_end(struct json *j);

#endif /* KEGCTL_JSON_H */
