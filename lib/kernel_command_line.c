// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel_command_line.h"

#include <string.h>

static bool space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* As the kernel's next_arg(), without writing into the text. */
bool kj_cmdline_next(const char **pos, struct kj_cmdline_word *w)
{
	const char *s = pos ? *pos : NULL;
	size_t i, equals = 0, end;
	bool in_quote = false, quoted = false, val_quoted = false;

	memset(w, 0, sizeof(*w));
	if (!s)
		return false;
	while (space(*s))
		s++;
	if (!*s) {
		*pos = s;
		return false;
	}
	if (*s == '"') {
		s++;
		in_quote = quoted = true;
	}
	for (i = 0; s[i]; i++) {
		if (space(s[i]) && !in_quote)
			break;
		if (!equals && s[i] == '=')
			equals = i;
		if (s[i] == '"')
			in_quote = !in_quote;
	}
	end = i;
	if (equals && s[equals + 1] == '"')
		val_quoted = true;
	if ((quoted || val_quoted) && i > 0 && s[i - 1] == '"')
		end = i - 1;
	w->key = s;
	if (!equals) {
		w->key_len = end;
	} else {
		size_t v = equals + 1 + (val_quoted ? 1 : 0);

		w->key_len = equals;
		w->val = s + v;
		w->val_len = end > v ? end - v : 0;
	}
	*pos = s[i] ? s + i + 1 : s + i;
	return true;
}

bool kj_cmdline_is(const struct kj_cmdline_word *w, const char *key)
{
	size_t n = strlen(key);

	return w->key && w->key_len == n && !memcmp(w->key, key, n);
}
