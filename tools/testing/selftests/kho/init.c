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
 * The last occurrence of a parameter wins, so a chained kernel can inherit
 * the command line and append a new stage.  Every line meant for the harness
 * starts with "KHOTEST: "; the final one is
 * "KHOTEST: RESULT test=NAME stage=N status=PASS|FAIL ...".  A Live Update
 * program's output is echoed as "KHOTEST: luo stage=N | <line>"; when it
 * exits 0 and the stage is not past the hops, the next kernel is kexec'd.
 *
 * On a kernel with kmemleak (the debug kernel), every kernel of the chain
 * has kmemleak scan before it kexecs and before its RESULT line, and
 * prints what it reports: "KHOTEST: kmemleak stage=N | <line>", then
 * "KHOTEST: kmemleak stage=N: scanned <when>, <count> suspected leaks".
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

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* No ACPI power-off: leave it to the harness timeout. */
	for (;;)
		pause();
}

/*
 * Have kmemleak scan now, if this kernel has it, and print its suspects.
 * @when says which point of the stage this is.
 */
static void leak_scan(int stage, const char *when)
{
	char line[512];
	int fd, leaks = 0;
	FILE *f;

	fd = open(KMEMLEAK, O_WRONLY);
	if (fd < 0)
		return;
	sleep(KMEMLEAK_AGE_S);
	if (write(fd, "scan", 4) != 4) {
		say("kmemleak stage=%d: scan failed: %s", stage, strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	f = fopen(KMEMLEAK, "r");
	if (!f) {
		say("kmemleak stage=%d: cannot read: %s", stage, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		say("kmemleak stage=%d | %s", stage, line);
		leaks += !strncmp(line, "unreferenced object", 19);
	}
	fclose(f);
	say("kmemleak stage=%d: scanned %s, %d suspected leaks", stage, when,
	    leaks);
}

static void result(const char *test, int stage, int pass, const char *fmt, ...)
{
	char detail[512] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	leak_scan(stage, "at the end");
	say("RESULT test=%s stage=%d status=%s%s%s", test, stage,
	    pass ? "PASS" : "FAIL", *detail ? " " : "", detail);
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

/*
 * Describe a KHO root FDT from debugfs: its CRC, root compatible and the
 * names of its subtree nodes, for the harness to check and compare.
 */
static void report_fdt(const char *which, const char *path)
{
	static unsigned char fdt[65536];
	char compat[64] = "-", nodes[512] = "";
	unsigned int off, strings, size, depth = 0;
	unsigned int crc = ~0U;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
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
			    sizeof(nodes)) {
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
			    len < sizeof(compat))
				snprintf(compat, sizeof(compat), "%.*s",
					 (int)len, fdt + off + 8);
			off += 8 + ((len + 3) & ~3U);
		} else if (tag != FDT_NOP) {
			break;
		}
	}
	say("fdt %s crc=%08x size=%u compatible=%s subtrees=%s", which, ~crc,
	    size, compat, *nodes ? nodes : "-");
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
}

/*
 * How many pageblocks are MIGRATE_CMA, from each node's "Number of blocks
 * type" table in /proc/pagetypeinfo: KHO's scratch areas are, all of them
 * and nothing else.
 */
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
 * The current command line without khotest.stage= (and without kho= for
 * khotest.next_kho_off=2), plus the next stage.
 */
static void next_cmdline(char *buf, size_t len, int stage)
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
	snprintf(buf + used, len - used, "khotest.stage=%d%s%s", stage,
		 kho_off == 1 ? " kho=off" : "", kho_test_args());
}

static int kexec_raw(int next_stage)
{
	char line[sizeof(cmdline) + 128];
	int kfd, ifd, ret;

	next_cmdline(line, sizeof(line), next_stage);
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
	char append[64];
	char *argv[8];
	int n = 0, ret;

	snprintf(append, sizeof(append), "--append=khotest.stage=%d%s",
		 next_stage,
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
	say("kexec stage=%d -> stage=%d (kexec-tools, %s)", next_stage - 1,
	    next_stage, file ? "kexec_file_load" : "kexec_load");
	argv[1] = "-e";
	argv[2] = NULL;
	return run(argv);
}

/* Echo the complete lines in @buf (@len bytes); keep the rest. */
static size_t echo_lines(int stage, char *buf, size_t len, int flush)
{
	char *line = buf, *nl;

	while ((nl = memchr(line, '\n', buf + len - line))) {
		*nl = '\0';
		say("luo stage=%d | %s", stage, line);
		line = nl + 1;
	}
	len -= line - buf;
	memmove(buf, line, len);
	if (len && (flush || len == 4096)) {
		buf[len] = '\0';
		say("luo stage=%d | %s", stage, buf);
		len = 0;
	}
	return len;
}

/*
 * Run /liveupdate/@prog for @stage with its output echoed to the console.
 * It may leave a child behind (one that holds session fds until the
 * kexec), so the program's own exit ends the echo, not the pipe's end.
 */
static int run_luo(const char *prog, const char *luo_case, int stage)
{
	char path[128], value[16], buf[4097];
	int p[2], status = 0, done = 0;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", LUO_DIR, prog);
	snprintf(value, sizeof(value), "%d", stage);
	say("luo run %s stage=%d case=%s", path, stage,
	    *luo_case ? luo_case : "-");
	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
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
			len = echo_lines(stage, buf, len + n, 0);
		if (!n && !done) {
			/* nobody holds the pipe any more */
			waitpid(pid, &status, 0);
			done = 1;
		}
	}
	echo_lines(stage, buf, len, 1);
	close(p[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		say("luo %s stage=%d exited with status 0x%x", prog, stage,
		    status);
		return -ECHILD;
	}
	say("luo %s stage=%d exited 0", prog, stage);
	return 0;
}

static void mount_fs(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		say("mount %s on %s: %s", type, dir, strerror(errno));
}

int main(void)
{
	char test[64] = "boot";
	struct utsname uts;
	int stage, hops, ret;

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
	report_fdt("in", "/sys/kernel/debug/kho/in/fdt");
	report_fdt("out", "/sys/kernel/debug/kho/out/fdt");
	report_file("stats", "/sys/kernel/debug/kho/out/stats");
	report_scratch_len();
	report_cma_blocks();

	if (!strcmp(test, "boot"))
		result(test, stage, 1, NULL);

	if (!strcmp(test, "panic")) {
		say("exiting init on purpose: the kernel will panic");
		return 1;
	}

	if (!strcmp(test, "hang")) {
		say("hanging on purpose");
		for (;;)
			pause();
	}

	if (!strcmp(test, "kexec-raw") || !strcmp(test, "kexec-tools") ||
	    !strcmp(test, "kexec-load")) {
		if (stage > hops)
			result(test, stage, 1, "hops=%d", hops);
		leak_scan(stage, "before the kexec");
		ret = make_next_initrd();
		if (!ret && !strcmp(test, "kexec-raw"))
			ret = kexec_raw(stage + 1);
		else if (!ret)
			ret = kexec_tools(stage + 1,
					  !strcmp(test, "kexec-tools"));
		result(test, stage, 0, "kexec failed: %s", strerror(-ret));
	}

	if (!strcmp(test, "luo")) {
		char prog[64] = "", luo_case[64] = "";

		param("khotest.luo", prog, sizeof(prog));
		param("khotest.luo_case", luo_case, sizeof(luo_case));
		if (!*prog)
			result(test, stage, 0, "no khotest.luo=PROG");
		ret = run_luo(prog, luo_case, stage);
		/* what this kernel hands over, now that sessions exist */
		report_fdt("luo-out", "/sys/kernel/debug/kho/out/fdt");
		report_file("luo-stats", "/sys/kernel/debug/kho/out/stats");
		if (ret)
			result(test, stage, 0, "prog=%s failed", prog);
		if (stage > hops)
			result(test, stage, 1, "prog=%s hops=%d", prog, hops);
		leak_scan(stage, "before the kexec");
		ret = make_next_initrd();
		if (!ret)
			ret = kexec_tools(stage + 1, 1);
		result(test, stage, 0, "kexec failed: %s", strerror(-ret));
	}

	result(test, stage, 0, "unknown test");
	return 0;
}
