// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "grow.h"

int keg_grow(void *vp, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *p, *v;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : KEG_GROW_FIRST;
	memcpy(&v, vp, sizeof(v));
	p = reallocarray(v, c, size);
	if (!p)
		return -ENOMEM;
	memcpy(vp, &p, sizeof(p));
	*cap = c;
	return 0;
}
