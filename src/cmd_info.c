// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump info TARGET: what an image is. kjump verify TARGET: every checksum.
 * Both only read; neither needs root beyond permission to read TARGET.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fs_devices.h"
#include "seal_key.h"
#include "../lib/image.h"
#include "../lib/file_map.h"
#include "../lib/image_state.h"
#include "../lib/seal.h"
#include "../lib/text.h"

static void info_help(void)
{
	printf("Usage: kjump info [--json] [--offset N] [--key-file FILE | --passphrase-file FILE]\n"
	       "                  TARGET\n"
	       "\n"
	       "Show the kjump image on TARGET: state (writing, complete, resuming,\n"
	       "consumed), kind, the saved system's kernel release, page counts,\n"
	       "compression, and whether the image is complete. Exit status 0 for a complete\n"
	       "image, 1 when there is none or it is incomplete (the reason is shown).\n"
	       "A sealed image shows only its public part (state, kind, uuid, how it is\n"
	       "sealed) unless its key is given, or typed when asked on a terminal\n"
	       "(--tries N times, default 3).\n"
	       "--offset N: the image is in a file on the filesystem on TARGET, its map\n"
	       "at 4 KiB block N (as 'kjump hibernate' printed); for such a file on a\n"
	       "filesystem mounted here, name the file instead.\n");
}

static void when(uint64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t) {
		snprintf(buf, n, "-");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* ", \"disks\": [...]": the filesystems section; null when the image has
 * none (an older writer) or is not complete. */
static void json_disks(const struct kj_img *img)
{
	static const char *status[] = { "?", "checked", "unsupported", "not_found_in_b" };
	char uuid[40];

	printf(", \"disks\": ");
	if (!img->complete || !img->have_fs) {
		printf("null");
		return;
	}
	printf("[");
	for (uint64_t i = 0; i < img->nfs; i++) {
		const struct kj_img_fs *f = &img->fs[i];

		printf("%s{\"fstype\": ", i ? ", " : "");
		json_str(f->fstype);
		printf(", \"label\": ");
		json_str(f->label);
		printf(", \"uuid\": \"%s\", \"device\": ", kj_img_uuid_str(f->uuid, uuid));
		json_str(f->device);
		printf(", \"mountpoint\": ");
		json_str(f->mountpoint);
		printf(", \"status\": \"%s\", \"fingerprint\": \"%016llx\", \"counter\": %llu}",
		       status[f->status <= KJ_FS_NOT_IN_B ? f->status : 0],
		       (unsigned long long)f->fingerprint, (unsigned long long)f->counter);
	}
	printf("]");
}

/* Does a sealed image hold a sealed part that its key opens? Not while
 * it is written, nor once B gave it up (kj_img_unseal leaves those at
 * their public part). */
static bool sealed_openable(const struct kj_img *img)
{
	const struct kj_img_header *pub = &img->pub;

	return img->sealed && pub->seal.sealed_ok && kj_img_state_known(pub->state) &&
	       pub->state != KJ_IMG_WRITING && pub->state != KJ_IMG_FAILED;
}

static void print_info(const struct kj_img *img, bool json)
{
	const struct kj_img_header *h = &img->hdr;
	char uuid[37], created[32], consumed[32];
	double data_mib = h->pages_data * 4096.0 / 1048576;
	uint64_t chunk_bytes = kj_img_chunk_bytes(img), held = kj_img_held_bytes(img);
	double comp_mib = chunk_bytes / 1048576.0;
	double ratio = comp_mib > 0 ? data_mib / comp_mib : 0;

	kj_img_uuid_str(h->uuid, uuid);
	when(h->created, created, sizeof(created));
	when(h->consumed, consumed, sizeof(consumed));
	if (json) {
		printf("{\"state\": \"%s\", \"kind\": \"%s\", \"complete\": %s, "
		       "\"sealed\": %s, \"unsealed\": %s, \"problem\": ",
		       kj_img_state_name(h->state), kj_img_kind_name(h->kind),
		       img->complete ? "true" : "false", img->sealed ? "true" : "false",
		       img->keys ? "true" : "false");
		json_str(img->problem);
		printf(", \"uuid\": \"%s\", \"created\": \"%s\", \"consumed\": \"%s\", "
		       "\"release\": ", uuid, created, consumed);
		json_str(h->release);
		printf(", \"machine\": ");
		json_str(h->machine);
		printf(", \"jump_back_entry\": %llu, \"ram_bytes\": %llu, "
		       "\"pages_total\": %llu, \"pages_data\": %llu, \"pages_zero\": %llu, "
		       "\"pages_free\": %llu, \"pages_excluded\": %llu, \"chunks\": %llu, "
		       "\"data_bytes\": %llu, \"image_bytes\": %llu, \"span_bytes\": %llu, "
		       "\"target_bytes\": %llu, "
		       "\"compression_ratio\": %.3f",
		       (unsigned long long)h->jump_back_entry, (unsigned long long)h->ram_bytes,
		       (unsigned long long)h->pages_total, (unsigned long long)h->pages_data,
		       (unsigned long long)h->pages_zero, (unsigned long long)h->pages_free,
		       (unsigned long long)h->pages_excluded, (unsigned long long)h->nchunks,
		       (unsigned long long)chunk_bytes, (unsigned long long)held,
		       (unsigned long long)h->target_min_size,
		       (unsigned long long)img->target_size, ratio);
		json_disks(img);
		printf("}\n");
		return;
	}
	if (img->sealed && !img->keys) {
		char kdf[96];

		/* the public part is all there is to show */
		printf("state:      %s\n", kj_img_state_name(h->state));
		if (img->problem[0] && strncmp(img->problem, "sealed", 6))
			printf("            (%s)\n", img->problem);
		printf("kind:       %s\n", kj_img_kind_name(h->kind));
		printf("uuid:       %s\n", uuid);
		if (h->consumed)
			printf("%s %s\n", h->state == KJ_IMG_RESUMING ? "resuming:  " :
			       "consumed:  ", consumed);
		printf("sealed:     %s, %s\n", kj_seal_kdf_desc(&h->seal, kdf, sizeof(kdf)),
		       kj_seal_aead_name(h->seal.aead));
		if (h->state == KJ_IMG_WRITING || !h->seal.sealed_ok)
			printf("            nothing sealed to open: the save did not finish\n");
		else if (!sealed_openable(img))
			printf("            not opened, even with its key: the image is %s "
			       "(above)\n", kj_img_state_name(h->state));
		else if (h->seal.kdf == KJ_SEAL_KDF_KEYFILE)
			printf("            the rest is encrypted: give --key-file to see "
			       "more\n");
		else
			printf("            the rest is encrypted: give --passphrase-file, "
			       "or type the\n            passphrase when asked on a "
			       "terminal, to see more\n");
		return;
	}
	printf("state:      %s%s%s%s\n", kj_img_state_name(h->state),
	       img->complete ? "" : " (incomplete: ", img->complete ? "" : img->problem,
	       img->complete ? "" : ")");
	if (!img->complete)
		printf("            (the image cannot be resumed or exported)\n");
	printf("kind:       %s\n", kj_img_kind_name(h->kind));
	printf("uuid:       %s\n", uuid);
	if (img->sealed) {
		char kdf[96];

		printf("sealed:     %s, %s (opened: header and index authenticated)\n",
		       kj_seal_kdf_desc(&h->seal, kdf, sizeof(kdf)),
		       kj_seal_aead_name(h->seal.aead));
	}
	printf("created:    %s\n", created);
	if (h->state == KJ_IMG_RESUMING)
		printf("resuming:   since %s: a resume of this image started, and the saved\n"
		       "            system may have run since; 'kjump resume' refuses it\n"
		       "            (--force only if that resume never reached the saved system)\n",
		       consumed);
	else if (h->consumed)
		printf("consumed:   %s (resumed once; 'kjump resume' refuses it)\n", consumed);
	printf("system:     Linux %s (%s), %.0f MiB of RAM\n", h->release, h->machine,
	       h->ram_bytes / 1048576.0);
	printf("entry:      0x%llx (where the saved system continues)\n",
	       (unsigned long long)h->jump_back_entry);
	printf("pages:      %llu total: %llu saved, %llu zero, %llu free (left out), "
	       "%llu second kernel's (left out)\n",
	       (unsigned long long)h->pages_total, (unsigned long long)h->pages_data,
	       (unsigned long long)h->pages_zero, (unsigned long long)h->pages_free,
	       (unsigned long long)h->pages_excluded);
	printf("data:       %.1f MiB of pages in %.1f MiB, ratio %.2f, %llu chunks\n",
	       data_mib, comp_mib, ratio, (unsigned long long)h->nchunks);
	if (held != h->target_min_size)
		printf("image:      %.1f MiB in fixed places over %.1f MiB of a %.1f MiB "
		       "target\n", held / 1048576.0,
		       h->target_min_size / 1048576.0, img->target_size / 1048576.0);
	else
		printf("image:      %.1f MiB on a %.1f MiB target\n",
		       h->target_min_size / 1048576.0, img->target_size / 1048576.0);
	kj_fs_print(img);
}

int cmd_info(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "offset", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		KJ_KEY_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kj_err e = { 0 };
	struct kj_key_opts ko = { 0 };
	struct kj_img img;
	bool json = false;
	uint64_t offset = 0;
	int c, fd, bad;

	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (kj_key_opt(c, optarg, &ko, &bad)) {
			if (bad)
				return KJ_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'J': json = true; break;
		case 'O':
			if (kj_opt_offset(optarg, &offset))
				return KJ_EXIT_USAGE;
			break;
		case 'h': info_help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (argc - optind != 1)
		return kj_usage_error("which target?");
	/* info asks for a passphrase only when run on a terminal (stdin and
	 * stdout): in a script, or an initramfs hook's `kjump info DEV
	 * >/dev/null && kjump resume DEV`, it shows the public part. So it
	 * does for an image sealed with a key file, which no terminal gives. */
	bool ask = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	bool given = ko.key_file || ko.passphrase_file;

	if (offset && kj_file_map_attach(argv[optind], offset * 4096, &e))
		return kj_report(&e);
	if (kj_open_image(argv[optind], &img, &fd, &ko, !given, &e))
		return kj_report(&e);
	if (!given && ask && img.sealed && img.pub.seal.kdf == KJ_SEAL_KDF_ARGON2ID &&
	    kj_key_unseal(&img, argv[optind], &ko, false, &e)) {
		kj_img_close(&img);
		close(fd);
		return kj_report(&e);
	}
	print_info(&img, json);
	/* a sealed image seen from outside: complete as far as one can tell */
	bool sealed_ok = !img.keys && sealed_openable(&img);
	int rc = img.complete || sealed_ok ? KJ_EXIT_OK : KJ_EXIT_FAIL;
	kj_img_close(&img);
	close(fd);
	return rc;
}

static void verify_help(void)
{
	printf("Usage: kjump verify [--quiet] [--offset N] [--key-file FILE | --passphrase-file FILE]\n"
	       "                    TARGET\n"
	       "\n"
	       "Read every chunk of the image on TARGET, check its checksum, and\n"
	       "decompress it. On the first bad chunk, name it (number, offset, pages)\n"
	       "and exit 1. Exit 0 when every chunk is good. A sealed image needs its key\n"
	       "(a file, or the passphrase typed on the terminal, asked --tries N times,\n"
	       "default 3): every chunk is then authenticated instead. --offset N: as for\n"
	       "kjump info.\n");
}

static void vprogress(uint64_t done, uint64_t total, void *arg)
{
	struct kj_progress *p = arg;
	int pct = kj_progress_due(p, done, total);

	if (pct >= 0)
		kj_info("verified %3d%% (%llu of %llu chunks, %.1f s)", pct,
			(unsigned long long)done, (unsigned long long)total,
			kj_now() - p->t0);
}

int cmd_verify(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "offset", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		KJ_KEY_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kj_err e = { 0 };
	struct kj_key_opts ko = { 0 };
	struct kj_img img;
	struct kj_progress p = KJ_PROGRESS(10, false, kj_now());
	uint64_t bad, offset = 0;
	int c, fd, ub;

	while ((c = getopt_long(argc, argv, ":qh", lo, NULL)) != -1) {
		if (kj_key_opt(c, optarg, &ko, &ub)) {
			if (ub)
				return KJ_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'q': p.quiet = true; break;
		case 'O':
			if (kj_opt_offset(optarg, &offset))
				return KJ_EXIT_USAGE;
			break;
		case 'h': verify_help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (argc - optind != 1)
		return kj_usage_error("which target?");
	if (offset && kj_file_map_attach(argv[optind], offset * 4096, &e))
		return kj_report(&e);
	if (kj_open_image(argv[optind], &img, &fd, &ko, false, &e))
		return kj_report(&e);
	if (!img.complete) {
		kj_fail(&e, EIO, "%s: %s", argv[optind], img.problem);
		kj_img_close(&img);
		close(fd);
		return kj_report(&e);
	}
	p.t0 = kj_now();	/* the time verifying takes, not typing the passphrase */
	if (kj_img_verify(&img, vprogress, &p, &bad, &e)) {
		kj_prefix(&e, "%s", argv[optind]);
		kj_img_close(&img);
		close(fd);
		return kj_report(&e);
	}
	printf("%s: image OK: %llu chunks, %.1f MiB of pages, state %s%s\n", argv[optind],
	       (unsigned long long)img.nchunks, img.hdr.pages_data * 4096.0 / 1048576,
	       kj_img_state_name(img.hdr.state),
	       img.sealed ? ", sealed: every chunk authenticated" : "");
	kj_img_close(&img);
	close(fd);
	return KJ_EXIT_OK;
}
