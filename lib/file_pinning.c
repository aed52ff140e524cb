// SPDX-License-Identifier: GPL-2.0-or-later
#include "file_pinning.h"

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stddef.h>

/* statfs f_type values (the kernel's include/uapi/linux/magic.h). */
#define EXT4_MAGIC	0xef53ULL	/* ext2, ext3 and ext4 */
#define XFS_MAGIC	0x58465342ULL
#define BTRFS_MAGIC	0x9123683eULL
#define F2FS_MAGIC	0xf2f52010ULL
#define BCACHEFS_MAGIC	0xca451a4eULL
#define ZFS_MAGIC	0x2fc12fc1ULL
#define TMPFS_MAGIC	0x01021994ULL
#define RAMFS_MAGIC	0x858458f6ULL
#define OVERLAY_MAGIC	0x794c7630ULL
#define NFS_MAGIC	0x6969ULL
#define SMB2_MAGIC	0xfe534d42ULL
#define CIFS_MAGIC	0xff534d42ULL
#define FUSE_MAGIC	0x65735546ULL
#define CEPH_MAGIC	0x00c36400ULL
#define V9FS_MAGIC	0x01021997ULL
#define ECRYPTFS_MAGIC	0xf15fULL
#define VFAT_MAGIC	0x4d44ULL
#define EXFAT_MAGIC	0x2011bab0ULL
#define NTFS3_MAGIC	0x7366746eULL

const char *kj_file_pinning_filesystem(uint64_t f_type, const char **name)
{
	static const struct {
		uint64_t magic;
		const char *name, *why;
	} fs[] = {
		{ EXT4_MAGIC, "ext4", NULL },
		{ XFS_MAGIC, "xfs", NULL },
		{ BTRFS_MAGIC, "btrfs", "is on btrfs, whose block addresses are btrfs's "
		  "own (not the device's) and whose copy-on-write, compression, balance "
		  "and reflinks move or share a file's blocks" },
		{ F2FS_MAGIC, "f2fs", "is on f2fs, which moves a file's blocks on its own "
		  "(garbage collection)" },
		{ BCACHEFS_MAGIC, "bcachefs", "is on bcachefs, a copy-on-write filesystem "
		  "that moves a file's blocks" },
		{ ZFS_MAGIC, "zfs", "is on zfs, a copy-on-write filesystem with blocks "
		  "on its own pool, not a device B can write" },
		{ TMPFS_MAGIC, "tmpfs", "is on tmpfs, in memory: it would not outlive "
		  "the power-off" },
		{ RAMFS_MAGIC, "ramfs", "is on ramfs, in memory: it would not outlive "
		  "the power-off" },
		{ OVERLAY_MAGIC, "overlay", "is on an overlay filesystem: its blocks are "
		  "a lower filesystem's, which kjump cannot map; use that filesystem" },
		{ NFS_MAGIC, "nfs", "is on a network filesystem: it has no blocks on a "
		  "local device for B to write" },
		{ SMB2_MAGIC, "smb", "is on a network filesystem: it has no blocks on a "
		  "local device for B to write" },
		{ CIFS_MAGIC, "cifs", "is on a network filesystem: it has no blocks on a "
		  "local device for B to write" },
		{ CEPH_MAGIC, "ceph", "is on a network filesystem: it has no blocks on "
		  "a local device for B to write" },
		{ V9FS_MAGIC, "9p", "is on a network filesystem: it has no blocks on a "
		  "local device for B to write" },
		{ FUSE_MAGIC, "fuse", "is on a FUSE filesystem: its blocks, if any, are "
		  "a user-space program's, which B does not run" },
		{ ECRYPTFS_MAGIC, "ecryptfs", "is on an encrypted filesystem (ecryptfs): "
		  "its blocks are ciphertext of another filesystem's" },
		{ VFAT_MAGIC, "vfat", "is on vfat, which cannot pin a file (no immutable "
		  "flag): use ext4 or xfs" },
		{ EXFAT_MAGIC, "exfat", "is on exfat, which cannot pin a file: use ext4 "
		  "or xfs" },
		{ NTFS3_MAGIC, "ntfs", "is on ntfs, which kjump cannot pin a file on: "
		  "use ext4 or xfs" },
	};

	*name = NULL;
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (fs[i].magic == f_type) {
			*name = fs[i].name;
			return fs[i].why;
		}
	return "is on a filesystem kjump does not know how to pin a file on (it "
		"maps files on ext2/3/4 and xfs only)";
}

const char *kj_file_pinning_flags(uint32_t flags)
{
	if (flags & FS_ENCRYPT_FL)
		return "is encrypted (fscrypt): its blocks hold ciphertext under keys "
			"B does not have";
	if (flags & FS_COMPR_FL)
		return "is compressed: its blocks are not its bytes";
	if (flags & FS_VERITY_FL)
		return "has fs-verity: its blocks must never change";
	if (flags & FS_APPEND_FL)
		return "is append-only";
	if (flags & FS_DAX_FL)
		return "is a DAX file (its pages are the device's memory)";
	return NULL;
}

const char *kj_file_pinning_extent(uint32_t flags)
{
	if (flags & FIEMAP_EXTENT_SHARED)
		return "shares blocks with another file (a reflink or snapshot): B "
			"would write into both";
	if (flags & FIEMAP_EXTENT_UNWRITTEN)
		return "has allocated but unwritten blocks, which the filesystem may "
			"zero behind B's back";
	if (flags & FIEMAP_EXTENT_DELALLOC)
		return "has blocks not yet allocated (delayed allocation)";
	if (flags & (FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_DATA_TAIL |
		     FIEMAP_EXTENT_NOT_ALIGNED))
		return "has data stored inside the filesystem's metadata";
	if (flags & (FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_ENCRYPTED))
		return "has encoded (compressed or encrypted) blocks";
	if (flags & FIEMAP_EXTENT_UNKNOWN)
		return "has blocks whose place the filesystem does not tell";
	return NULL;
}
