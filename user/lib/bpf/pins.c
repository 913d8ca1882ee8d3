// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* pins.c - see pins.h */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "iface.h"
#include "note.h"
#include "pins.h"

int keg_pin_dir(const char *iface, char *buf, size_t len)
{
	if (!keg_ifname_valid(iface))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%s", KEG_PIN_ROOT, iface) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int keg_pin_path(const char *iface, const char *name, char *buf, size_t len)
{
	if (!keg_ifname_valid(iface))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%s/%s", KEG_PIN_ROOT, iface, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC;
}

static bool sys_remounted(void);

int keg_bpffs_check(void)
{
	struct stat here, init;

	/* Through /proc/1/root the path resolves in init's mount namespace. */
	if (stat("/proc/1/root" KEG_BPFFS, &init) < 0 ||
	    !is_bpffs("/proc/1/root" KEG_BPFFS))
		init.st_dev = 0;
	if (!is_bpffs(KEG_BPFFS))
		return init.st_dev || sys_remounted() ? -EXDEV : -ENOENT;
	if (stat(KEG_BPFFS, &here) < 0)
		return -errno;
	if (init.st_dev && here.st_dev != init.st_dev)
		return -EXDEV;
	return 0;
}

/* Source of the last mount on /sys: "sysfs" normally; `ip netns exec`
 * remounts /sys with the namespace's name as source. */
static bool sys_remounted(void)
{
	char line[1024], fstype[64], source[256];
	bool remounted = false;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");
		char mnt[256];

		if (!sep || sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 ||
		    strcmp(mnt, "/sys") ||
		    sscanf(sep + 3, "%63s %255s", fstype, source) != 2)
			continue;
		remounted = !strcmp(fstype, "sysfs") && strcmp(source, "sysfs") != 0;
	}
	fclose(f);
	return remounted;
}

/* Other mount namespace than init's, when /proc/1 lets us tell. */
static bool other_mount_ns(void)
{
	char self[64], init[64];
	ssize_t a = readlink("/proc/self/ns/mnt", self, sizeof(self));
	ssize_t b = readlink("/proc/1/ns/mnt", init, sizeof(init));

	return a > 0 && b > 0 && (a != b || memcmp(self, init, (size_t)a));
}

int keg_bpffs_prepare(void)
{
	int ret = keg_bpffs_check();

	if (ret == -ENOENT) {
		/* Mount it, unless the mount would not last: a private /sys
		 * or a mount namespace other than init's. */
		if (sys_remounted() || other_mount_ns())
			return -EXDEV;
		if (mount("bpf", KEG_BPFFS, "bpf", 0, "mode=0700") < 0)
			return -errno;
	} else if (ret) {
		return ret;
	}
	if (mkdir(KEG_PIN_ROOT, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* flock fd (op LOCK_SH or LOCK_EX), waiting up to timeout_s and saying so
 * once: 0, -ETIMEDOUT or a negative errno. */
static int flock_wait(int fd, int op, unsigned int timeout_s, const char *what,
		      const struct keg_note *note)
{
	const struct timespec step = { .tv_nsec = KEG_LOCK_POLL_NS };
	unsigned long waited_ns = 0;
	bool said = false;

	while (flock(fd, op | LOCK_NB) < 0) {
		int ret = -errno;

		if (ret != -EWOULDBLOCK)
			return ret;
		if (waited_ns >= timeout_s * 1000000000UL)
			return -ETIMEDOUT;
		if (!said) {
			keg_note(note, KEG_NOTE_WAIT, "waiting up to %us for another kegctl "
				 "working on %s", timeout_s, what);
			said = true;
		}
		nanosleep(&step, NULL);
		waited_ns += KEG_LOCK_POLL_NS;
	}
	return 0;
}

int keg_lock(bool exclusive, unsigned int timeout_s, const struct keg_note *note)
{
	int fd, ret;

	fd = open(KEG_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = flock_wait(fd, exclusive ? LOCK_EX : LOCK_SH, timeout_s, KEG_PIN_ROOT, note);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

void keg_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
}

/* KEG_LOCK_DIR/NAME, made if missing (never removed, so a waiter never
 * holds the lock of a directory that another one re-created), opened. */
static int open_iface_lock(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (!keg_ifname_valid(name))
		return -EINVAL;
	if (mkdir(KEG_LOCK_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/%s", KEG_LOCK_DIR, name);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int keg_lock_ifaces(struct keg_locks *l, const char *const *names, size_t n,
		    unsigned int timeout_s, const struct keg_note *note)
{
	const char *sorted[KEG_LOCK_IFACES_MAX];
	size_t i, j;
	int ret;

	l->n = 0;
	l->root = -1;
	if (n > KEG_LOCK_IFACES_MAX)
		return -E2BIG;
	/* One order for everyone (by name, each once): no two kegctl can
	 * each hold a lock the other waits for. */
	for (i = 0; i < n; i++) {
		for (j = i; j > 0 && strcmp(sorted[j - 1], names[i]) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = names[i];
	}
	ret = keg_lock(false, timeout_s, note);
	if (ret < 0)
		return ret;
	l->root = ret;
	for (i = 0; i < n; i++) {
		char what[sizeof(KEG_LOCK_DIR) + IF_NAMESIZE + 1];
		int fd;

		if (i && !strcmp(sorted[i], sorted[i - 1]))
			continue;
		fd = open_iface_lock(sorted[i]);
		if (fd < 0) {
			ret = fd;
			goto fail;
		}
		snprintf(what, sizeof(what), "%s/%s", KEG_LOCK_DIR, sorted[i]);
		ret = flock_wait(fd, LOCK_EX, timeout_s, what, note);
		if (ret) {
			close(fd);
			goto fail;
		}
		l->fd[l->n++] = fd;
	}
	return 0;
fail:
	keg_unlock_ifaces(l);
	return ret;
}

void keg_unlock_ifaces(struct keg_locks *l)
{
	while (l->n)
		close(l->fd[--l->n]);
	keg_unlock(l->root);
	l->root = -1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int keg_pin_ifaces(char (**names)[IF_NAMESIZE], size_t *n)
{
	struct keg_dirlist l;
	size_t i;
	int ret;

	*names = NULL;
	*n = 0;
	ret = keg_dir_list(KEG_PIN_ROOT, &l);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	*names = calloc(l.n ? l.n : 1, sizeof(**names));
	if (!*names) {
		keg_dir_list_free(&l);
		return -ENOMEM;
	}
	for (i = 0; i < l.n; i++) {
		char path[PATH_MAX];
		struct stat st;

		if (!keg_ifname_valid(l.names[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", KEG_PIN_ROOT, l.names[i]);
		if (lstat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		memcpy((*names)[(*n)++], l.names[i], strlen(l.names[i]) + 1);
	}
	keg_dir_list_free(&l);
	return 0;
}

int keg_dir_list(const char *dir, struct keg_dirlist *l)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	memset(l, 0, sizeof(*l));
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (l->n == cap) {
			void *v;

			cap = cap ? cap * 2 : 16;
			v = reallocarray(l->names, cap, sizeof(*l->names));
			if (!v) {
				closedir(d);
				keg_dir_list_free(l);
				return -ENOMEM;
			}
			l->names = v;
		}
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", de->d_name);
	}
	closedir(d);
	if (l->n > 1)
		qsort(l->names, l->n, sizeof(*l->names), name_cmp);
	return 0;
}

void keg_dir_list_free(struct keg_dirlist *l)
{
	free(l->names);
	memset(l, 0, sizeof(*l));
}

bool keg_dir_list_has(const struct keg_dirlist *l, const char *name)
{
	return l && l->n && bsearch(name, l->names, l->n, sizeof(*l->names), name_cmp);
}

int keg_dir_purge(const char *dir, const struct keg_dirlist *keep, bool rmdir_it)
{
	struct keg_dirlist l;
	int ret, first = 0;
	size_t i;

	ret = keg_dir_list(dir, &l);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	for (i = 0; i < l.n; i++) {
		char path[PATH_MAX];

		if (keg_dir_list_has(keep, l.names[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, l.names[i]);
		if (unlink(path) < 0 && errno != ENOENT && !first)
			first = -errno;
	}
	keg_dir_list_free(&l);
	if (rmdir_it && !first && rmdir(dir) < 0 && errno != ENOENT)
		first = -errno;
	return first;
}
