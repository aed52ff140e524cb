// SPDX-License-Identifier: GPL-2.0-or-later
#include "module_deps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void kj_module_name(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');
	size_t i = 0;

	b = b ? b + 1 : path;
	for (; b[i] && i + 1 < size; i++) {
		if (!strncmp(b + i, ".ko", 3) && (b[i + 3] == '\0' || b[i + 3] == '.'))
			break;
		out[i] = b[i] == '-' ? '_' : b[i];
	}
	out[i] = '\0';
}

static bool same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a == '-' ? '_' : *a) != (*b == '-' ? '_' : *b))
			return false;
	return *a == *b;
}

long kj_module_deps_find(const struct kj_module_deps *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (same_name(d->m[i].name, name))
			return (long)i;
	return -1;
}

bool kj_module_builtin(const char *text, size_t len, const char *name)
{
	char want[64], line[512], got[64];

	kj_module_name(name, want, sizeof(want));
	for (size_t i = 0; i < len; ) {
		size_t j = i;

		while (j < len && text[j] != '\n')
			j++;
		if (j - i < sizeof(line)) {
			memcpy(line, text + i, j - i);
			line[j - i] = '\0';
			kj_module_name(line, got, sizeof(got));
			if (line[0] && !strcmp(got, want))
				return true;
		}
		i = j + 1;
	}
	return false;
}

static bool path_ok(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *s = p; *s; s++)
		if (s[0] == '.' && s[1] == '.' && (s == p || s[-1] == '/') &&
		    (s[2] == '/' || s[2] == '\0'))
			return false;
	return true;
}

static long find_path(const struct kj_module_deps *d, const char *p)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->m[i].path, p))
			return (long)i;
	return -1;
}

void kj_module_deps_free(struct kj_module_deps *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->m[i].name);
		free(d->m[i].path);
		free(d->m[i].needs);
	}
	free(d->m);
	memset(d, 0, sizeof(*d));
}

/* The next whitespace-separated word of [*at, end), NUL-terminated in a
 * fresh string, or NULL at the end. */
static char *word(const char **at, const char *end)
{
	const char *s = *at, *t;
	char *w;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	t = s;
	while (t < end && *t != ' ' && *t != '\t')
		t++;
	*at = t;
	if (t == s)
		return NULL;
	w = malloc((size_t)(t - s) + 1);
	if (w) {
		memcpy(w, s, (size_t)(t - s));
		w[t - s] = '\0';
	}
	return w;
}

int kj_module_deps_parse(const char *text, size_t len, struct kj_module_deps *d,
			 struct kj_err *e)
{
	const char *p = text, *end = text + len;
	size_t lineno = 0, cap = 0;
	/* the needs of each line, as paths, resolved once every line is in */
	char ***need_paths = NULL;
	size_t *need_counts = NULL;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	if (len > KJ_MODULE_DEPS_MAX_TEXT)
		return kj_fail(e, EFBIG, "modules.dep is larger than %u MiB",
			       KJ_MODULE_DEPS_MAX_TEXT >> 20);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon;

		lineno++;
		colon = memchr(p, ':', (size_t)(le - p));
		if (le == p || (le - p == 1 && *p == '\r')) {
			p = le + 1;
			continue;
		}
		if (!colon) {
			kj_fail(e, EINVAL, "modules.dep line %zu has no ':'", lineno);
			goto out;
		}
		if (d->n == KJ_MODULE_DEPS_MAX_MODULES) {
			kj_fail(e, EFBIG, "modules.dep lists more than %u modules",
				KJ_MODULE_DEPS_MAX_MODULES);
			goto out;
		}
		if (d->n == cap) {
			size_t nc = cap ? 2 * cap : 256;
			struct kj_module *nm = realloc(d->m, nc * sizeof(*nm));
			char ***np = realloc(need_paths, nc * sizeof(*np));
			size_t *nn = realloc(need_counts, nc * sizeof(*nn));

			if (nm)
				d->m = nm;
			if (np)
				need_paths = np;
			if (nn)
				need_counts = nn;
			if (!nm || !np || !nn) {
				kj_fail(e, ENOMEM, "out of memory");
				goto out;
			}
			cap = nc;
		}
		struct kj_module *m = &d->m[d->n];
		char name[256];
		const char *w = p;

		memset(m, 0, sizeof(*m));
		need_paths[d->n] = NULL;
		need_counts[d->n] = 0;
		m->path = word(&w, colon);
		d->n++;
		char *second = m->path ? word(&w, colon) : NULL;

		free(second);
		if (!m->path || second || !path_ok(m->path)) {
			kj_fail(e, EINVAL, "modules.dep line %zu: not one relative module "
				"path before the ':'", lineno);
			goto out;
		}
		kj_module_name(m->path, name, sizeof(name));
		m->name = strdup(name);
		if (!m->name) {
			kj_fail(e, ENOMEM, "out of memory");
			goto out;
		}
		w = colon + 1;
		for (char *dep; (dep = word(&w, le)); ) {
			char **np;
			size_t dl = strlen(dep);	/* a NUL inside ends it early */

			if (dl && dep[dl - 1] == '\r')
				dep[dl - 1] = '\0';
			if (need_counts[d->n - 1] == KJ_MODULE_DEPS_MAX_NEEDS || !path_ok(dep) ||
			    !(np = realloc(need_paths[d->n - 1],
					   (need_counts[d->n - 1] + 1) * sizeof(*np)))) {
				free(dep);
				kj_fail(e, EINVAL, "modules.dep line %zu: too many or bad paths "
					"after the ':'", lineno);
				goto out;
			}
			need_paths[d->n - 1] = np;
			np[need_counts[d->n - 1]++] = dep;
		}
		p = le + 1;
	}
	for (size_t i = 0; i < d->n; i++) {
		d->m[i].needs = calloc(need_counts[i] ? need_counts[i] : 1, sizeof(size_t));
		if (!d->m[i].needs) {
			kj_fail(e, ENOMEM, "out of memory");
			goto out;
		}
		for (size_t k = 0; k < need_counts[i]; k++) {
			long j = find_path(d, need_paths[i][k]);

			if (j < 0) {
				kj_fail(e, EINVAL, "modules.dep: %s needs %s, which has no line "
					"of its own", d->m[i].path, need_paths[i][k]);
				goto out;
			}
			d->m[i].needs[d->m[i].nneeds++] = (size_t)j;
		}
	}
	ret = 0;
out:
	for (size_t i = 0; i < d->n && need_paths; i++) {
		for (size_t k = 0; k < need_counts[i]; k++)
			free(need_paths[i][k]);
		free(need_paths[i]);
	}
	free(need_paths);
	free(need_counts);
	if (ret)
		kj_module_deps_free(d);
	return ret;
}

static bool listed(const size_t *order, size_t n, size_t idx)
{
	for (size_t i = 0; i < n; i++)
		if (order[i] == idx)
			return true;
	return false;
}

/* Depth first, with a depth bound against a cycle in a crafted file. */
static void visit(const struct kj_module_deps *d, size_t idx, size_t *order, size_t *n,
		  unsigned depth)
{
	if (listed(order, *n, idx) || depth > 64)
		return;
	for (size_t k = 0; k < d->m[idx].nneeds; k++)
		visit(d, d->m[idx].needs[k], order, n, depth + 1);
	if (!listed(order, *n, idx) && *n < d->n)
		order[(*n)++] = idx;
}

void kj_module_deps_load_order(const struct kj_module_deps *d, size_t idx, size_t *order,
			       size_t *n)
{
	if (idx < d->n)
		visit(d, idx, order, n, 0);
}
