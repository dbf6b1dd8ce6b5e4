#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build the test initramfs, boot the test kernel in QEMU and judge the runs.

    khotest.py check [NAME ...]   run the tests (all by default), print one
                                  line per test and "N passed, N failed"
    khotest.py check-debug [NAME ...]  the KHO and LUO guest tests (all by
                                  default) on the debug kernel, out/build-debug
    khotest.py demo               a kexec from kernel A to kernel B, explained
    khotest.py bench              kexec times with 0 to 4 GiB kept, against a
                                  plain kexec (asserts nothing about time)
    khotest.py list               the test names

Every guest runs under QEMU's TCG with a timeout; the serial console goes to
out/logs/<test>.log.  The guest's /init (tools/testing/selftests/kho/init.c)
prints lines starting with "KHOTEST: ": one KTAP document per kernel, with
test_kho's and the Live Update program's KTAP nested in it.  Every KTAP
output (those, KUnit's, the native tests') is read by parse_ktap().
A guest test whose inputs (the bzImage, the initramfs, this file, its name)
have not changed since it last passed is not run again, but reported as
passed "(unchanged since its last pass)"; KHOTEST_FORCE=1 (make check
FORCE=1) or CI=true runs everything.
The debug kernel's runs go to out/logs-debug/, its initramfs to
out/initramfs-debug/.
Set KHOTEST_KVM=1 to use KVM instead of TCG (it hangs on some machines),
KHOTEST_JOBS=N to run N guests at a time (default 3: a hanging or
waiting guest leaves its core to the others).
"""

import concurrent.futures
import hashlib
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.environ.get("OUT", os.path.join(TOP, "out"))
TREE = os.path.join(OUT, "linux")
BUILD = os.path.join(OUT, "build")
BZIMAGE = os.path.join(BUILD, "arch/x86/boot/bzImage")
INITRD_DIR = os.path.join(OUT, "initramfs")
INITRD = os.path.join(INITRD_DIR, "initrd.cpio")
LOGS = os.path.join(OUT, "logs")
INIT_SRC = os.path.join(TOP, "tools/testing/selftests/kho/init.c")
LUO_SRC = os.path.join(TOP, "tools/testing/selftests/liveupdate")
# the Live Update selftests, built static into /liveupdate/ of the initramfs
LUO_PROGS = ("liveupdate_api", "luo_kexec", "luo_demo", "luo_bench",
             "luo_fault", "luo_stress")

BASE_CMDLINE = "console=ttyS0 panic=-1 oops=panic loglevel=7"

# check-debug: the debug kernel (harness/kho-debug.config) runs everything
# several times slower under TCG
DEBUG = False
TIMEOUT_SCALE = 1
DEBUG_TIMEOUT_SCALE = 4
# KASAN's shadow, an eighth of RAM, is most of the debug kernel's early
# memory use; at the default 200% for each of the lowmem, global and node
# areas, scratch would want more than the guest has and KHO turns itself
# off ("cannot reserve N MiB of scratch memory").  At 60% each the areas
# still hold 180% of what kernel B needs before it can leave scratch.
DEBUG_SCRATCH = "kho_scratch=60%"
# test_kho's fill of kernel B's free memory (allocate it all, write it,
# checksum the preserved folios again) proves the allocator leaves
# preserved memory alone, which make check shows; under the checkers it
# is a minute per kernel, so the debug kernel's runs leave it out.
DEBUG_NO_FILL = "test_kho.fill=0"
# and test_kho preserves 16 MiB of random folios, not 64: writing them
# is half a minute per kernel under the checkers
DEBUG_KHO_MB = 16
# A guest CPU without 5-level paging.  6.12's identify_cpu() clears the
# boot CPU's feature bits while it probes them again; an interrupt in that
# window sees pgtable_l5_enabled() false, and KASAN takes the direct map's
# 5-level addresses for wild ones ("BUG: KASAN: wild-memory-access in
# rcu_is_watching", seen in a kernel B).  Not KHO's: keep it out of reach.
DEBUG_CPU = ",-la57"
# Not run on the debug kernel: their fixed kho_scratch= sizes (about
# 100 MiB in all) cannot hold KASAN's shadow of kernel B's 1 and 4 GiB.
DEBUG_SKIP = ("kho-scratch-sizes", "kho-reject-many-blocks")


def use_debug_kernel():
    """Point the harness at out/build-debug and its own initramfs, logs."""
    global DEBUG, TIMEOUT_SCALE, BUILD, BZIMAGE, INITRD_DIR, INITRD, LOGS
    DEBUG, TIMEOUT_SCALE = True, DEBUG_TIMEOUT_SCALE
    BUILD = os.path.join(OUT, "build-debug")
    BZIMAGE = os.path.join(BUILD, "arch/x86/boot/bzImage")
    INITRD_DIR = os.path.join(OUT, "initramfs-debug")
    INITRD = os.path.join(INITRD_DIR, "initrd.cpio")
    LOGS = os.path.join(OUT, "logs-debug")


def log_path(name):
    """Where a run's console goes, relative to the current directory."""
    return os.path.relpath(os.path.join(LOGS, name + ".log"))


# --------------------------------------------------------------------------
# KTAP: the one parser of every test's output

KTAP_VERSION_RE = re.compile(r"^K?TAP version \d+")
KTAP_PLAN_RE = re.compile(r"^1\.\.(\d+)")
# a kselftest harness expectation: "luo_kexec.c:1117:deferred:Expected ..."
KSFT_ASSERT_RE = re.compile(r"^[\w.-]+\.c:\d+:")
KTAP_RESULT_RE = re.compile(r"^(not ok|ok)(?: (\d+))?(?: -)? ?([^#]*?)\s*"
                            r"(?:#\s*(.*))?$")


class Ktap:
    """One test of a KTAP document: the document itself (the root), or a
    result line, with the subtests nested in it if it had any."""

    def __init__(self):
        self.name = ""
        self.number = 0
        self.ok = None          # None: the root of a document
        self.directive = ""     # "SKIP reason", "TODO ...", "XFAIL ..."
        self.plan = None
        self.version = None     # "KTAP version 1" if it had its own
        self.subtests = []
        self.diag = []          # its "# " lines (a document's)
        self.before = []        # the "# " lines just before its result
        self.after = []         # and those after it, before the next
        self.lines = []         # everything inside it, de-indented

    @property
    def skipped(self):
        return self.directive.upper().startswith("SKIP")

    def find(self, name):
        """The subtest called @name, or None."""
        return next((t for t in self.subtests if t.name == name), None)

    def failures(self, path=""):
        """Why this test failed, one string per reason; [] if it passed.
        A result "not ok" fails unless it is a SKIP, TODO or XFAIL; so does
        a plan that is not what ran, or a subtest that failed inside a
        result that says "ok"."""
        why = []
        for t in self.subtests:
            where = path + t.name
            if t.ok is False and not t.directive.upper().startswith(
                    ("SKIP", "TODO", "XFAIL")):
                diag = ([d for d in t.before + t.after
                         if d.startswith(t.name + ":")][-1:]
                        or [d for d in t.before
                            if KSFT_ASSERT_RE.match(d)][:2]
                        or t.after[:1])
                why.append("not ok %s%s" % (where, " (%s)" % " ".join(diag)
                                            if diag else ""))
            why += t.failures(where + ": ")
        if self.plan is not None and self.plan != len(self.subtests):
            why.append("%splanned %d tests, ran %d" % (
                path, self.plan, len(self.subtests)))
        return why

    def counts(self):
        """(passed, failed, skipped) over the leaves of this test."""
        if not self.subtests:
            if self.ok is None:
                return 0, 0, 0
            if self.skipped:
                return 0, 0, 1
            return (1, 0, 0) if self.ok or self.directive.upper(
            ).startswith(("TODO", "XFAIL")) else (0, 1, 0)
        p = f = k = 0
        for t in self.subtests:
            a, b, c = t.counts()
            p, f, k = p + a, f + b, k + c
        if self.ok is False and not f and not self.skipped:
            f = 1
        return p, f, k


def parse_ktap(lines):
    """The KTAP (or TAP 13) documents in @lines, as Ktap roots.

    Nesting is by indentation, four spaces a level: a subtest's own
    document ("KTAP version", plan, results) comes indented before its
    result line.  Lines that are not KTAP are kept (Ktap.lines) and
    otherwise ignored, as are lines before the first version line.
    """
    docs, stack = [], []
    for raw in lines:
        raw = raw.rstrip()
        text = raw.lstrip(" ")
        depth = (len(raw) - len(text)) // 4
        if KTAP_VERSION_RE.match(text) and depth <= len(stack):
            if depth == 0:
                stack = []
            del stack[depth:]
            node = Ktap()
            node.version = text
            if depth == 0:
                docs.append(node)
            stack.append(node)
            continue
        if not stack:
            continue
        for d, node in enumerate(stack):
            if d <= depth:
                node.lines.append(raw[4 * d:])
        if depth >= len(stack):
            continue
        node = stack[depth]
        m = KTAP_RESULT_RE.match(text)
        if KTAP_PLAN_RE.match(text) and node.plan is None:
            node.plan = int(KTAP_PLAN_RE.match(text).group(1))
        elif m:
            if len(stack) > depth + 1:
                t = stack[depth + 1]
                del stack[depth + 1:]
            else:
                t = Ktap()
            t.ok = m.group(1) == "ok"
            t.number = int(m.group(2) or 0)
            t.name = m.group(3).strip()
            t.directive = (m.group(4) or "").strip()
            t.before = node.pending if hasattr(node, "pending") else []
            node.pending = []
            node.subtests.append(t)
        elif text.startswith("#"):
            node.diag.append(text[1:].strip())
            if not hasattr(node, "pending"):
                node.pending = []
            node.pending.append(text[1:].strip())
            if node.subtests:
                node.subtests[-1].after.append(text[1:].strip())
    return docs


def ktap_summary(doc):
    """"N passed, N failed, N skipped" over the leaves of @doc."""
    p, f, k = doc.counts()
    return "%d passed, %d failed%s" % (p, f, ", %d skipped" % k if k else "")


# --------------------------------------------------------------------------
# initramfs

def _shared_libs(binary):
    """The dynamic loader and every library @binary needs, by ldd."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True,
                         text=True).stdout
    return sorted(set(re.findall(r"(/\S+)\s+\(0x", out)))


def _newer(target, sources):
    if not os.path.exists(target):
        return True
    t = os.path.getmtime(target)
    return any(os.path.getmtime(s) > t for s in sources)


def _selftest_sources():
    """The files of the kselftest targets kho and liveupdate, as pairs.

    The programs are built in out/linux (lib.mk is there) from the copies
    tree.sh made: (project file, out/linux file) for each.
    """
    pairs = []
    for src in (os.path.dirname(INIT_SRC), LUO_SRC):
        rel = os.path.relpath(src, TOP)
        for f in sorted(os.listdir(src)):
            if not f.startswith("."):
                pairs.append((os.path.join(src, f),
                              os.path.join(TREE, rel, f)))
    return pairs


def _build_selftests(objtree):
    """Build the kselftest targets with the kernel's own selftests make.

    The uAPI headers are installed into @objtree (make O=@objtree headers:
    KHDR_INCLUDES), the programs are built into @objtree/kselftest/<target>
    with -Werror; only warnings and errors are shown.  Returns that
    kselftest directory.
    """
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(v, None)
    subprocess.run(["make", "-s", "-C", TREE, "O=" + objtree, "headers"],
                   check=True, env=env)
    # -B: make does not know the programs depend on the uAPI header
    subprocess.run(["make", "-s", "-B", "-j2", "-C",
                    os.path.join(TREE, "tools/testing/selftests"),
                    "O=" + objtree, "USERCFLAGS=-Werror",
                    "TARGETS=kho liveupdate"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return os.path.join(objtree, "kselftest")


def build_initramfs():
    """out/initramfs/initrd.cpio: /init, the kernel, kexec-tools, itself.

    /init and the Live Update programs are built by the tree's kselftest
    make (TARGETS="kho liveupdate", in out/initramfs/selftests/).  The
    archive holds /initrd.img, a copy of itself without that member, so
    the guest can hand the same files to the next kernel (see init.c).
    Rebuilt only when one of its inputs is newer.
    """
    os.makedirs(INITRD_DIR, exist_ok=True)
    gen = os.path.join(INITRD_DIR, "gen_init_cpio")
    kexec = shutil.which("kexec") or "/usr/sbin/kexec"
    libs = _shared_libs(kexec)
    selftests = os.path.join(TREE, "tools/testing/selftests")
    sources = _selftest_sources()
    stale = [os.path.relpath(ours, TOP) for ours, tree in sources
             if not os.path.exists(tree) or
             open(ours, "rb").read() != open(tree, "rb").read()]
    if stale:
        sys.exit("initramfs: %s differs in out/linux: run make tree" %
                 ", ".join(stale))
    selftest_inputs = [tree for _, tree in sources] + [
        os.path.join(selftests, f)
        for f in ("Makefile", "lib.mk", "kselftest_harness.h", "kselftest.h")
    ] + [os.path.join(TREE, "include/uapi/linux/liveupdate.h")]
    inputs = [BZIMAGE, kexec, __file__] + libs + selftest_inputs

    if _newer(gen, [os.path.join(TREE, "usr/gen_init_cpio.c")]):
        subprocess.run(["gcc", "-O2", "-o", gen,
                        os.path.join(TREE, "usr/gen_init_cpio.c")],
                       check=True)
    if not _newer(INITRD, inputs + [gen]):
        return
    print("initramfs: building %s" % os.path.relpath(INITRD), flush=True)
    built = _build_selftests(os.path.join(INITRD_DIR, "selftests"))
    init = os.path.join(built, "kho", "init")
    luo_out = os.path.join(built, "liveupdate")

    dirs = ["/dev", "/proc", "/sys", "/tmp", "/boot", "/sbin", "/liveupdate"]
    spec = ["dir %s 0755 0 0" % d for d in dirs]
    spec.append("nod /dev/console 0600 0 0 c 5 1")
    spec.append("file /init %s 0755 0 0" % init)
    for prog in LUO_PROGS:
        spec.append("file /liveupdate/%s %s 0755 0 0" % (
            prog, os.path.join(luo_out, prog)))
    spec.append("file /boot/bzImage %s 0644 0 0" % BZIMAGE)
    spec.append("file /sbin/kexec %s 0755 0 0" % kexec)
    made = set(dirs)
    for lib in libs:
        parts = lib.split("/")[1:-1]
        for i in range(1, len(parts) + 1):
            d = "/" + "/".join(parts[:i])
            if d not in made:
                spec.append("dir %s 0755 0 0" % d)
                made.add(d)
        spec.append("file %s %s 0755 0 0" % (lib, lib))

    core = os.path.join(INITRD_DIR, "core.cpio")
    for target, lines in ((core, spec),
                          (INITRD, spec + ["file /initrd.img %s 0644 0 0"
                                           % core])):
        spec_file = target + ".spec"
        with open(spec_file, "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(target + ".tmp", "wb") as f:
            subprocess.run([gen, spec_file], check=True, stdout=f)
        os.rename(target + ".tmp", target)


# --------------------------------------------------------------------------
# QEMU

class Run:
    """One guest boot: its verdict, its console lines with host times."""

    def __init__(self, name, verdict, lines, seconds, cpu_at, cpu_seconds):
        self.name = name
        self.verdict = verdict      # "exited", "panic", "timeout"
        self.lines = lines          # [(seconds since start, text), ...]
        self.cpu_at = cpu_at        # QEMU's CPU seconds at each line
        self.seconds = seconds
        self.cpu_seconds = cpu_seconds  # and at the end (None: unknown)
        self.log = log_path(name)

    def khotest(self):
        """The guest's own lines, "KHOTEST: " stripped, with their times."""
        found = []
        for t, text in self.lines:
            i = text.find("KHOTEST: ")
            if i >= 0:
                found.append((t, text[i + 9:].strip()))
        return found


def cpu_seconds(pid):
    """User + system CPU time of process @pid (all its threads) so far."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def qemu(name, append, timeout=120, mem="1G", smp=1, numa=False, cpu="max",
         cap=None):
    """Boot the test kernel with @append and judge the run.

    The run ends as a timeout @timeout seconds after QEMU starts, or, with
    @cap = (text, seconds), that many seconds after the first console line
    holding text, if that comes first.
    """
    os.makedirs(LOGS, exist_ok=True)
    if DEBUG and "kho_scratch=" not in append:
        append += " " + DEBUG_SCRATCH
    if DEBUG and "test_kho.fill=" not in append:
        append += " " + DEBUG_NO_FILL
    if DEBUG and not re.search(r"test_kho\.(size|node)_mb=", append):
        append += " test_kho.size_mb=%d" % DEBUG_KHO_MB
    cmd = ["qemu-system-x86_64", "-m", mem,
           "-smp", "%d,sockets=%d,cores=1,threads=1" % (smp, smp),
           "-kernel", BZIMAGE, "-initrd", INITRD,
           "-append", BASE_CMDLINE + " " + append,
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-no-reboot"]
    if os.environ.get("KHOTEST_KVM") == "1":
        cmd += ["-accel", "kvm", "-cpu", "host"]
    else:
        cmd += ["-accel", "tcg", "-cpu", cpu + (DEBUG_CPU if DEBUG else "")]
    if numa:
        size = int(mem.rstrip("G")) * 1024 // smp
        for n in range(smp):
            cmd += ["-object", "memory-backend-ram,id=m%d,size=%dM" % (n, size),
                    "-numa", "node,nodeid=%d,cpus=%d,memdev=m%d" % (n, n, n)]

    timeout *= TIMEOUT_SCALE
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    lines, cpu_at, partial, verdict = [], [], b"", None
    end = start + timeout
    with open(os.path.join(LOGS, name + ".log"), "wb") as log:
        log.write(("# " + " ".join(cmd) + "\n").encode())
        while verdict is None:
            left = end - time.monotonic()
            if left <= 0:
                verdict = "timeout"
                break
            if not sel.select(timeout=min(left, 1.0)):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            log.write(chunk)
            log.flush()
            now = time.monotonic() - start
            used = cpu_seconds(proc.pid)
            partial += chunk
            *done, partial = partial.split(b"\n")
            for raw in done:
                text = raw.decode("utf-8", "replace").rstrip("\r")
                lines.append((now, text))
                cpu_at.append(used)
                if cap and cap[0] in text:
                    end = min(end, start + now + cap[1])
                    cap = None
                if "Kernel panic - not syncing" in text:
                    verdict = "panic"
        if partial:
            lines.append((time.monotonic() - start,
                          partial.decode("utf-8", "replace")))
            cpu_at.append(cpu_seconds(proc.pid))
    used = cpu_seconds(proc.pid)
    if proc.poll() is None:
        # a panicking guest reboots and -no-reboot ends QEMU; give it a
        # moment to print the rest of the panic, then stop it for good
        try:
            proc.wait(timeout=5 if verdict == "panic" else 0.1)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    sel.close()
    proc.stdout.close()
    run = Run(name, verdict or "exited", lines, time.monotonic() - start,
              cpu_at, used)
    RUNS.append(run)
    return run


# every guest booted by this process, for check-debug's closing count
RUNS = []


def checker_summary():
    """check-debug's count over every guest: reports, kmemleak scans."""
    reports = scans = leaks = kernels = 0
    for run in RUNS:
        for _, text in run.lines:
            reports += bool(REPORT_RE.search(text))
            kernels += "] Linux version " in text
            m = re.search(r"kmemleak stage=\d+: scanned .*, (\d+) suspected",
                          text)
            if m:
                scans += 1
                leaks += int(m.group(1))
    return ("check-debug: %d guests, %d kernels booted, %d checker reports, "
            "%d kmemleak scans, %d suspected leaks" % (
                len(RUNS), kernels, reports, scans, leaks))


# --------------------------------------------------------------------------
# tests: each returns (passed, one-line detail)

# What the kernel prints when something is wrong: BUG (KASAN and KFENCE
# reports, sleeping in atomic context, bad page state), oops, UBSAN,
# lockdep's WARNING and INFO reports, a leak kmemleak found (the guest's
# /init prints its reports as "kmemleak stage=N | ..."), kmemleak giving
# up.  The plain "WARNING: CPU:" of WARN() is judged apart (allow_warn).
REPORT_RE = re.compile(r"\bBUG: |\bOops: |general protection fault|"
                       r"\bUBSAN: |\bWARNING: (?!CPU:)|\] INFO: |"
                       r"unreferenced object 0x|kmemleak: .*disabled")
REPORT_LINES = 8
TIMESTAMP_RE = re.compile(r"^\[ *\d+\.\d+\] |^KHOTEST: ")


def quote_report(run, i):
    """Line @i of @run and the few after it, as one line."""
    text = [TIMESTAMP_RE.sub("", t).strip()
            for _, t in run.lines[i:i + REPORT_LINES]]
    quoted = " | ".join(t for t in text if t)
    return quoted if len(quoted) < 900 else quoted[:900] + "..."


def guest_failure(run, allow_warn=False):
    """The reason a guest did not finish normally, or None: what only the
    host sees in the console.

    A kernel warning is a failure unless @allow_warn (tests that restore
    damaged data on purpose, where KHO warns once by design); any other
    report (REPORT_RE) always is, quoted.  On the debug kernel, each run
    must show that /init had kmemleak scan (see init.c).
    """
    reports = [i for i, (_, t) in enumerate(run.lines) if REPORT_RE.search(t)]
    if reports:
        return "kernel report: %s%s (log %s)" % (
            quote_report(run, reports[0]), ", then a timeout" if
            run.verdict == "timeout" else "", run.log)
    if run.verdict == "timeout":
        return "guest hung: timeout after %.0f s (log %s)" % (run.seconds,
                                                              run.log)
    if run.verdict == "panic":
        return "guest panicked (log %s)" % run.log
    if not guest_docs(run):
        return "guest ended without a KTAP document (log %s)" % run.log
    warned = [i for i, (_, t) in enumerate(run.lines) if "WARNING: CPU:" in t]
    if warned and not allow_warn:
        return "kernel warning: %s (log %s)" % (quote_report(run, warned[0]),
                                                run.log)
    if DEBUG and not any(re.search(r"kmemleak stage=\d+: scanned", t)
                         for _, t in run.khotest()):
        return "no kmemleak scan in the guest (log %s)" % run.log
    return None


def khotest_text(run):
    """The guest's own lines with "KHOTEST: " stripped, indentation kept."""
    out = []
    for _, text in run.lines:
        i = text.find("KHOTEST: ")
        if i >= 0:
            out.append(text[i + 9:].rstrip())
    return out


def guest_docs(run):
    """{stage: Ktap} of the documents /init printed, one per kernel, by
    their "# khotest test=NAME stage=N" line."""
    docs = {}
    for doc in parse_ktap(khotest_text(run)):
        for d in doc.diag:
            m = re.match(r"khotest test=\S+ stage=(\d+)", d)
            if m:
                docs[int(m.group(1))] = doc
                break
    return docs


def kdiag(node, name):
    """The text of node's diagnostic "# @name: ...", or ""."""
    for d in (node.diag if node else []):
        if d.startswith(name + ": "):
            return d[len(name) + 2:]
    return ""


def judge_guest(run, hops, allow_warn=False):
    """(ok, detail, docs): the guest's verdict.  Each of kernels 1 to
    @hops + 1 must have printed its KTAP document, and every one of them
    must have passed; the host adds only what the console shows
    (guest_failure)."""
    failure = guest_failure(run, allow_warn)
    if failure:
        return False, failure, {}
    docs = guest_docs(run)
    stages = list(range(1, hops + 2))
    p = f = k = 0
    for stage in sorted(docs):
        why = docs[stage].failures() or ([] if docs[stage].subtests
                                         else ["no tests"])
        if why:
            return False, "kernel %d: %s (log %s)" % (
                stage, "; ".join(why[:3]), run.log), docs
        a, b, c = docs[stage].counts()
        p, f, k = p + a, f + b, k + c
    if sorted(docs) != stages:
        return False, "kernels reported %s, expected %s (log %s)" % (
            sorted(docs), stages, run.log), docs
    return True, "%d kernel%s, KTAP: %d passed%s" % (
        len(stages), "s" if len(stages) > 1 else "", p,
        ", %d skipped" % k if k else ""), docs


def test_kunit(name, glob, extra=""):
    """KUnit suites built into the test kernel, run at boot, KTAP parsed."""
    def test():
        run = qemu(name, "khotest.test=boot kunit.enable=1 "
                   "kunit.filter_glob=%s %s" % (glob, extra))
        ok, detail, _ = judge_guest(run, 0)
        if not ok:
            return False, detail
        kernel = [TIMESTAMP_RE.sub("", t) for _, t in run.lines
                  if "KHOTEST: " not in t]
        docs = parse_ktap(kernel)
        if not docs:
            return False, "no KUnit KTAP output (log %s)" % run.log
        why = docs[-1].failures()
        p, f, k = docs[-1].counts()
        if why or f or not p:
            return False, "KUnit: %s; %s (log %s)" % (
                ktap_summary(docs[-1]), "; ".join(why[:3]), run.log)
        return True, "KUnit: %s" % ktap_summary(docs[-1])
    return test


def test_kexec(name, how, hops=1, extra="", **qemu_args):
    """Kernel A kexecs into kernel B (and on, @hops times) by @how."""
    def test():
        run = qemu(name, "khotest.test=%s khotest.hops=%d kunit.enable=0 %s"
                   % (how, hops, extra), **qemu_args)
        ok, detail, _ = judge_guest(run, hops)
        return ok, detail + (", %.1f s" % run.seconds if ok else "")
    return test


def kernel_lines(run, marker):
    """Console lines holding @marker, split by kernel: {stage: [text]}.

    A kernel's lines are those after the previous kernel's kexec line.
    """
    stage, found = 1, {}
    for _, text in run.lines:
        if "KHOTEST: kexec stage=" in text:
            stage += 1
            continue
        i = text.find(marker)
        if i >= 0:
            found.setdefault(stage, []).append(text[i + len(marker):].strip())
    return found


def _kv(text):
    return dict(w.split("=", 1) for w in text.split() if "=" in w)


# what /init checks of test_kho's runs: the root FDT in A and B, and the
# CMA pageblocks against the scratch areas, in every kernel
KHO_CHECKS = ("khotest.out_fdt=test-kho khotest.in_fdt=test-kho "
              "khotest.cma=1")


def kho_notes(docs, hops):
    """What test_kho's KTAP says it preserved in A and verified in B."""
    a = docs.get(1) and docs[1].find("test_kho")
    b = docs.get(hops + 1) and docs[hops + 1].find("test_kho")
    notes = []
    if kdiag(a, "preserve"):
        notes.append("A preserved " + kdiag(a, "preserve"))
    gen = kdiag(b, "generation-%d" % hops)
    if gen:
        notes.append("B%d verified generation %d: %s" % (hops + 1, hops,
                                                         gen))
    if kdiag(b, "fill"):
        notes.append(kdiag(b, "fill"))
    return notes


def test_kho(name, how="kexec-raw", hops=1, extra="", mem="2G", smp=2,
             numa=True, check=None):
    """KHO round trip with lib/test_kho.c: preserved in A, verified in B.

    Kernel A preserves random folios of every order; each later kernel
    restores and checks them (also after filling its free memory) and
    preserves a new generation: test_kho judges that itself.  /init
    checks that the root FDT in debugfs is "kho-v2" listing "test-kho",
    that kernel B's in/fdt is byte for byte kernel A's out/fdt, and the
    CMA pageblocks.  @check(run) judges the console further, once the
    guest passed.
    """
    def test():
        run = qemu(name, "kho=on khotest.test=%s khotest.hops=%d "
                   "kunit.enable=0 %s %s" % (how, hops, KHO_CHECKS, extra),
                   timeout=120 + 180 * hops, mem=mem, smp=smp, numa=numa)
        ok, detail, docs = judge_guest(run, hops)
        if not ok:
            return ok, detail
        detail = "; ".join(kho_notes(docs, hops) + [detail])
        if check:
            ok, more = check(run)
            detail = "%s; %s" % (more, detail) if ok else more
        return ok, detail
    return test


# guests of the deferred tests: hugepages= takes the lowest free memory of
# each node, below its boundary (256 MiB into node 0, 128 MiB into node
# 1), so that what the tests preserve next lies above it; /init
# checks that kernel B initialised the struct pages of at least half of
# what each node kept above its boundary (khotest.deferred=, in pages),
# and for test_kho that its folios of each node reach past it
DEFERRED_HUGEPAGES = "hugepages=0:192,1:192"


def deferred_checks(mib, restored=False):
    """/init's deferred struct page check for @mib MiB kept per node."""
    pages = (mib << 20) // 4096
    return "khotest.deferred=%d%s" % (pages // 2, " khotest.deferred_"
                                      "restored=%d" % pages if restored
                                      else "")


def check_deferred(run):
    """The detail of /init's "deferred" check in kernel B."""
    return True, "B: " + kdiag(guest_docs(run).get(2), "deferred")


def test_kho_memtest(name):
    """memtest=1 on a KHO boot: kernel A tests its free memory as usual;
    kernel B must skip the test (its preserved memory is free in memblock
    until kho_memory_init()) and get every folio back intact."""
    def test():
        run = qemu(name, "kho=on khotest.test=kexec-raw khotest.hops=1 "
                   "kunit.enable=0 memtest=1 " + KHO_CHECKS, timeout=300,
                   mem="1G", smp=1, numa=False)
        ok, detail, _ = judge_guest(run, 1)
        if not ok:
            return ok, detail
        said = by_kernel(run, "memtest: ")
        passes = by_kernel(run, " pattern 0000000000000000")
        if "# of tests: 1" not in said.get(1, []) or not passes.get(1):
            return False, "kernel A did not run memtest (log %s)" % run.log
        if said.get(2) != ["skipped on a kexec handover boot"] or \
                passes.get(2):
            return False, "kernel B: memtest %s, %d passes (log %s)" % (
                said.get(2), len(passes.get(2, [])), run.log)
        return True, "kernel B skipped memtest; " + detail
    return test


def test_kho_scratch_sizes(name):
    """kho_scratch= with a size of 0 is refused, and sizes below what the
    next kernel accepts are raised to the minimums; the round trip works
    and kernel B is handed areas it accepts."""
    def test():
        run = qemu(name, "kho=on khotest.test=kexec-raw khotest.hops=1 "
                   "kunit.enable=0 kho_scratch=0,64M,16M "
                   "kho_scratch=1M,2M,1M " + KHO_CHECKS, timeout=300,
                   mem="1G", smp=1, numa=False)
        ok, detail, _ = judge_guest(run, 1)
        if not ok:
            return ok, detail
        a = kernel_lines(run, "KHO: ").get(1, [])
        want = ["kho_scratch=: size 1 is 0; using the default sizes",
                "kho_scratch=: raising 1024 KiB to the minimum of 16 MiB",
                "kho_scratch=: raising 2048 KiB to the minimum of 64 MiB"]
        missing = [w for w in want if w not in a]
        sizes = [int(m.group(1)) for m in
                 (re.search(r"scratch area \d+: \S+, (\d+) MiB", t)
                  for t in a) if m]
        if missing or sizes != [16, 64, 16]:
            return False, "kernel A: missing %s, areas %s MiB (log %s)" % (
                missing, sizes, run.log)
        return True, "areas %s MiB; %s" % (sizes, detail)
    return test


def test_kho_damage(name, damage, message):
    """Kernel A damages one library layer; kernel B must refuse that one
    (test_kho judges: the layer refused, everything else verified) with
    @message in its log."""
    def test():
        run = qemu(name, "kho=on khotest.test=kexec-raw khotest.hops=1 "
                   "kunit.enable=0 test_kho.corrupt=%s test_kho.fill=0 %s"
                   % (damage, KHO_CHECKS), timeout=300, mem="1G")
        ok, detail, docs = judge_guest(run, 1, allow_warn=True)
        if not ok:
            return ok, detail
        said = [t for t in kernel_lines(run, "KHO: ").get(2, [])
                if message in t]
        if not said:
            return False, "kernel B did not log '%s' (log %s)" % (message,
                                                                  run.log)
        return True, "B: %s; KHO: %s; %s" % (
            kdiag(docs[2].find("test_kho"), "generation-1"), said[0], detail)
    return test


def test_kho_off(name, default=False):
    """Kernel B boots with kho=off (or, with @default, without kho=, and
    the test kernel has KHO off by default): it must say which, and take
    nothing."""
    says = ("disabled by default (boot with kho=on): ignoring the handover"
            if default else "disabled (kho=off): ignoring the handover")

    def test():
        run = qemu(name, "kho=on khotest.test=kexec-raw khotest.hops=1 "
                   "khotest.next_kho_off=%d kunit.enable=0"
                   % (2 if default else 1), timeout=180)
        ok, detail, docs = judge_guest(run, 1)
        if not ok:
            return ok, detail
        kho = kernel_lines(run, "KHO: ")
        b = docs[2].find("test_kho")
        if not b or not b.skipped:
            return False, "kernel B's test_kho ran: KHO is on (log %s)" % (
                run.log)
        if says not in kho.get(2, []):
            return False, "kernel B did not report the ignored handover " \
                "(log %s)" % run.log
        if any("accepted" in t for t in kho.get(2, [])):
            return False, "kernel B accepted the handover (log %s)" % run.log
        return True, "kernel B: KHO: %s; %s" % (says, detail)
    return test


def test_kho_reject(name, damage, message, extra="", mem="1G", timeout=180):
    """Kernel A damages its handover; kernel B must refuse all of it
    (test_kho judges in A that it did the damage, in B that no handover
    was accepted) in one "rejecting the handover:" line that starts with
    @message, boot on as a normal boot and print no warning.  @extra goes
    on both kernels' command lines."""
    def test():
        run = qemu(name, "kho=on khotest.test=kexec-raw khotest.hops=1 "
                   "kunit.enable=0 test_kho.corrupt=%s test_kho.fill=0 %s"
                   % (damage, extra), timeout=timeout, mem=mem)
        ok, detail, docs = judge_guest(run, 1)
        if not ok:
            return ok, detail
        kho = kernel_lines(run, "KHO: ")
        b = kho.get(2, [])
        said = [t for t in b if t.startswith("rejecting the handover:")]
        if len(said) != 1 or not said[0].startswith(message):
            return False, "kernel B said %s, not one '%s' (log %s)" % (
                said or b, message, run.log)
        if any("accepted" in t for t in b):
            return False, "kernel B accepted it (log %s)" % run.log
        return True, "kernel B: KHO: %s; %s" % (said[0], detail)
    return test


# test_kho.c preserves a little and skips its memory fill: LUO is tested
LUO_CMDLINE = ("kho=on liveupdate=on kunit.enable=0 khotest.test=luo "
               "test_kho.size_mb=1 test_kho.fill=0")


def by_kernel(run, marker):
    """Console lines holding @marker, split by the kernel that printed
    them: {1: [...], 2: [...]}, counted by kernel boot banners (so kernel
    A's last words before the kexec stay A's)."""
    stage, found = 0, {}
    for _, text in run.lines:
        if re.search(r"\] Linux version |^Linux version ", text):
            stage += 1
        i = text.find(marker)
        if i >= 0:
            found.setdefault(max(stage, 1), []).append(
                text[i + len(marker):].strip())
    return found


def luo_output(run):
    """Each stage's Live Update program output, as /init nested it in its
    document (after "# luo run", four spaces in): {stage: [line, ...]}."""
    out, stage, inside = {}, 0, False
    for text in khotest_text(run):
        m = re.match(r"# khotest test=\S+ stage=(\d+)", text)
        if m:
            stage, inside = int(m.group(1)), False
        elif text.startswith("# luo run "):
            inside = True
            out.setdefault(stage, [])
        elif inside and text.startswith("    "):
            out[stage].append(text[4:])
        elif inside and not text.startswith("#"):
            inside = False
    return out


def test_luo(name, prog="luo_kexec", case=None, hops=1, mem="1G",
             timeout=240, damage=None, extra="", enabled=True, says=None,
             smp=1, numa=False, check=None):
    """A Live Update selftest, @prog, run in each of @hops + 1 kernels.

    /init judges each stage's KTAP (the program's, nested) and that the
    KHO root FDT lists the "LUO" subtree (out/fdt in kernel A, and in/fdt
    in kernel B).  With @damage, kernel A damages its LUO handover and
    kernel B must refuse it in one "LUO: " line and boot on.  Each
    kernel must print its live update number (0, 1, ...).  With
    @enabled False (LUO turned off by @extra) there is no FDT or number
    to check, but kernel A must log @says.  @check(run) judges the run
    further, once that passed.
    """
    fdt = ""
    if enabled:
        fdt = " khotest.out_fdt=LUO" + (" khotest.in_fdt=LUO"
                                        if hops and not damage else "")

    def test():
        run = qemu(name, "%s khotest.luo=%s khotest.hops=%d%s%s %s" % (
            LUO_CMDLINE, prog, hops,
            " khotest.luo_case=" + case if case else "", fdt, extra),
            timeout=timeout, mem=mem, smp=smp, numa=numa)
        ok, detail, docs = judge_guest(run, hops)
        if not ok:
            refused = [t for t in by_kernel(run, "LUO: ").get(
                max(docs) if docs else 1, []) if "refusing" in t]
            return False, detail + ("; LUO: " + refused[0] if refused and
                                    not damage else "")
        out = luo_output(run)
        summary = [t.split("# SUMMARY: ", 1)[1]
                   for st in sorted(out) for t in out[st]
                   if "# SUMMARY: " in t]
        luo = by_kernel(run, "LUO: ")
        if not enabled:
            if says and says not in luo.get(1, []):
                return False, "kernel A did not log 'LUO: %s': %s (log " \
                    "%s)" % (says, luo.get(1), run.log)
            if any(t.startswith("live update number") for t in
                   luo.get(1, [])):
                return False, "LUO started: %s (log %s)" % (luo.get(1),
                                                            run.log)
            return True, "; ".join(summary + (["LUO: " + says] if says
                                              else []) + [detail])
        # a refused handover has no number to go on from
        for stage in range(1, 2 if damage else hops + 2):
            number = [t for t in luo.get(stage, [])
                      if t.startswith("live update number ")]
            want = "live update number %d" % (stage - 1)
            if len(number) != 1 or not number[0].startswith(want):
                return False, "kernel %d: %s, expected '%s' (log %s)" % (
                    stage, number, want, run.log)
        if damage:
            if not any(t.endswith("on purpose: " + damage) for t in
                       by_kernel(run, "LUO: test: ").get(1, [])):
                return False, "kernel A did not damage its %s (log %s)" % (
                    damage, run.log)
            said = [t for t in by_kernel(run, "LUO: ").get(2, [])
                    if re.search(r"\b(refusing|rejecting)\b", t, re.I)]
            if len(said) != 1:
                return False, "kernel B logged %d 'LUO: ' lines refusing " \
                    "the damaged %s, expected 1: %s (log %s)" % (
                        len(said), damage,
                        by_kernel(run, "LUO: ").get(2, []), run.log)
            summary.append("B: LUO: " + said[0])
        if check:
            ok, more = check(run)
            if not ok:
                return False, more
            summary.append(more)
        return True, "; ".join(summary + [detail])
    return test


# kho-ten-hops: ten consecutive kexec_file handovers, eleven kernels, each
# handing on every generation of test_kho and LUO before it and its own
TEN_HOPS = 10
TEN_HOPS_MIB = 16


def check_ten_hops(run, hops, docs):
    """The console side of a kho-ten-hops chain (each kernel's own KTAP
    passed): every kernel's live update number and the LUO program's
    account of the memfds it verified and kept; (ok, detail)."""
    out = luo_output(run)
    luo = by_kernel(run, "LUO: ")
    for stage in range(1, hops + 2):
        summary = [t for t in out.get(stage, []) if "# SUMMARY: " in t]
        want = ["stage %d verified %d memfds" % (stage, stage - 1)] \
            if stage > 1 else []
        if stage <= hops:
            want.append("stage %d kept %d memfds" % (stage, stage))
        if len(summary) != len(want) or any(
                w not in t for w, t in zip(want, summary)):
            return False, "stage %d: LUO said %s, expected %s (log %s)" % (
                stage, summary, want, run.log)
        number = [t for t in luo.get(stage, [])
                  if t.startswith("live update number ")]
        if len(number) != 1 or not number[0].startswith(
                "live update number %d" % (stage - 1)):
            return False, "kernel %d: %s (log %s)" % (stage, number,
                                                      run.log)
    last = docs[hops + 1].find("test_kho")
    scratch = [kdiag(docs[s], "scratch").split(",")[1].strip()
               for s in sorted(docs)]
    return True, "%d hops, %d kernels; kernel %d: %s; %s; LUO: %s; " \
        "scratch per kernel: %s" % (
            hops, hops + 1, hops + 1, kdiag(last, "subtree"),
            kdiag(last, "generation-1"),
            [t for t in out[hops + 1] if "# SUMMARY: " in t][0].split(
                "# SUMMARY: ", 1)[1], " ".join(scratch))


def test_ten_hops(name, hops=TEN_HOPS, timeout=720):
    """One chain of @hops kexec -s handovers with test_kho and the LUO
    "hops" case in every kernel.  Kernel N must verify every generation
    1..N-1 of test_kho (its folios byte for byte, both vmalloc areas, the
    kho_array and the kho_block chain, each as kernel G made it) and of
    LUO (one memfd per generation, huge and small folios), hand all of it
    on and add generation N (test_kho and luo_kexec judge that); the
    scratch areas, inherited hop to hop, must be non-zero and never grow,
    in debugfs and in KHO's own log line, and each in/fdt must be the
    previous kernel's out/fdt (/init judges that).
    """
    def test():
        run = qemu(name, "kho=on liveupdate=on kunit.enable=0 "
                   "khotest.test=luo khotest.luo=luo_kexec "
                   "khotest.luo_case=hops khotest.hops=%d "
                   "test_kho.size_mb=%d khotest.out_fdt=test-kho,LUO "
                   "khotest.in_fdt=test-kho,LUO khotest.cma=1 "
                   "khotest.scratch=1" % (hops, TEN_HOPS_MIB),
                   timeout=timeout, mem="1G")
        ok, detail, docs = judge_guest(run, hops)
        if not ok:
            return ok, detail
        ok, more = check_ten_hops(run, hops, docs)
        return ok, "%s; %s" % (more, detail) if ok else more
    return test


def check_kho_stress(run):
    """kho-stress: kernel B's kho_stress judged the record and what came
    over (its KTAP, nested in B's document, passed already: here it must
    be there at all); the program's sessions, memfds and kexec loads all
    happened and stage 2 found the open sessions whole."""
    ks = guest_docs(run)[2].find("kho_stress")
    if not ks:
        return False, "kernel B printed no kho_stress KTAP (log %s)" % (
            run.log)
    out = luo_output(run)
    sa = [t for t in out.get(1, []) if t.startswith("# SUMMARY: A: ")]
    sb = [t for t in out.get(2, []) if t.startswith("# SUMMARY: B: ")]
    ua = re.search(r"(\d+) sessions created, (\d+) closed, (\d+) open "
                   r"\((\d+) memfds\), (\d+) memfds preserved; (\d+) kexec "
                   r"loads, (\d+) unloads", sa[0] if sa else "")
    ub = re.search(r"(\d+) sessions and (\d+) memfds back whole, (\d+) "
                   r"closed names gone; race: (\d+) begun, (\d+) complete, "
                   r"(\d+) refused, (\d+) in flight", sb[0] if sb else "")
    if not ua or not ub:
        return False, "luo_stress summaries: %s %s (log %s)" % (sa, sb,
                                                                 run.log)
    created, closed, opened, open_files, memfds, loads, unloads = \
        map(int, ua.groups())
    back, back_files, gone, begun, complete, refused, flight = \
        map(int, ub.groups())
    if not all((created, closed, opened, memfds, loads, unloads, gone,
                complete)) or (back, back_files) != (opened, open_files):
        return False, "user space: A %s; B %s (log %s)" % (sa[0], sb[0],
                                                           run.log)
    # the child's race sessions must have met the reboot step: one
    # refused, or one in flight when the kexec came
    if not refused + flight or begun != complete + refused + flight:
        return False, "the race sessions did not meet the reboot step: " \
            "%s (log %s)" % (sb[0], run.log)
    # luo_stress's own summaries (in the detail already) carry the rest
    return True, "kho_stress A: %s; B: %s" % (kdiag(ks, "a-counts"),
                                             kdiag(ks, "b-records"))


def test_kho_stress(name):
    """Concurrent preservation up to the kexec (luo_stress and the
    kernel's kho_stress threads); fewer iterations on the debug kernel.
    The threads add and remove subtrees until the kexec, so kernel B's
    in/fdt is not compared with what kernel A's /init saw."""
    def test():
        return test_luo(name, prog="luo_stress",
                        case="debug" if DEBUG else "normal", smp=2,
                        mem="1G", timeout=360, check=check_kho_stress,
                        extra="khotest.in_fdt_crc=0")()
    return test


def test_harness(name, misbehaviour, expect, timeout):
    """The harness itself: a guest that panics or hangs must be caught."""
    def test():
        run = qemu(name, "khotest.test=%s kunit.enable=0" % misbehaviour,
                   timeout=timeout)
        failure = guest_failure(run)
        if run.verdict != expect or not failure or run.log not in failure:
            return False, "expected %s, got %s: %s" % (expect, run.verdict,
                                                       failure)
        return True, "reported as: " + failure
    return test


TESTS = {
    "kunit-example": test_kunit("kunit-example", "example*"),
    "kunit-kho-radix": test_kunit("kunit-kho-radix", "kho_radix*", "kho=on"),
    "kunit-kho-vmalloc": test_kunit("kunit-kho-vmalloc", "kho_vmalloc*",
                                    "kho=on"),
    "kunit-kho-array": test_kunit("kunit-kho-array", "kho_array*", "kho=on"),
    "kunit-kho-block": test_kunit("kunit-kho-block", "kho_block*", "kho=on"),
    "kexec-raw": test_kexec("kexec-raw", "kexec-raw"),
    "kexec-tools": test_kexec("kexec-tools", "kexec-tools"),
    "kexec-load-kho-on": test_kexec("kexec-load-kho-on", "kexec-load",
                                    extra="kho=on"),
    "kho-roundtrip": test_kho("kho-roundtrip"),
    # test_kho's folios lie above the deferred struct page boundary of
    # each node: kernel B must initialise their struct pages
    "kho-deferred": test_kho(
        "kho-deferred", extra="test_kho.node_mb=32 %s %s" % (
            DEFERRED_HUGEPAGES, deferred_checks(32, restored=True)),
        check=check_deferred),
    "kho-kexec-tools": test_kho("kho-kexec-tools", how="kexec-tools",
                                numa=False, smp=1, mem="1G"),
    "kho-off": test_kho_off("kho-off"),
    "kho-off-default": test_kho_off("kho-off-default", default=True),
    "kho-memtest": test_kho_memtest("kho-memtest"),
    "kho-scratch-sizes": test_kho_scratch_sizes("kho-scratch-sizes"),
    "kho-reject-root-magic": test_kho_reject(
        "kho-reject-root-magic", "root-magic",
        "rejecting the handover: bad FDT header"),
    "kho-reject-root-compatible": test_kho_reject(
        "kho-reject-root-compatible", "root-compatible",
        "rejecting the handover: not compatible with kho-v2"),
    "kho-reject-tracker-root": test_kho_reject(
        "kho-reject-tracker-root", "tracker-root",
        "rejecting the handover: bad tracker root"),
    "kho-reject-root-fdt-hole": test_kho_reject(
        "kho-reject-root-fdt-hole", "root-fdt-hole",
        "rejecting the handover: FDT at "),
    "kho-reject-subtree-mmio": test_kho_reject(
        "kho-reject-subtree-mmio", "subtree-mmio",
        "rejecting the handover: subtree "),
    "kho-reject-subtree-unpreserved": test_kho_reject(
        "kho-reject-subtree-unpreserved", "subtree-unpreserved",
        "rejecting the handover: subtree "),
    "kho-reject-table-low-memory": test_kho_reject(
        "kho-reject-table-low-memory", "table-low-memory",
        "rejecting the handover: tracker table "),
    # a DAG: the walk meets a table it has seen before
    "kho-reject-table-dag": test_kho_reject(
        "kho-reject-table-dag", "table-dag",
        "rejecting the handover: tracker table "),
    # 393216 separate blocks need 9 MiB of memblock regions, but the
    # 104 MiB of scratch of a 4 GiB guest hold its 64 MiB memmap, the
    # kernel and the 21 MiB initramfs and little else: kernel B's reserved
    # array cannot grow inside scratch (with 96 MiB, the memmap itself no
    # longer fitted once the initramfs had grown by 4 MiB)
    "kho-reject-many-blocks": test_kho_reject(
        "kho-reject-many-blocks", "many-blocks",
        "rejecting the handover: no memory to reserve the preserved memory",
        extra="kho_scratch=16M,72M,16M test_kho.size_mb=16 "
        "test_kho.scatter_mb=3072", mem="4G", timeout=300),
    "kho-damage-vmalloc-chunk": test_kho_damage(
        "kho-damage-vmalloc-chunk", "vmalloc-chunk", "vmalloc"),
    "kho-damage-array-magic": test_kho_damage(
        "kho-damage-array-magic", "array-magic", "kho_array"),
    "kho-damage-block-cycle": test_kho_damage(
        "kho-damage-block-cycle", "block-cycle", "kho_block"),
    # ten kexec -s hops: every generation of test_kho and LUO carried on
    "kho-ten-hops": test_ten_hops("kho-ten-hops"),
    "luo-api": test_luo("luo-api", prog="liveupdate_api", hops=0,
                        timeout=300),
    "luo-one-memfd": test_luo("luo-one-memfd", case="one_memfd"),
    "luo-sessions": test_luo("luo-sessions", case="sessions"),
    "luo-2000-sessions": test_luo("luo-2000-sessions", case="many_sessions",
                                  timeout=420),
    "luo-1000-files": test_luo("luo-1000-files", case="many_files",
                               timeout=300),
    "luo-sparse": test_luo("luo-sparse", case="sparse"),
    "luo-1gib": test_luo("luo-1gib", case="one_gib", timeout=300),
    "luo-seals-pos": test_luo("luo-seals-pos", case="seals_pos"),
    "luo-late-writes": test_luo("luo-late-writes", case="late_writes"),
    "luo-large-folios": test_luo("luo-large-folios", case="large_folios"),
    # a memfd on each node above its deferred struct page boundary; with
    # 1 GiB nodes, the debug kernel's node 0 can be so short of memory
    # outside scratch that the reboot step moves the memfd off it
    "luo-deferred": test_luo(
        "luo-deferred", case="deferred", mem="3G", smp=2, numa=True,
        extra="%s %s" % (DEFERRED_HUGEPAGES, deferred_checks(64)),
        check=check_deferred),
    "luo-unretrieved": test_luo("luo-unretrieved", case="unretrieved",
                                hops=2, timeout=300),
    "luo-finish-frees": test_luo("luo-finish-frees", case="finish_frees"),
    "luo-represerve": test_luo("luo-represerve", case="represerve", hops=2,
                               timeout=300),
    "luo-freeze-fail": test_luo("luo-freeze-fail", case="freeze_fail"),
    "luo-kexec-load-refused": test_luo("luo-kexec-load-refused",
                                       case="kexec_load_refused"),
    "luo-off": test_luo("luo-off", case="disabled", hops=0,
                        extra="liveupdate=off", enabled=False),
    "luo-kho-off": test_luo("luo-kho-off", case="disabled", hops=0,
                            extra="kho=off", enabled=False,
                            says="kexec handover is off: "
                            "staying off"),
    "luo-damage-compatible": test_luo(
        "luo-damage-compatible", case="damage_compatible",
        damage="compatible"),
    "luo-damage-session-chain": test_luo(
        "luo-damage-session-chain", case="damage_session_chain",
        damage="session-chain"),
    "luo-damage-memfd-header": test_luo(
        "luo-damage-memfd-header", case="damage_memfd_header",
        damage="memfd-header"),
    "kho-stress": test_kho_stress("kho-stress"),
    "harness-panic": test_harness("harness-panic", "panic", "panic", 60),
    "harness-hang": test_harness("harness-hang", "hang", "timeout", 12),
}

# the sites of luo_fault (tools/testing/selftests/liveupdate/luo_fault.c):
# each allocation of each call fails in turn
KHO_FAULT_SITES = ("kho_preserve_folio", "kho_preserve_pages",
                   "kho_preserve_vmalloc", "kho_alloc_preserve",
                   "kho_add_subtree", "kho_array", "kho_block")
LUO_FAULT_SITES = ("luo_create_session", "luo_preserve_fd_small",
                   "luo_preserve_fd_large", "luo_freeze")
FAULT_SITE_RE = re.compile(r"# site (\S+) ops=(\d+) injected=(\d+) "
                           r"enomem=(\d+) absorbed=(\d+) mismatches=(\d+)"
                           r"(?: tables=\d+)?$")
KERNEL_B_RE = re.compile(r"# B: 2 sessions, (\d+) of (\d+) memfds verified, "
                         r"(\d+) absent, A mismatches (\d+)$")


def judge_fault(run, out, sites):
    """(ok, detail) of luo_fault's site lines: every site of @sites ran at
    least one call and had at least one allocation made to fail, each
    injected failure gave -ENOMEM or was absorbed, nothing mismatched."""
    found = {}
    for text in out:
        m = FAULT_SITE_RE.match(text)
        if m:
            found[m.group(1)] = list(map(int, m.groups()[1:]))
    bad = [t for t in out if t.startswith("# mismatch ")]
    if bad:
        return False, "%d mismatches: %s (log %s)" % (len(bad), bad[0],
                                                      run.log)
    for name in sites:
        ops, inj, enomem, absorbed, mism = found.get(name, [0] * 5)
        if not ops or not inj or mism or inj != enomem + absorbed:
            return False, "site %s: %s (log %s)" % (
                name, "ops=%d injected=%d enomem=%d absorbed=%d "
                "mismatches=%d" % (ops, inj, enomem, absorbed, mism)
                if name in found else "no line", run.log)
    inj = sum(found[n][1] for n in sites)
    return True, "%d sites (%d calls), %d injected failures: %d -ENOMEM, " \
        "%d absorbed, 0 mismatches (%s)" % (
            len(sites), sum(found[n][0] for n in sites), inj,
            sum(found[n][2] for n in sites),
            sum(found[n][3] for n in sites),
            ", ".join("%s %d" % (n, found[n][1]) for n in sites))


def test_fault(name, case, hops, sites, timeout):
    """luo_fault (LUO_CASE=@case) on the debug kernel: the Nth allocation
    of each preserve-side call fails, for N = 1, 2, ... (see luo_fault.c);
    with @hops, kernel B must get exactly the sessions that were frozen."""
    def test():
        run = qemu(name, "%s khotest.luo=luo_fault khotest.hops=%d "
                   "khotest.luo_case=%s" % (LUO_CMDLINE, hops, case),
                   timeout=timeout)
        ok, detail, _ = judge_guest(run, hops)
        if not ok:
            return ok, detail
        out = luo_output(run)
        ok, detail = judge_fault(run, out.get(1, []), sites)
        if not ok:
            return ok, detail
        if hops:
            b = [m for m in map(KERNEL_B_RE.match, out.get(2, [])) if m]
            if not b or b[0].group(1) != b[0].group(2) or \
                    b[0].group(3) != "4" or b[0].group(4) != "0":
                return False, "kernel B: %s (log %s)" % (
                    b[0].group(0) if b else "no verification line",
                    run.log)
            detail += "; B verified %s memfds in 2 sessions, 4 absent" % (
                b[0].group(1))
        return True, detail
    return test


# Tests that need the debug kernel (fault injection): check-debug only.
DEBUG_ONLY = {
    "kho-fault": test_fault("kho-fault", "kho", 0, KHO_FAULT_SITES, 300),
    "luo-fault": test_fault("luo-fault", "luo", 1, LUO_FAULT_SITES, 300),
}

# Guests that misbehave, run only when named, to see a failing check.
FAILING = {
    "guest-panic": test_kexec("guest-panic", "panic"),
    "guest-hang": test_kexec("guest-hang", "hang", timeout=20),
}


def _digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def test_key(name):
    """What a guest test's outcome depends on, hashed: the kernel, the
    initramfs (/init, the Live Update programs, kexec-tools), this file
    (every test's command line, QEMU arguments and checks), the test's
    name and the kernel flavour."""
    h = hashlib.sha256()
    for part in (name, "debug" if DEBUG else "test",
                 os.environ.get("KHOTEST_KVM", ""), _digest(BZIMAGE),
                 _digest(INITRD), _digest(os.path.abspath(__file__))):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def _passes_file():
    return os.path.join(LOGS, "passed.json")


def load_passes():
    """{test: {"key": ..., "detail": ...}} of the last passes, or {} when
    everything is to run (KHOTEST_FORCE=1, CI=true)."""
    if os.environ.get("KHOTEST_FORCE", "") not in ("", "0") or \
            os.environ.get("CI", "") == "true":
        return {}
    try:
        with open(_passes_file()) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_passes(passes):
    os.makedirs(LOGS, exist_ok=True)
    with open(_passes_file() + ".tmp", "w") as f:
        json.dump(passes, f, indent=1, sort_keys=True)
    os.rename(_passes_file() + ".tmp", _passes_file())


def run_test(name, passes=None, key=None):
    """Run one test; returns (passed, detail, seconds).  A test in
    @passes with the same @key passed last time with the same inputs: it
    is not run again."""
    start = time.monotonic()
    if passes is not None and key and passes.get(name, {}).get("key") == key:
        return True, "(unchanged since its last pass) " + \
            passes[name].get("detail", ""), 0.0
    try:
        ok, detail = (TESTS.get(name) or DEBUG_ONLY.get(name) or
                      FAILING[name])()
    except Exception as e:      # a broken test is a failed test
        ok, detail = False, "harness error: %r" % e
    return ok, detail, time.monotonic() - start


def native():
    """Run "make -C tools/testing/kho check"; print a line per test.

    Returns (passed, failed).  Its output is one KTAP document (each
    test, or suite of tests, a result at the top level), read by
    parse_ktap() and counted by its leaves; a run without KTAP, or one
    whose exit status says it failed, counts as a failure.
    """
    print("native: make -C tools/testing/kho check", flush=True)
    proc = subprocess.run(["make", "-s", "-C",
                           os.path.join(TOP, "tools/testing/kho"), "check",
                           "FUZZ_SMOKE_SECONDS=3"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "native.log")
    with open(log, "w") as f:
        f.write(proc.stdout)
    log = os.path.relpath(log)
    docs = parse_ktap(proc.stdout.splitlines())
    if not docs:
        print("FAIL native: no KTAP, exit status %d (log %s)" %
              (proc.returncode, log), flush=True)
        return 0, 1
    doc = docs[-1]
    for t in doc.subtests:
        p, f, k = t.counts()
        why = ([] if t.ok or t.skipped else ["not ok"]) + t.failures()
        print("%s %-28s %s%s" % (
            "FAIL" if why else "PASS", t.name, ktap_summary(t),
            "; %s (log %s)" % ("; ".join(why[:3]), log) if why else
            (" # " + t.directive if t.directive else "")), flush=True)
    p, f, k = doc.counts()
    why = doc.failures()
    if why and not f:
        f = 1
    if proc.returncode and not f:
        print("FAIL native: exit status %d (log %s)" % (proc.returncode,
                                                       log), flush=True)
        f = 1
    return p, f


# check-debug starts these first: the longest chains, so that the last
# guests to finish are short ones
DEBUG_FIRST = ("kho-ten-hops", "kho-stress", "luo-fault", "kho-fault",
               "luo-unretrieved", "luo-represerve", "luo-deferred",
               "kho-deferred")


def debug_tests():
    """What check-debug runs by default: the KUnit suites of KHO and every
    KHO and LUO guest test, with KHO on (not the plain kexecs, nor the
    harness's own misbehaving guests), the longest first."""
    names = [n for n in list(TESTS) + list(DEBUG_ONLY)
             if n.startswith(("kunit-kho-", "kho-", "luo-")) or
             n == "kexec-load-kho-on"]
    names = [n for n in names if n not in DEBUG_SKIP]
    return sorted(names, key=lambda n: (DEBUG_FIRST.index(n)
                                        if n in DEBUG_FIRST else
                                        len(DEBUG_FIRST)))


def check(names):
    for n in names:
        if n not in TESTS and n not in FAILING and \
                (n not in DEBUG_ONLY or not DEBUG):
            sys.exit("khotest: no test named %s (see: khotest.py list)" % n)
    passed = failed = 0
    if DEBUG:
        names = names or debug_tests()
    elif not names:
        # the native harness first: it needs no kernel and fails fast
        passed, failed = native()
    build_initramfs()
    names = names or list(TESTS)
    passes = load_passes()
    keys = {n: test_key(n) for n in names if n not in FAILING}
    jobs = max(1, int(os.environ.get("KHOTEST_JOBS", "3")))
    # guests run KHOTEST_JOBS at a time; lines come out in test order
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(run_test, n, passes, keys.get(n))
                   for n in names]
        for n, fut in zip(names, futures):
            ok, detail, secs = fut.result()
            print("%s %-28s %5.1fs  %s" % ("PASS" if ok else "FAIL", n, secs,
                                            detail), flush=True)
            passed += ok
            failed += not ok
            if ok and n in keys and not detail.startswith("(unchanged"):
                passes[n] = {"key": keys[n], "detail": detail}
            elif not ok:
                passes.pop(n, None)
            if n in keys:
                save_passes(passes)
    if DEBUG:
        print(checker_summary())
    print("%d passed, %d failed" % (passed, failed))
    return 0 if passed and not failed else 1


def _orders(text):
    """"0:12,1:13,..." -> [(order, count), ...] without the zeros."""
    pairs = [tuple(map(int, o.split(":"))) for o in text.split(",") if o]
    return [(o, n) for o, n in pairs if n]


def demo_luo():
    """Part 1: a memfd of random bytes kept across a kexec with LUO."""
    mib = 256
    print("demo, part 1 (Live Update): a program in kernel A keeps a %d MiB "
          "memfd of random bytes in a LUO session; /init kexecs with "
          "kexec-tools (kexec -s -l --reuse-cmdline, kexec -e); in kernel "
          "B the program retrieves the memfd and checksums it.  QEMU TCG, "
          "1 CPU, 1 GiB." % mib, flush=True)
    run = qemu("demo-luo", "%s khotest.luo=luo_demo khotest.hops=1"
               % LUO_CMDLINE, timeout=300, mem="1G")
    failure = guest_failure(run)
    if failure:
        print("demo: FAILED: " + failure)
        return 1
    demo = {}
    for stage, lines in luo_output(run).items():
        for text in lines:
            if text.startswith("DEMO: "):
                demo.setdefault(stage, {}).update(_kv(text))
    stats = by_kernel(run, "KHOTEST: luo-stats ")
    luo = by_kernel(run, "LUO: ")
    kernels = [m.group(1) for _, x in run.khotest()
               for m in [re.match(r"init stage=\d+ test=\S+ kernel=(.*)", x)]
               if m]
    t_kexec = t_done = None
    for t, text in run.khotest():
        if text.startswith("kexec stage=1"):
            t_kexec = t
        elif "DEMO: stage=2 status=" in text:
            t_done = t
    a, b = demo.get(1, {}), demo.get(2, {})
    if a.get("status") != "OK" or "status" not in b or t_kexec is None \
            or t_done is None:
        print("demo: FAILED: incomplete run: A %s, B %s (log %s)" % (
            a, b, run.log))
        return 1
    tree = dict(x.split()[:2] for x in stats.get(1, [])
                if x.startswith("tracker_"))
    nbytes = int(a["bytes"])
    print()
    print("kernel A  %s" % kernels[0])
    print("  filled memfd \"demo-data\" with %d MiB of random bytes in "
          "%.1f s, checksum %s" % (nbytes >> 20, float(a["fill_ms"]) / 1000,
                                    a["sum"]))
    print("  kept it in LUO session \"%s\" as token %s "
          "(PRESERVE_FD: %s ms); a child process holds the session fd"
          % (a["session"], a["token"], a["preserve_ms"]))
    for line in luo.get(1, []):
        print("  LUO: " + line)
    # the memfd's folios are preserved at the reboot step, which logs the
    # tracker's size then; debugfs before it shows the rest only
    frozen = [m for x in luo.get(1, []) for m in [re.search(
        r"KHO tracker (\d+) node \+ (\d+) leaf pages", x)] if m]
    if frozen:
        nodes, leaves = map(int, frozen[-1].groups())
        tbytes = (nodes + leaves) * 4096
        print("  KHO tracker at the reboot step, for everything preserved "
              "(the memfd, LUO's records, test_kho's 1 MiB): %d node pages "
              "+ %d leaf pages = %d KiB (%.1f KiB per GiB kept)" % (
                  nodes, leaves, tbytes >> 10,
                  tbytes / 1024 / (nbytes / (1 << 30))))
    elif tree:
        print("  KHO tracker before the reboot step (without the memfd): "
              "%s node pages + %s leaf pages" % (
                  tree.get("tracker_nodes"), tree.get("tracker_leaves")))
    print("  kexec -s -l /boot/bzImage --reuse-cmdline; kexec -e")
    print()
    print("kernel B  %s" % kernels[-1])
    for line in by_kernel(run, "KHO: ").get(2, []):
        print("  KHO: " + line)
    for line in luo.get(2, []):
        print("  LUO: " + line)
    print("  RETRIEVE_SESSION + RETRIEVE_FD: %s ms; read and checksummed "
          "%d MiB in %.1f s: %s (expected %s): %s" % (
              b["retrieve_ms"], int(b.get("bytes", 0)) >> 20,
              float(b["checksum_ms"]) / 1000, b.get("sum"),
              b.get("expected"), b["status"]))
    print()
    t_init = [t for t, x in run.khotest() if x.startswith("init stage=2")]
    print("time from kexec -e in kernel A to the data verified in kernel "
          "B: %.2f s (host clock, TCG)" % (t_done - t_kexec))
    if t_init:
        print("  of which kernel B's boot to /init: %.2f s, the retrieve "
              "and the checksum of %d MiB: the rest" % (
                  t_init[0] - t_kexec, nbytes >> 20))
    print("console log: %s" % run.log)
    return 0 if b["status"] == "OK" else 1


def demo():
    build_initramfs()
    rc = demo_luo()
    print()
    return demo_kho() or rc


def demo_kho():
    print("demo, part 2 (KHO alone): kernel A (kho=on) preserves memory "
          "with lib/test_kho.c, "
          "kexec_file_load()s kernel B and reboots into it; kernel B "
          "restores and verifies everything.  QEMU TCG, 2 CPUs, 2 NUMA "
          "nodes, 2 GiB, KASLR on.", flush=True)
    run = qemu("demo", "kho=on khotest.test=kexec-raw khotest.hops=1 "
               "kunit.enable=0", timeout=300, mem="2G", smp=2, numa=True)
    failure = guest_failure(run)
    if failure:
        print("demo: FAILED: " + failure)
        return 1
    tk = kernel_lines(run, "test_kho: ")
    stats = kernel_lines(run, "KHOTEST: stats ")
    kho = kernel_lines(run, "KHO: ")
    t_kexec = t_b = None
    for t, text in run.khotest():
        if text.startswith("kexec "):
            t_kexec = t
        elif text.startswith("init stage=2"):
            t_b = t
    saved = [_kv(x) for x in tk.get(1, []) if x.startswith("preserved")]
    got = [_kv(x) for x in tk.get(2, []) if x.startswith("RESULT")]
    if not saved or not got or t_kexec is None or t_b is None:
        print("demo: FAILED: incomplete run (log %s)" % run.log)
        return 1
    saved, got = saved[0], got[0]
    tree = dict(x.split()[:2] for x in stats.get(1, [])
                if x.startswith("tracker_"))
    scratch = [x.split() for x in stats.get(1, []) if x.startswith("scratch")]
    kernels = [m.group(1) for _, x in run.khotest()
               for m in [re.match(r"init stage=\d+ test=\S+ kernel=(.*)", x)]
               if m]

    mib = int(saved["bytes"]) / (1 << 20)
    print()
    print("kernel A  %s" % kernels[0])
    for i, addr, size in (x[1:4] for x in scratch):
        print("  scratch area %s: %#x, %d MiB" % (i, int(addr, 16),
                                                 int(size, 16) >> 20))
    print("  preserved %s folios, %.1f MiB of random bytes, per order:"
          % (saved["folios"], mib))
    print("    " + "  ".join("%d:%d" % p for p in _orders(saved["orders"])))
    tbytes = int(tree.get("tracker_bytes", 0))
    print("  tracker: %s node pages + %s leaf pages = %d KiB "
          "(%.1f KiB per GiB for this sparse, random pattern)" % (
              tree.get("tracker_nodes"), tree.get("tracker_leaves"),
              tbytes >> 10, tbytes / 1024 / (mib / 1024)))
    print("  kexec_file_load + reboot(RB_KEXEC)")
    print()
    print("kernel B  %s" % kernels[-1])
    for line in kho.get(2, []):
        print("  KHO: " + line)
    print("  test_kho: %s, %s folios restored and checksummed, then %s MiB "
          "of free memory filled and every folio checked again" % (
              got["status"], got["folios"], got["filled"]))
    print()
    t_acc = [t for t, x in run.lines if "KHO: handover accepted" in x
             and t > t_kexec]
    if t_acc:
        print("time from the kexec call in kernel A to kernel B accepting "
              "the handover: %.2f s (host clock, TCG)" % (t_acc[0] - t_kexec))
    print("time from the kexec call in kernel A to kernel B's /init: "
          "%.2f s (includes test_kho's verification and memory fill)"
          % (t_b - t_kexec))
    print("console log: %s" % run.log)
    return 0 if got["status"] == "PASS" else 1


# --------------------------------------------------------------------------
# bench: what a kexec costs with memory kept, against a plain kexec

BENCH_MEM = "10G"
# TCG runs rep movsb/stosb a byte at a time; without ERMS and FSRM the
# kernel and libc copy and clear memory 8 bytes at a time instead, which
# keeps the cost of touching memory closer to hardware's (and 4-8x lower)
BENCH_CPU = "max,-erms,-fsrm"
BENCH_KHO = "kho=on liveupdate=on test_kho.size_mb=0 test_kho.fill=0"
# name, what kernel A keeps, its command line, luo_bench's LUO_CASE, and
# the most (wall-clock) seconds B gets from kexec -e on
BENCH_SCENARIOS = (
    ("plain kexec (kho=off)", "nothing", "kho=off", "none", 120),
    ("KHO on", "nothing", BENCH_KHO, "none", 120),
    ("dense 1 GiB", "1 GiB in 2 MiB folios", BENCH_KHO, "dense:1024", 180),
    ("dense 4 GiB", "4 GiB in 2 MiB folios", BENCH_KHO, "dense:4096", 240),
    ("scattered 1 GiB", "1 GiB in 4 KiB pages", BENCH_KHO,
     "scattered:1024", 180),
    ("scattered 4 GiB", "4 GiB in 4 KiB pages", BENCH_KHO,
     "scattered:4096", 240),
)
BENCH_KEXEC = "KHOTEST: kexec stage=1 -> stage=2"
# the points of B's boot that are timed, by the console line that marks them
BENCH_MARKS = (("console", re.compile(r"\] Linux version ")),
               ("init", re.compile(r"KHOTEST: init stage=2 ")),
               ("verified", re.compile(r"BENCH: stage=2 status=OK ")))


def bench_one(name, cmdline, case, cap):
    """One A -> B round trip of luo_bench; a dict of what it measured.

    "wall" and "cpu" map each of BENCH_MARKS that B reached to the seconds
    since the kexec line (host clock, and QEMU's CPU time).  A run stopped
    at @cap has "stopped" (the same two figures when it was stopped); one
    that failed otherwise has "error".
    """
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    run = qemu("bench-" + slug, "%s kunit.enable=0 khotest.test=luo "
               "khotest.luo=luo_bench khotest.luo_case=%s khotest.hops=1"
               % (cmdline, case), timeout=1200, mem=BENCH_MEM,
               cpu=BENCH_CPU, cap=(BENCH_KEXEC, cap))
    r = {"log": run.log, "wall": {}, "cpu": {}}
    t0 = c0 = None
    for (t, text), c in zip(run.lines, run.cpu_at):
        if t0 is None:
            if BENCH_KEXEC in text:
                t0, c0 = t, c
            continue
        for mark, pattern in BENCH_MARKS:
            if mark not in r["wall"] and pattern.search(text):
                r["wall"][mark] = t - t0
                r["cpu"][mark] = c - c0
    for stage, lines in luo_output(run).items():
        for text in lines:
            if text.startswith("BENCH: "):
                r.setdefault(stage, {}).update(_kv(text))
    # B's debugfs stats: "<order> <preserved> <incoming>" blocks
    r["blocks"] = {}
    for text in kernel_lines(run, "KHOTEST: stats ").get(2, []):
        w = text.split()
        if len(w) == 3 and w[0].isdigit() and int(w[2]):
            r["blocks"][int(w[0])] = int(w[2])
    b = r.get(2, {})
    failure = guest_failure(run)
    if run.verdict == "timeout" and t0 is not None:
        r["stopped"] = {"wall": run.seconds - t0,
                        "cpu": run.cpu_seconds - c0}
    elif failure:
        r["error"] = failure
    elif t0 is None:
        r["error"] = "kernel A did not kexec (log %s)" % run.log
    elif b.get("status") != "OK" or "verified" not in r["wall"]:
        r["error"] = "kernel B: %s (log %s)" % (
            " ".join("%s=%s" % i for i in b.items()) or "no BENCH line",
            run.log)
    return r


def _secs(r, clock, mark):
    """"12.3 s", "> 180 s" if B was stopped before @mark, or "FAILED"."""
    if mark in r[clock]:
        return "%.1f s" % r[clock][mark]
    if "stopped" in r:
        return "> %.0f s" % r["stopped"][clock]
    return "FAILED"


def _ratio(r, base, clock, mark):
    if mark not in base[clock]:
        return "-"
    if mark in r[clock]:
        return "%.2fx" % (r[clock][mark] / base[clock][mark])
    if "stopped" in r:
        return "> %.1fx" % (r["stopped"][clock] / base[clock][mark])
    return "-"


def _span(r, clock, first, last):
    got = r[clock]
    if first in got and last in got:
        return "%.1f s" % (got[last] - got[first])
    return "-"


def _blocks(blocks):
    """{order: count} -> "262144 x 4K, 516 x 2M, ...", most first."""
    def size(order):
        kib = 4 << order
        return "%dK" % kib if kib < 1024 else "%dM" % (kib >> 10)
    return ", ".join("%d x %s" % (n, size(o))
                     for o, n in sorted(blocks.items(), key=lambda i: -i[1]))


def _runs(b):
    return "%s in %s" % (b["pages"], b["runs"]) if "runs" in b else "-"


def bench():
    """The guest benchmark: one kexec per scenario, two tables."""
    build_initramfs()
    print("guest bench: kexec from kernel A to kernel B with memory kept "
          "in a LUO memfd, one round trip per scenario: QEMU TCG, 1 CPU, "
          "-m %s, -cpu %s; kexec -s -l --reuse-cmdline, kexec -e; load "
          "average %.1f" % (BENCH_MEM, BENCH_CPU, os.getloadavg()[0]),
          flush=True)
    start = time.monotonic()
    results = []
    for name, kept, cmdline, case, cap in BENCH_SCENARIOS:
        began = time.monotonic()
        r = bench_one(name, cmdline, case, cap)
        if "stopped" in r:
            what = "stopped %.0f s after kexec -e%s (log %s)" % (
                r["stopped"]["wall"], "" if "verified" in r["wall"] else
                ", before B verified the data" if "init" in r["wall"] else
                ", before B reached /init", r["log"])
        else:
            what = r.get("error", "verified in B")
        print("  %-22s %5.0f s  %s" % (name, time.monotonic() - began, what),
              flush=True)
        results.append((name, kept, r))
    base = results[0][2]

    print()
    print("| scenario | preserved | kexec -e → B /init | ratio "
          "| kexec -e → verified | ratio |")
    print("|---|---|---|---|---|---|")
    for name, kept, r in results:
        print("| %s | %s | %s | %s | %s | %s |" % (
            name, kept, _secs(r, "cpu", "init"),
            _ratio(r, base, "cpu", "init"), _secs(r, "cpu", "verified"),
            _ratio(r, base, "cpu", "verified")))
    print()
    print("Times: QEMU's CPU time (user + system, all its threads, from "
          "/proc/PID/stat as each console line arrives) from the line /init "
          "prints in kernel A just before it runs kexec -e, to the first "
          "line of kernel B's /init, and to luo_bench's line in B saying "
          "the checksum of every byte kept matched: the work the emulator "
          "did, which other load on the host barely changes (wall clock "
          "is below).  Included: A's LUO reboot step (the memfd's folios "
          "preserved), the kexec (purgatory's SHA-256 of the segments, B's "
          "decompression), B's whole boot with KHO's reservation of the "
          "preserved memory and, to verified, the retrieve and checksum in "
          "B.  Not included: A's fill and kexec -s -l.  \"> N s\": B was "
          "stopped at the scenario's cap before it got there, N s in.  "
          "Ratios are to the plain kexec.")
    goal = dict((n, r) for n, _, r in results)["scattered 4 GiB"]
    met = "init" in goal["cpu"] and \
        goal["cpu"]["init"] <= 1.2 * base["cpu"]["init"]
    print("Goal: scattered 4 GiB at most 1.20x a plain kexec to B's /init; "
          "measured %s: %s." % (_ratio(goal, base, "cpu", "init"),
                                "met" if met else "not met"))
    print()
    print("| scenario | A: prepare | memfd pages in runs, A / B "
          "| KHO blocks in B | → B console | console → /init "
          "| /init → verified | wall clock: → /init, → verified |")
    print("|---|---|---|---|---|---|---|---|")
    for name, kept, r in results:
        a, b = r.get(1, {}), r.get(2, {})
        print("| %s | %s | %s / %s | %s | %s | %s | %s | %s, %s |" % (
            name, "%.1f s" % (float(a["fill_ms"]) / 1000)
            if "fill_ms" in a else "-",
            _runs(a), _runs(b), _blocks(r["blocks"]) or "-",
            _secs(r, "cpu", "console"), _span(r, "cpu", "console", "init"),
            _span(r, "cpu", "init", "verified"), _secs(r, "wall", "init"),
            _secs(r, "wall", "verified")))
    print()
    own = results[1][2]["blocks"]
    print("A: prepare: luo_bench writing the memfd (scattered: allocating "
          "twice the size, punching every other page) and reading its "
          "pagemap, guest clock.  Runs: the memfd's pages in physically "
          "contiguous runs, from /proc/self/pagemap, in A before the reboot "
          "step and in B.  KHO blocks: incoming blocks per size in B's "
          "debugfs stats: the memfd's folios, its folio array (a page per "
          "512 file pages), and what every KHO boot hands over (%.1f MiB "
          "from test_kho and LUO: the \"KHO on\" row).  → B console: from "
          "kexec -e to B's first console line; B's console starts after its "
          "early memory set-up (memblock, KHO's reservation of the "
          "preserved memory, the memory map and page allocator for %s).  "
          "These are QEMU CPU time too; wall clock: the host clock, which "
          "includes waiting for the host's cores."
          % (sum(n << (12 + o) for o, n in own.items()) / (1 << 20),
             BENCH_MEM))
    print("guest bench: %.0f s, load average %.1f at the end; logs: %s" % (
        time.monotonic() - start, os.getloadavg()[0],
        " ".join(r["log"] for _, _, r in results)))
    # a run stopped at its cap is a measurement; any other failure is not
    return 1 if any("error" in r for _, _, r in results) else 0


def main():
    args = sys.argv[1:]
    if not args or args[0] not in ("check", "check-debug", "demo", "bench",
                                   "list"):
        sys.exit(__doc__)
    if args[0] == "check-debug":
        use_debug_kernel()
    if args[0] == "list":
        print("\n".join(list(TESTS) + ["%s (check-debug only)" % n
                                       for n in DEBUG_ONLY] +
                         ["%s (fails on purpose)" % n for n in FAILING]))
        return 0
    if not os.path.exists(BZIMAGE):
        sys.exit("khotest: no kernel at %s (run make kernel)" % BZIMAGE)
    if args[0] == "bench":
        return bench()
    return check(args[1:]) if args[0].startswith("check") else demo()


if __name__ == "__main__":
    sys.exit(main())
