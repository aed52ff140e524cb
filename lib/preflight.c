// SPDX-License-Identifier: GPL-2.0-or-later
#include "preflight.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "kexec.h"
#include "memmap.h"

int kj_config_value(const char *text, const char *opt)
{
	size_t ol = strlen(opt);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (!strncmp(l, opt, ol) && l[ol] == '=')
			return l[ol + 1] == 'y' ? 'y' : l[ol + 1] == 'm' ? 'm' : 'n';
		if (!strncmp(l, "# ", 2) && !strncmp(l + 2, opt, ol) &&
		    !strncmp(l + 2 + ol, " is not set", 11))
			return 'n';
	}
	return 0;
}

void kj_lockdown_parse(const char *text, char *out, size_t outsz)
{
	const char *a = strchr(text, '['), *b = a ? strchr(a, ']') : NULL;
	size_t n;

	if (outsz == 0)
		return;
	out[0] = 0;
	if (!a || !b)
		return;
	n = (size_t)(b - a - 1);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, a + 1, n);
	out[n] = 0;
}

static long read_long(const char *path, long dflt)
{
	FILE *f = fopen(path, "re");
	long v;

	if (!f)
		return dflt;
	if (fscanf(f, "%ld", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

static int read_gz(const char *path, char **out)
{
	gzFile g = gzopen(path, "rb");
	size_t cap = 1 << 16, len = 0;
	char *buf = NULL;
	int n;

	if (!g)
		return -1;
	for (;;) {
		if (!buf || cap - len < 2) {
			char *nb = realloc(buf, buf ? cap *= 2 : cap);

			if (!nb)
				break;
			buf = nb;
		}
		n = gzread(g, buf + len, (unsigned)(cap - len - 1));
		if (n <= 0) {
			gzclose(g);
			if (n < 0) {
				free(buf);
				return -1;
			}
			buf[len] = 0;
			*out = buf;
			return 0;
		}
		len += (size_t)n;
	}
	gzclose(g);
	free(buf);
	return -1;
}

int kj_config_read(char **text, char *source, size_t sourcesz, struct kj_err *e)
{
	const char *env = getenv("KJUMP_KCONFIG");	/* tests */
	struct utsname u;
	char path[128];

	if (env) {
		snprintf(source, sourcesz, "%s", env);
		return kj_read_text(env, text, NULL, e);
	}
	if (read_gz("/proc/config.gz", text) == 0) {
		snprintf(source, sourcesz, "/proc/config.gz");
		return 0;
	}
	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	if (kj_read_text(path, text, NULL, e) == 0) {
		snprintf(source, sourcesz, "%s", path);
		return 0;
	}
	snprintf(source, sourcesz, "neither /proc/config.gz nor %s exists", path);
	return kj_fail(e, ENOENT, "cannot read the kernel's configuration: %s", source);
}

static int cap_sys_boot(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long caps;
	int v = KJ_UNKNOWN;

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			v = (caps >> 22) & 1;	/* CAP_SYS_BOOT */
	fclose(f);
	return v;
}

void kj_sysinfo_read(struct kj_sysinfo *si)
{
	struct kj_err e;
	struct utsname u;
	char *text = NULL;

	memset(si, 0, sizeof(*si));
	si->euid = (int)geteuid();
	si->cap_sys_boot = cap_sys_boot();
	si->kexec_load_disabled = (int)read_long("/proc/sys/kernel/kexec_load_disabled", KJ_UNKNOWN);
	si->kexec_load_limit = read_long("/proc/sys/kernel/kexec_load_limit_reboot", -1);
	if (kj_read_text("/sys/kernel/security/lockdown", &text, NULL, &e) == 0) {
		kj_lockdown_parse(text, si->lockdown, sizeof(si->lockdown));
		free(text);
	}
	si->kexec_jump = KJ_UNKNOWN;
	if (kj_config_read(&text, si->config_source, sizeof(si->config_source), &e) == 0) {
		int v = kj_config_value(text, "CONFIG_KEXEC_JUMP");
		si->kexec_jump = v == 'y' ? 1 : v ? 0 :
			kj_config_value(text, "CONFIG_KEXEC") ? 0 : KJ_UNKNOWN;
		free(text);
	}
	si->kexec_loaded = kj_kexec_loaded();
	uname(&u);
	snprintf(si->release, sizeof(si->release), "%s", u.release);
}

int kj_preflight(const struct kj_sysinfo *si, unsigned need, bool force,
		 struct kj_err *e)
{
	if (need & KJ_NEED_ROOT) {
		if (si->euid != 0 || si->cap_sys_boot == 0)
			return kj_fail(e, EPERM, "kexec needs root (CAP_SYS_BOOT); "
				       "run kjump as root");
		if (si->kexec_load_disabled == 1)
			return kj_fail(e, EPERM, "kexec_load is disabled on this system "
				       "(sysctl kernel.kexec_load_disabled = 1, which "
				       "stays set until the next boot)");
		if (si->kexec_load_limit == 0)
			return kj_fail(e, EPERM, "kexec_load may not be called again on "
				       "this boot (sysctl kernel.kexec_load_limit_reboot "
				       "= 0)");
		if (si->lockdown[0] && strcmp(si->lockdown, "none"))
			return kj_fail(e, EPERM, "the kernel is locked down (%s, usually "
				       "because of Secure Boot): it refuses kexec_load; "
				       "disable Secure Boot or boot with lockdown=none "
				       "where policy allows", si->lockdown);
	}
	if ((need & KJ_NEED_JUMP) && si->kexec_jump != 1) {
		if (si->kexec_jump == 0)
			return kj_fail(e, ENOTSUP, "kernel %s is built without "
				       "CONFIG_KEXEC_JUMP (per %s): a preserve-context "
				       "jump would not come back; boot a kernel with "
				       "CONFIG_KEXEC_JUMP=y (see KERNELS in kjump(8))",
				       si->release, si->config_source);
		if (!force)
			return kj_fail(e, ENOTSUP, "cannot tell whether kernel %s has "
				       "CONFIG_KEXEC_JUMP (%s); without it the jump does "
				       "not come back. Enable CONFIG_IKCONFIG_PROC or "
				       "install /boot/config-%s, or pass --force if you "
				       "know it has", si->release, si->config_source,
				       si->release);
	}
	if ((need & KJ_NEED_UNLOADED) && si->kexec_loaded == 1)
		return kj_fail(e, EBUSY, "a kexec image is already loaded (kexec -l, "
			       "kjump load, or a distribution's kexec reboot); kjump "
			       "will not replace it. Unload it first (kjump unload, "
			       "or kexec -u)");
	return 0;
}
