// SPDX-License-Identifier: GPL-2.0
/*
 * Test /init for the KHO kexec round trips.
 *
 * Packed as /init into an initramfs together with a kernel image
 * (/boot/bzImage), kexec-tools and a copy of the initramfs itself
 * (/initrd.img, without that last entry).  The kernel command line selects
 * what to do:
 *
 *   khotest.test=NAME   boot        report and power off
 *                       kexec-raw   kexec_file_load(2) + reboot(RB_KEXEC)
 *                       kexec-tools kexec -s -l ... --reuse-cmdline; kexec -e
 *                       kexec-load  the same with kexec_load(2): kexec -l
 *                       luo         run a Live Update selftest in every kernel
 *                                   of the chain, kexec with kexec-tools
 *                       panic, hang guests that misbehave (harness checks)
 *   khotest.stage=N     which kernel of the chain this is (default 1)
 *   khotest.hops=N      how many kexecs to do before reporting (default 1)
 *   khotest.next_kho_off=1  the next kernel boots with kho=off
 *   khotest.next_kho_off=2  the next kernel boots without kho= (raw kexec
 *                       only), so KHO is off by default
 *   khotest.luo=PROG    (test=luo) the program: /liveupdate/PROG, run with
 *                       LUO_STAGE=<stage> in its environment, and
 *                       LUO_CASE=<khotest.luo_case> if that is given
 *
 *   khotest.out_fdt=A,B  KHO's out/fdt must be "kho-v2" and list subtrees
 *                       A and B (checked in kernels 1 to max(hops, 1))
 *   khotest.in_fdt=A,B  in/fdt the same, in every later kernel, and byte
 *                       for byte what the previous kernel's out/fdt was
 *                       before its kexec (its CRC comes in khotest.fdt_crc;
 *                       khotest.in_fdt_crc=0: not compared, for a kernel
 *                       that changes its subtrees until the kexec)
 *   khotest.cma=1       the MIGRATE_CMA pageblocks must be exactly the
 *                       scratch areas' (/proc/pagetypeinfo, debugfs stats)
 *   khotest.deferred=N  (kernels 2 on) KHO must have initialised the struct
 *                       pages of N or more preserved pages above the
 *                       deferred struct page boundary on each of nodes 0
 *                       to khotest.deferred_nodes - 1 (default 2), and with
 *                       khotest.deferred_restored=P, test_kho must have
 *                       restored P pages or more on each, reaching past it
 *   khotest.scratch=1   debugfs out/scratch_len must be non-zero, match
 *                       KHO's "ready:" line and never grow from kernel to
 *                       kernel (khotest.scratch_prev: the previous total)
 *
 * The last occurrence of a parameter wins, so a chained kernel can inherit
 * the command line and append a new stage.  Every line meant for the harness
 * starts with "KHOTEST: ".  Each kernel judges itself in one KTAP document
 * (after the prefix): "KTAP version 1", "# khotest test=NAME stage=N
 * hops=H", the plan, then "ok N NAME" or "not ok N NAME" per check, with
 * "# NAME: ..." diagnostics.  lib/test_kho.c's KTAP (from /dev/kmsg) and a
 * Live Update program's output (kselftest_harness: KTAP) are nested in it
 * as subtests, indented by four spaces, the program's echoed as it runs
 * (and so is kho_stress's verdict in a kernel it handed over to);
 * kmemleak's scan is a check, and so is the kexec into the next stage,
 * which is made only once every other check passed.  The document ends
 * with "# Totals: pass:N fail:N skip:N".
 *
 * On a kernel with kmemleak (the debug kernel), every kernel of the chain
 * has kmemleak scan before it kexecs or at its end, and prints what it
 * reports: "KHOTEST: # kmemleak stage=N | <line>", then "KHOTEST: #
 * kmemleak stage=N: scanned <when>, <count> suspected leaks".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>

#define KERNEL_IMAGE	"/boot/bzImage"
#define SELF_INITRD	"/initrd.img"
#define NEXT_INITRD	"/next.cpio"
#define KEXEC_TOOL	"/sbin/kexec"
#define LUO_DIR		"/liveupdate"
#define KMEMLEAK	"/sys/kernel/debug/kmemleak"
/* kmemleak reports an object only once it is 5 s old: let the last ones age */
#define KMEMLEAK_AGE_S	6

static char cmdline[4096];

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("KHOTEST: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int ktap_number, ktap_failed, ktap_skipped;

/* One check of this kernel's document, "# @name: <diagnostic>" first. */
static void ktap_point(int ok, const char *name, const char *fmt, ...)
{
	char diag[512] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(diag, sizeof(diag), fmt, ap);
		va_end(ap);
	}
	if (*diag)
		say("# %s: %s", name, diag);
	say("%s %d %s", ok ? "ok" : "not ok", ++ktap_number, name);
	ktap_failed += !ok;
}

static void ktap_skip(const char *name, const char *why)
{
	say("ok %d %s # SKIP %s", ++ktap_number, name, why);
	ktap_skipped++;
}

/*
 * The verdict of a nested KTAP document, fed one line at a time (without
 * its indentation): its plan, and its own top-level results.
 */
struct ktap_judge {
	int version;
	int plan;
	int ok;
	int not_ok;
	int skip;
	char first_fail[160];
};

static void judge_init(struct ktap_judge *j)
{
	memset(j, 0, sizeof(*j));
	j->plan = -1;
}

static void judge_line(struct ktap_judge *j, const char *line)
{
	int skip = !!strstr(line, "# SKIP");

	if (!strncmp(line, "KTAP version ", 13) ||
	    !strncmp(line, "TAP version ", 12)) {
		j->version = 1;
	} else if (!strncmp(line, "1..", 3) && j->plan < 0) {
		j->plan = atoi(line + 3);
	} else if (!strncmp(line, "ok ", 3)) {
		j->ok++;
		j->skip += skip;
	} else if (!strncmp(line, "not ok ", 7)) {
		j->not_ok++;
		if (!*j->first_fail)
			snprintf(j->first_fail, sizeof(j->first_fail), "%s",
				 line);
	}
}

/*
 * Why the document failed, or NULL; into @why.  One with every result
 * skipped passes only with @skip_ok (and is then a skip).
 */
static const char *judge_verdict(const struct ktap_judge *j, int skip_ok,
				 char *why, size_t len)
{
	if (!j->version)
		snprintf(why, len, "no KTAP output");
	else if (j->plan < 0)
		snprintf(why, len, "no plan");
	else if (j->ok + j->not_ok != j->plan)
		snprintf(why, len, "planned %d, ran %d", j->plan,
			 j->ok + j->not_ok);
	else if (j->not_ok)
		snprintf(why, len, "%d failed, first: %s", j->not_ok,
			 j->first_fail);
	else if (j->ok == j->skip && !skip_ok)
		snprintf(why, len, "nothing passed, %d skipped", j->skip);
	else
		return NULL;
	return why;
}

static void power_off(void)
{
	/* let the console print everything before the machine goes */
	tcdrain(STDOUT_FILENO);
	sync();
	reboot(RB_POWER_OFF);
	/* No ACPI power-off: leave it to the harness timeout. */
	for (;;)
		pause();
}

/*
 * Have kmemleak scan now, if this kernel has it, and print its suspects:
 * the check "kmemleak", skipped without kmemleak.  @when says which point
 * of the stage this is.
 */
static void leak_scan(int stage, const char *when)
{
	char line[512];
	int fd, leaks = 0;
	FILE *f;

	fd = open(KMEMLEAK, O_WRONLY);
	if (fd < 0) {
		ktap_skip("kmemleak", "no kmemleak in this kernel");
		return;
	}
	sleep(KMEMLEAK_AGE_S);
	if (write(fd, "scan", 4) != 4) {
		ktap_point(0, "kmemleak", "stage=%d: scan failed: %s", stage,
			   strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	f = fopen(KMEMLEAK, "r");
	if (!f) {
		ktap_point(0, "kmemleak", "stage=%d: cannot read: %s", stage,
			   strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		say("# kmemleak stage=%d | %s", stage, line);
		leaks += !strncmp(line, "unreferenced object", 19);
	}
	fclose(f);
	say("# kmemleak stage=%d: scanned %s, %d suspected leaks", stage, when,
	    leaks);
	ktap_point(!leaks, "kmemleak", "scanned %s, %d suspected leaks", when,
		   leaks);
}

/* Close this kernel's document and power off. */
static void finish(int stage)
{
	say("# Totals: pass:%d fail:%d skip:%d", ktap_number - ktap_failed -
	    ktap_skipped, ktap_failed, ktap_skipped);
	say("# khotest stage=%d done: %s", stage, ktap_failed ? "FAIL" : "PASS");
	power_off();
}

/* Copy the value of the last "key=" on the command line into @buf. */
static int param(const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;
	int found = 0;

	while (*p) {
		const char *end;

		while (*p == ' ' || *p == '\n')
			p++;
		end = p + strcspn(p, "\n ");
		if (!strncmp(p, key, klen) && p[klen] == '=' &&
		    (size_t)(end - p - klen - 1) < len) {
			memcpy(buf, p + klen + 1, end - p - klen - 1);
			buf[end - p - klen - 1] = '\0';
			found = 1;
		}
		p = end;
	}
	return found;
}

static int param_int(const char *key, int def)
{
	char buf[32];

	return param(key, buf, sizeof(buf)) ? atoi(buf) : def;
}

static int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int write_pad(int fd, size_t len)
{
	static const char zero[4];

	return len % 4 ? write_all(fd, zero, 4 - len % 4) : 0;
}

/* One "newc" cpio member: header, name, data, each padded to 4 bytes. */
static int cpio_member(int fd, const char *name, unsigned int mode,
		       const void *data, size_t size)
{
	size_t namesize = strlen(name) + 1;
	char hdr[128];
	int ret;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 0, mode, 0, 0, 1, 0, (unsigned int)size, 0, 0, 0, 0,
		 (unsigned int)namesize, 0);
	ret = write_all(fd, hdr, 110);
	if (!ret)
		ret = write_all(fd, name, namesize);
	if (!ret)
		ret = write_pad(fd, 110 + namesize);
	if (!ret && size)
		ret = write_all(fd, data, size);
	if (!ret)
		ret = write_pad(fd, size);
	return ret;
}

/*
 * The next kernel's initramfs is this one again: /initrd.img (everything but
 * itself) followed by a second archive that holds /initrd.img.  The kernel
 * unpacks concatenated archives, so every kernel in a chain sees the same
 * files and can kexec once more.
 */
static int make_next_initrd(void)
{
	struct stat st;
	char *img;
	int fd, ret;

	fd = open(SELF_INITRD, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		say("cannot open %s: %s", SELF_INITRD, strerror(errno));
		return ret;
	}
	img = malloc(st.st_size);
	if (!img || read(fd, img, st.st_size) != st.st_size) {
		say("cannot read %s", SELF_INITRD);
		close(fd);
		free(img);
		return -EIO;
	}
	close(fd);

	fd = open(NEXT_INITRD, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		free(img);
		return -errno;
	}
	ret = write_all(fd, img, st.st_size);
	if (!ret)
		ret = cpio_member(fd, SELF_INITRD + 1, 0100644, img, st.st_size);
	if (!ret)
		ret = cpio_member(fd, "TRAILER!!!", 0, NULL, 0);
	close(fd);
	free(img);
	if (ret)
		say("cannot write %s: %s", NEXT_INITRD, strerror(-ret));
	return ret;
}

/* Big-endian FDT header and structure block fields. */
static unsigned int be32(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

/* A KHO root FDT: its CRC, root compatible and subtree node names. */
struct fdt_info {
	int found;
	int valid;
	unsigned int crc;
	char compat[64];
	char nodes[512];
};

/*
 * Describe a KHO root FDT from debugfs into @fi, and in a line (for the
 * demo and the logs).
 */
static void report_fdt(const char *which, const char *path,
		       struct fdt_info *fi)
{
	static unsigned char fdt[65536];
	char *compat = fi->compat, *nodes = fi->nodes;
	unsigned int off, strings, size, depth = 0;
	unsigned int crc = ~0U;
	ssize_t n;
	int fd;

	memset(fi, 0, sizeof(*fi));
	snprintf(compat, sizeof(fi->compat), "-");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	fi->found = 1;
	n = read(fd, fdt, sizeof(fdt));
	close(fd);
	if (n < 40 || be32(fdt) != FDT_MAGIC || be32(fdt + 4) > (size_t)n) {
		say("fdt %s invalid size=%zd", which, n);
		return;
	}
	size = be32(fdt + 4);
	off = be32(fdt + 8);
	strings = be32(fdt + 12);
	for (n = 0; n < size; n++) {
		int k;

		crc ^= fdt[n];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	while (off + 4 <= size) {
		unsigned int tag = be32(fdt + off), len;
		const char *name;

		off += 4;
		if (tag == FDT_BEGIN_NODE) {
			name = (const char *)fdt + off;
			if (depth == 1 && strlen(nodes) + strlen(name) + 2 <
			    sizeof(fi->nodes)) {
				if (*nodes)
					strcat(nodes, ",");
				strcat(nodes, name);
			}
			depth++;
			off += (strnlen(name, size - off) + 4) & ~3U;
		} else if (tag == FDT_END_NODE) {
			depth--;
		} else if (tag == FDT_PROP && off + 8 <= size) {
			len = be32(fdt + off);
			name = (const char *)fdt + strings +
			       be32(fdt + off + 4);
			if (depth == 1 && !strcmp(name, "compatible") &&
			    len < sizeof(fi->compat))
				snprintf(compat, sizeof(fi->compat), "%.*s",
					 (int)len, fdt + off + 8);
			off += 8 + ((len + 3) & ~3U);
		} else if (tag != FDT_NOP) {
			break;
		}
	}
	fi->valid = 1;
	fi->crc = ~crc;
	say("fdt %s crc=%08x size=%u compatible=%s subtrees=%s", which, ~crc,
	    size, compat, *nodes ? nodes : "-");
}

/* Is @name one of the comma-separated @list? */
static int listed(const char *list, const char *name, size_t len)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, name, len))
			return 1;
		p += n + !!p[n];
	}
	return 0;
}

/*
 * The check @name of FDT @fi: "kho-v2", listing every subtree of @want
 * (comma-separated), and with the CRC @crc unless that is NULL.
 */
static void check_fdt(const char *name, const struct fdt_info *fi,
		      const char *want, const char *crc)
{
	const char *p = want;
	char missing[256] = "";

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n && !listed(fi->nodes, p, n))
			snprintf(missing + strlen(missing),
				 sizeof(missing) - strlen(missing), " %.*s",
				 (int)n, p);
		p += n + !!p[n];
	}
	if (!fi->valid)
		ktap_point(0, name, "%s", fi->found ? "not a valid FDT" :
			   "not in debugfs");
	else if (strcmp(fi->compat, "kho-v2") || *missing)
		ktap_point(0, name, "compatible=%s subtrees=%s, expected kho-v2 listing%s",
			   fi->compat, fi->nodes, missing);
	else if (crc && strtoul(crc, NULL, 16) != fi->crc)
		ktap_point(0, name, "crc %08x, the previous kernel's out/fdt had %s",
			   fi->crc, crc);
	else
		ktap_point(1, name, "kho-v2 listing %s%s", fi->nodes,
			   crc ? ", the previous kernel's out/fdt" : "");
}

/* Copy a text file to the console, "KHOTEST: <tag> " before each line. */
static void report_file(const char *tag, const char *path)
{
	char buf[4096], *line, *next;

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return;
	for (line = buf; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		say("%s %s", tag, line);
	}
}

/*
 * The scratch areas this kernel hands on, from debugfs out/scratch_len (one
 * native u64 per area): "KHOTEST: scratch-len areas=N total=BYTES
 * sizes=A,B,...".  In a chain of KHO kexecs they are the areas the first
 * kernel reserved, inherited hop to hop.
 */
static unsigned long long scratch_total;
static int scratch_areas = -1;

static void report_scratch_len(void)
{
	unsigned long long sizes[64], total = 0;
	char list[64 * 20] = "";
	size_t used = 0;
	ssize_t n;
	int fd, i;

	fd = open("/sys/kernel/debug/kho/out/scratch_len", O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, sizes, sizeof(sizes));
	close(fd);
	if (n < 0 || n % sizeof(sizes[0])) {
		say("scratch-len invalid size=%zd", n);
		return;
	}
	for (i = 0; i < n / (ssize_t)sizeof(sizes[0]); i++) {
		total += sizes[i];
		used += snprintf(list + used, sizeof(list) - used, "%s%llu",
				 i ? "," : "", sizes[i]);
	}
	say("scratch-len areas=%d total=%llu sizes=%s", i, total,
	    *list ? list : "-");
	scratch_total = total;
	scratch_areas = i;
}

/*
 * How many pageblocks are MIGRATE_CMA, from each node's "Number of blocks
 * type" table in /proc/pagetypeinfo: KHO's scratch areas are, all of them
 * and nothing else.
 */
static long cma_blocks = -1, cma_block_pages;

static void report_cma_blocks(void)
{
	static char buf[16384];
	long pages = 0, blocks = 0;
	int col = -1, zones = 0;
	char *line, *next;

	if (read_file("/proc/pagetypeinfo", buf, sizeof(buf)) <= 0)
		return;
	for (line = buf; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!strncmp(line, "Pages per block:", 16)) {
			pages = atol(line + 16);
			/* a node's free page counts come next */
			col = -1;
		} else if (!strncmp(line, "Number of blocks type", 21)) {
			char *word = strtok(line + 21, " ");

			/* the columns after "Node N, zone NAME" */
			for (col = 0; word && strcmp(word, "CMA"); col++)
				word = strtok(NULL, " ");
			if (!word)
				col = -1;
		} else if (col >= 0 && !strncmp(line, "Node ", 5)) {
			char *word = strtok(line, " ");
			int i;

			/* "Node", "N,", "zone", "NAME", then the counts */
			for (i = 0; word && i < 4 + col; i++)
				word = strtok(NULL, " ");
			if (word) {
				blocks += atol(word);
				zones++;
			}
		}
	}
	say("cma-blocks %ld pageblock-pages %ld zones %d", blocks, pages,
	    zones);
	cma_blocks = blocks;
	cma_block_pages = pages;
}

/*
 * Call @fn with the text of each message of the kernel log, oldest first,
 * from /dev/kmsg ("<prio>,<seq>,<usec>,<flags>;<text>" records).
 */
static void kmsg_each(void (*fn)(const char *msg, void *arg), void *arg)
{
	char rec[8192], *msg;
	ssize_t n;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		say("# cannot open /dev/kmsg: %s", strerror(errno));
		return;
	}
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = '\0';
		fn(msg, arg);
	}
	close(fd);
}

static int is_ktap_line(const char *line)
{
	return !strncmp(line, "KTAP version ", 13) ||
	       !strncmp(line, "TAP version ", 12) ||
	       !strncmp(line, "1..", 3) || !strncmp(line, "ok ", 3) ||
	       !strncmp(line, "not ok ", 7) || !strncmp(line, "# ", 2);
}

/* A kernel test's KTAP lines in the log, "<name>: " before each. */
struct kmsg_ktap {
	const char *name;
	int echo;
	int lines;
	struct ktap_judge j;
};

static void kmsg_ktap_line(const char *msg, void *arg)
{
	struct kmsg_ktap *k = arg;
	size_t len = strlen(k->name);

	if (strncmp(msg, k->name, len) || strncmp(msg + len, ": ", 2) ||
	    !is_ktap_line(msg + len + 2))
		return;
	k->lines++;
	if (!k->echo)
		return;
	say("    %s", msg + len + 2);
	judge_line(&k->j, msg + len + 2);
}

/* Did the kernel test @name print KTAP in the log? */
static int kmsg_has_ktap(const char *name)
{
	struct kmsg_ktap k = { .name = name };

	kmsg_each(kmsg_ktap_line, &k);
	return k.lines > 0;
}

/*
 * The KTAP document kernel test @name (lib/test_kho.c, kho_stress)
 * printed with the prefix "<name>: ", from the kernel log, as the subtest
 * @name; a skip when it skipped everything (test_kho with KHO off).
 */
static void check_kmsg_ktap(const char *name)
{
	struct kmsg_ktap k = { .name = name, .echo = 1 };
	char why[256];

	judge_init(&k.j);
	kmsg_each(kmsg_ktap_line, &k);
	if (judge_verdict(&k.j, 1, why, sizeof(why)))
		ktap_point(0, name, "%s", why);
	else if (k.j.ok == k.j.skip)
		ktap_skip(name, "it skipped everything: KHO is off");
	else
		ktap_point(1, name, NULL);
}

/* The MIGRATE_CMA pageblocks are those of the scratch areas, exactly. */
static void check_cma(void)
{
	unsigned long long addr, size, bytes = 0;
	char buf[4096], *line, *next;
	unsigned int i, areas = 0;
	long want;

	if (read_file("/sys/kernel/debug/kho/out/stats", buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	for (line = buf; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (sscanf(line, "scratch %u %llx %llx", &i, &addr, &size) == 3) {
			bytes += size;
			areas++;
		}
	}
	if (cma_blocks < 0 || !cma_block_pages || !areas) {
		ktap_point(0, "cma-blocks", "no count: %ld CMA pageblocks, %u scratch areas",
			   cma_blocks, areas);
		return;
	}
	want = bytes / (cma_block_pages * 4096ULL);
	ktap_point(cma_blocks == want, "cma-blocks",
		   "%ld MIGRATE_CMA pageblocks, the %u scratch areas have %ld",
		   cma_blocks, areas, want);
}

struct ready_line {
	int found;
	unsigned int areas;
	unsigned long long kib;
};

static void kmsg_ready(const char *msg, void *arg)
{
	struct ready_line *r = arg;

	if (sscanf(msg, "KHO: ready: %u scratch areas, %llu KiB", &r->areas,
		   &r->kib) == 2)
		r->found++;
}

/*
 * The scratch areas this kernel hands on: non-zero, as KHO's "ready:"
 * line says, and no bigger than the previous kernel's.
 */
static void check_scratch(void)
{
	struct ready_line r = { 0 };
	char prev[32];

	kmsg_each(kmsg_ready, &r);
	if (scratch_areas <= 0 || !scratch_total)
		ktap_point(0, "scratch", "debugfs scratch_len: %d areas, %llu bytes",
			   scratch_areas, scratch_total);
	else if (r.found != 1 || r.areas != (unsigned int)scratch_areas ||
		 r.kib << 10 != scratch_total)
		ktap_point(0, "scratch",
			   "%d KHO ready: lines (%u areas, %llu KiB), debugfs scratch_len %d areas, %llu bytes",
			   r.found, r.areas, r.kib, scratch_areas,
			   scratch_total);
	else if (param("khotest.scratch_prev", prev, sizeof(prev)) &&
		 scratch_total > strtoull(prev, NULL, 10))
		ktap_point(0, "scratch", "grew from %s to %llu bytes", prev,
			   scratch_total);
	else
		ktap_point(1, "scratch", "%d areas, %llu MiB, as KHO's ready: line says",
			   scratch_areas, scratch_total >> 20);
}

#define DEFERRED_MAX_NODES	8

/* Per node: KHO's and test_kho's lines about deferred struct pages. */
struct deferred_lines {
	int kho[DEFERRED_MAX_NODES];
	unsigned long init[DEFERRED_MAX_NODES];
	unsigned long long boundary[DEFERRED_MAX_NODES];
	unsigned long restored[DEFERRED_MAX_NODES];
	unsigned long long hi[DEFERRED_MAX_NODES];
};

static void kmsg_deferred(const char *msg, void *arg)
{
	struct deferred_lines *d = arg;
	unsigned long long b, lo, hi;
	unsigned long pages, folios;
	unsigned int nid;

	if (sscanf(msg,
		   "KHO: node %u: %lu preserved pages above the deferred struct page boundary initialised (boundary %llx)",
		   &nid, &pages, &b) == 3 && nid < DEFERRED_MAX_NODES) {
		d->kho[nid]++;
		d->init[nid] = pages;
		d->boundary[nid] = b;
	} else if (sscanf(msg, "test_kho: node %u: restored %lu folios, %lu pages, at %llx-%llx",
			  &nid, &folios, &pages, &lo, &hi) == 5 &&
		   nid < DEFERRED_MAX_NODES) {
		d->restored[nid] = pages;
		d->hi[nid] = hi;
	}
}

/*
 * The struct pages of preserved memory above each node's deferred struct
 * page boundary were initialised (KHO's account), and test_kho's folios
 * of each node reach past it.
 */
static void check_deferred(void)
{
	int nodes = param_int("khotest.deferred_nodes", 2), nid;
	unsigned long min = param_int("khotest.deferred", 0);
	unsigned long want = param_int("khotest.deferred_restored", 0);
	struct deferred_lines d = { 0 };
	char diag[512] = "";
	size_t n = 0;

	kmsg_each(kmsg_deferred, &d);
	for (nid = 0; nid < nodes && nid < DEFERRED_MAX_NODES; nid++) {
		if (d.kho[nid] != 1 || d.init[nid] < min) {
			ktap_point(0, "deferred",
				   "node %d: %d KHO lines, %lu pages above the boundary initialised, expected %lu or more",
				   nid, d.kho[nid], d.init[nid], min);
			return;
		}
		if (want && (d.restored[nid] < want ||
			     d.hi[nid] <= d.boundary[nid])) {
			ktap_point(0, "deferred",
				   "node %d: test_kho restored %lu pages up to %#llx, expected %lu or more past the boundary %#llx",
				   nid, d.restored[nid], d.hi[nid], want,
				   d.boundary[nid]);
			return;
		}
		n += snprintf(diag + n, sizeof(diag) - n,
			      "%snode %d: %lu pages above %#llx initialised",
			      nid ? "; " : "", nid, d.init[nid], d.boundary[nid]);
		if (want && n < sizeof(diag))
			n += snprintf(diag + n, sizeof(diag) - n,
				      ", %lu restored up to %#llx",
				      d.restored[nid], d.hi[nid]);
		if (n >= sizeof(diag))
			n = sizeof(diag) - 1;
	}
	ktap_point(1, "deferred", "%s", diag);
}

/*
 * Extra arguments lib/test_kho.c asks for the next kernel (a damaged-run
 * test), or "".
 */
static const char *kho_test_args(void)
{
	static char buf[80];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open("/sys/module/test_kho/parameters/next_args", O_RDONLY);
	if (fd < 0)
		return buf;
	n = read(fd, buf + 1, sizeof(buf) - 2);
	close(fd);
	if (n <= 1)
		return "";
	buf[0] = ' ';
	buf[n + 1] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/*
 * What the next kernel must know: its stage (for /init and test_kho),
 * how it was started, and what this kernel handed on.
 */
static char next_args[256];

static void set_next_args(int stage, const char *how,
			  const struct fdt_info *out)
{
	size_t n;

	n = snprintf(next_args, sizeof(next_args),
		     "khotest.stage=%d test_kho.stage=%d%s", stage, stage,
		     !strcmp(how, "kexec-load") ? " test_kho.kexec_load=1" :
		     "");
	if (out->valid)
		n += snprintf(next_args + n, sizeof(next_args) - n,
			      " khotest.fdt_crc=%08x", out->crc);
	if (scratch_total)
		snprintf(next_args + n, sizeof(next_args) - n,
			 " khotest.scratch_prev=%llu", scratch_total);
}

/*
 * The current command line without khotest.stage= (and without kho= for
 * khotest.next_kho_off=2), plus next_args.
 */
static void next_cmdline(char *buf, size_t len)
{
	int kho_off = param_int("khotest.next_kho_off", 0);
	const char *p = cmdline;
	size_t used = 0;

	buf[0] = '\0';
	while (*p) {
		const char *end;

		while (*p == ' ' || *p == '\n')
			p++;
		end = p + strcspn(p, "\n ");
		if (end > p && strncmp(p, "khotest.stage=", 14) &&
		    (kho_off != 2 || strncmp(p, "kho=", 4)) &&
		    used + (end - p) + 2 < len) {
			memcpy(buf + used, p, end - p);
			used += end - p;
			buf[used++] = ' ';
			buf[used] = '\0';
		}
		p = end;
	}
	snprintf(buf + used, len - used, "%s%s%s", next_args,
		 kho_off == 1 ? " kho=off" : "", kho_test_args());
}

static int kexec_raw(int next_stage)
{
	char line[sizeof(cmdline) + 128];
	int kfd, ifd, ret;

	next_cmdline(line, sizeof(line));
	kfd = open(KERNEL_IMAGE, O_RDONLY);
	ifd = open(NEXT_INITRD, O_RDONLY);
	if (kfd < 0 || ifd < 0) {
		say("cannot open the kernel or initrd: %s", strerror(errno));
		return -ENOENT;
	}
	ret = syscall(SYS_kexec_file_load, kfd, ifd, strlen(line) + 1, line,
		      0UL);
	close(kfd);
	close(ifd);
	if (ret) {
		ret = -errno;
		say("kexec_file_load: %s", strerror(errno));
		return ret;
	}
	ktap_point(1, "kexec", "kexec_file_load done, reboot(RB_KEXEC) into stage %d",
		   next_stage);
	say("kexec stage=%d -> stage=%d (raw syscall)", next_stage - 1,
	    next_stage);
	reboot(RB_KEXEC);
	ret = -errno;
	say("reboot(RB_KEXEC): %s", strerror(errno));
	return ret;
}

static int run(char *const argv[])
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		execv(argv[0], argv);
		say("exec %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		say("%s exited with status 0x%x", argv[0], status);
		return -ECHILD;
	}
	return 0;
}

/* kexec -s -l (kexec_file_load), or kexec -l (kexec_load) if !@file. */
static int kexec_tools(int next_stage, int file)
{
	char append[320];
	char *argv[8];
	int n = 0, ret;

	snprintf(append, sizeof(append), "--append=%s%s", next_args,
		 param_int("khotest.next_kho_off", 0) == 1 ? " kho=off" : "");
	argv[n++] = KEXEC_TOOL;
	if (file)
		argv[n++] = "-s";
	argv[n++] = "-l";
	argv[n++] = KERNEL_IMAGE;
	argv[n++] = "--initrd=" NEXT_INITRD;
	argv[n++] = "--reuse-cmdline";
	argv[n++] = append;
	argv[n] = NULL;
	ret = run(argv);
	if (ret)
		return ret;
	ktap_point(1, "kexec", "kexec %s -l done, kexec -e into stage %d",
		   file ? "-s" : "", next_stage);
	say("kexec stage=%d -> stage=%d (kexec-tools, %s)", next_stage - 1,
	    next_stage, file ? "kexec_file_load" : "kexec_load");
	argv[1] = "-e";
	argv[2] = NULL;
	return run(argv);
}

/*
 * Echo the complete lines in @buf (@len bytes), nested four spaces deep,
 * and judge them; keep the rest.
 */
static size_t echo_lines(struct ktap_judge *j, char *buf, size_t len,
			 int flush)
{
	char *line = buf, *nl;

	while ((nl = memchr(line, '\n', buf + len - line))) {
		*nl = '\0';
		say("    %s", line);
		judge_line(j, line);
		line = nl + 1;
	}
	len -= line - buf;
	memmove(buf, line, len);
	if (len && (flush || len == 4096)) {
		buf[len] = '\0';
		say("    %s", buf);
		judge_line(j, buf);
		len = 0;
	}
	return len;
}

/*
 * Run /liveupdate/@prog for @stage with its output echoed to the console
 * as a subtest: the check @prog, by its KTAP and its exit status (a
 * program without KTAP output, a demo or a benchmark, by its exit status
 * alone).  It may leave a child behind (one that holds session fds until
 * the kexec), so the program's own exit ends the echo, not the pipe's end.
 */
static int run_luo(const char *prog, const char *luo_case, int stage)
{
	char path[128], value[16], buf[4097], why[256];
	int p[2], status = 0, done = 0;
	struct ktap_judge j;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", LUO_DIR, prog);
	snprintf(value, sizeof(value), "%d", stage);
	say("# luo run %s stage=%d case=%s", path, stage,
	    *luo_case ? luo_case : "-");
	judge_init(&j);
	pid = pipe(p) ? -1 : fork();
	if (pid < 0) {
		ktap_point(0, prog, "cannot start it: %s", strerror(errno));
		return -errno;
	}
	if (!pid) {
		char *argv[2];

		argv[0] = path;
		argv[1] = NULL;
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		setenv("LUO_STAGE", value, 1);
		if (*luo_case)
			setenv("LUO_CASE", luo_case, 1);
		execv(path, argv);
		printf("exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	while (!done) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };

		if (waitpid(pid, &status, WNOHANG) == pid)
			done = 1;	/* read what is left, then stop */
		else
			poll(&pfd, 1, 200);
		while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
			len = echo_lines(&j, buf, len + n, 0);
		if (!n && !done) {
			/* nobody holds the pipe any more */
			waitpid(pid, &status, 0);
			done = 1;
		}
	}
	echo_lines(&j, buf, len, 1);
	close(p[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ktap_point(0, prog, "stage=%d: exited with status 0x%x%s%s",
			   stage, status, j.not_ok ? "; " : "", j.first_fail);
		return -ECHILD;
	}
	if (!j.version) {
		ktap_point(1, prog, "stage=%d: no KTAP output, exited 0", stage);
		return 0;
	}
	if (judge_verdict(&j, 0, why, sizeof(why))) {
		ktap_point(0, prog, "stage=%d: exited 0, but %s", stage, why);
		return -EINVAL;
	}
	ktap_point(1, prog, "stage=%d: %d passed, %d skipped", stage,
		   j.ok - j.skip, j.skip);
	return 0;
}

static void mount_fs(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		say("mount %s on %s: %s", type, dir, strerror(errno));
}

/*
 * How many checks this kernel's document will have: test_kho (if built
 * in), kho_stress (if it printed KTAP: in a kernel it handed over to),
 * in-fdt, cma-blocks, scratch, deferred, the Live Update program, out-fdt,
 * kmemleak and, unless this is the last stage, the kexec.
 */
static int plan(const char *test, int stage, int hops, int kexecs,
		int test_kho, int kho_stress)
{
	char buf[256];
	int n = 1;

	n += test_kho + kho_stress;
	n += stage > 1 && param("khotest.in_fdt", buf, sizeof(buf));
	n += param_int("khotest.cma", 0);
	n += param_int("khotest.scratch", 0);
	n += stage > 1 && param_int("khotest.deferred", 0);
	n += !strcmp(test, "luo");
	n += stage <= (hops > 1 ? hops : 1) &&
	     param("khotest.out_fdt", buf, sizeof(buf));
	n += kexecs && stage <= hops;
	return n;
}

int main(void)
{
	char test[64] = "boot", want[256], crc[32];
	struct fdt_info in, out;
	struct utsname uts;
	int stage, hops, ret, kexecs, luo, test_kho, kho_stress;

	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("devtmpfs", "/dev", "devtmpfs");
	mount_fs("debugfs", "/sys/kernel/debug", "debugfs");

	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
		say("cannot read /proc/cmdline");
	param("khotest.test", test, sizeof(test));
	stage = param_int("khotest.stage", 1);
	hops = param_int("khotest.hops", 1);
	uname(&uts);
	say("init stage=%d test=%s kernel=%s %s", stage, test, uts.release,
	    uts.version);

	if (!strcmp(test, "panic")) {
		say("exiting init on purpose: the kernel will panic");
		return 1;
	}

	if (!strcmp(test, "hang")) {
		say("hanging on purpose");
		for (;;)
			pause();
	}

	luo = !strcmp(test, "luo");
	kexecs = luo || !strcmp(test, "kexec-raw") ||
		 !strcmp(test, "kexec-tools") || !strcmp(test, "kexec-load");
	if (!kexecs && strcmp(test, "boot")) {
		say("KTAP version 1");
		say("1..1");
		ktap_point(0, "khotest", "unknown test %s", test);
		finish(stage);
	}
	test_kho = !access("/sys/module/test_kho", F_OK);
	kho_stress = kmsg_has_ktap("kho_stress");
	say("KTAP version 1");
	say("# khotest test=%s stage=%d hops=%d", test, stage, hops);
	say("1..%d", plan(test, stage, hops, kexecs, test_kho, kho_stress));

	if (test_kho)
		check_kmsg_ktap("test_kho");
	if (kho_stress)
		check_kmsg_ktap("kho_stress");
	report_fdt("in", "/sys/kernel/debug/kho/in/fdt", &in);
	report_fdt("out", "/sys/kernel/debug/kho/out/fdt", &out);
	report_file("stats", "/sys/kernel/debug/kho/out/stats");
	report_scratch_len();
	report_cma_blocks();
	if (stage > 1 && param("khotest.in_fdt", want, sizeof(want)))
		check_fdt("in-fdt", &in, want,
			  param_int("khotest.in_fdt_crc", 1) &&
			  param("khotest.fdt_crc", crc, sizeof(crc)) ? crc :
			  NULL);
	if (param_int("khotest.cma", 0))
		check_cma();
	if (param_int("khotest.scratch", 0))
		check_scratch();
	if (stage > 1 && param_int("khotest.deferred", 0))
		check_deferred();

	if (luo) {
		char prog[64] = "", luo_case[64] = "";

		param("khotest.luo", prog, sizeof(prog));
		param("khotest.luo_case", luo_case, sizeof(luo_case));
		if (!*prog)
			ktap_point(0, "luo", "no khotest.luo=PROG");
		else
			run_luo(prog, luo_case, stage);
		/* what this kernel hands over, now that sessions exist */
		report_fdt("luo-out", "/sys/kernel/debug/kho/out/fdt", &out);
		report_file("luo-stats", "/sys/kernel/debug/kho/out/stats");
	}
	if (stage <= (hops > 1 ? hops : 1) &&
	    param("khotest.out_fdt", want, sizeof(want)))
		check_fdt("out-fdt", &out, want, NULL);
	if (!kexecs || stage > hops) {
		leak_scan(stage, "at the end");
		finish(stage);
	}

	leak_scan(stage, "before the kexec");
	if (ktap_failed) {
		ktap_point(0, "kexec", "not made: %d checks failed", ktap_failed);
		finish(stage);
	}
	set_next_args(stage + 1, test, &out);
	ret = make_next_initrd();
	if (!ret && !strcmp(test, "kexec-raw"))
		ret = kexec_raw(stage + 1);
	else if (!ret)
		ret = kexec_tools(stage + 1, strcmp(test, "kexec-load"));
	/* a kexec point may be out already: then this one is one too many */
	ktap_point(0, "kexec", "failed: %s", strerror(-ret));
	finish(stage);
	return 0;
}
