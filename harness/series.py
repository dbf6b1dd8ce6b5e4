#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The patch series, read from patches/series.

    series.py lint               every file belongs to one patch, and more
    series.py files              the files patches add whole, one a line
    series.py patches            the patch files, in order
    series.py refresh PATCH [-m MSG] FILE...
                                 write PATCH's diff of FILE (edited in
                                 out/linux) against the tree before PATCH
    series.py format [FRAGMENT...]
                                 out/series/: git format-patch of the series
    series.py check FRAGMENT...  git am it onto the pristine base, build
                                 after every patch, checkpatch, compare

patches/series says which file belongs to which patch; see its header.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.environ.get("OUT", os.path.join(TOP, "out"))
BASE = os.path.join(OUT, "base", "linux-source-6.12")
TREE = os.path.join(OUT, "linux")
PATCHES = os.path.join(TOP, "patches")
SERIES = os.path.join(PATCHES, "series")
COVER = os.path.join(PATCHES, "cover-letter")
EXCEPTIONS = os.path.join(PATCHES, "checkpatch-exceptions")
SERIES_OUT = os.path.join(OUT, "series")
SERIES_GIT = os.path.join(OUT, "series-git")
SERIES_AM = os.path.join(OUT, "series-am")
SERIES_BUILD = os.path.join(OUT, "build-series")

# Top-level kernel directories this repository adds files to.
KERNEL_DIRS = ("Documentation", "arch", "drivers", "fs", "include", "init",
               "kernel", "lib", "mm", "tools", "usr")
# Generated files that may lie in those directories and belong to nobody.
JUNK_RE = re.compile(r"(^|/)(__pycache__/|[^/]*\.(o|pyc)$)")


def die(msg):
    print("series: " + msg, file=sys.stderr)
    sys.exit(1)


class Patch:
    def __init__(self, name):
        self.name = name
        self.paths = []         # as written: files, or directories "d/"
        self.files = []         # expanded

    @property
    def path(self):
        return os.path.join(PATCHES, self.name)

    def read(self):
        """(subject, body, {file: diff piece}, [files in order])"""
        if not os.path.exists(self.path):
            return None, "", {}, []
        text = open(self.path).read()
        head, sep, diff = text.partition("\n---\n")
        if not sep or not head.startswith("Subject: "):
            die("%s: not 'Subject: ...', body, '---', diff" % self.name)
        subject, _, body = head[len("Subject: "):].partition("\n")
        pieces = {}
        order = []
        for chunk in re.split(r"(?m)^(?=diff --git )", diff):
            m = re.match(r"diff --git a/(\S+) b/", chunk)
            if not m:
                if chunk.strip():
                    die("%s: text outside a diff: %r" % (self.name,
                                                          chunk[:60]))
                continue
            pieces[m.group(1)] = chunk
            order.append(m.group(1))
        return subject, body.strip("\n"), pieces, order

    def write(self, subject, body, pieces, order):
        with open(self.path + ".tmp", "w") as fp:
            fp.write("Subject: %s\n\n%s\n---\n" % (subject, body))
            for f in order:
                fp.write(pieces[f])
        os.rename(self.path + ".tmp", self.path)

    def message(self):
        subject, body, _, _ = self.read()
        return subject, body


def repo_files(path):
    """Files of this repository under path (a file or a directory)."""
    full = os.path.join(TOP, path)
    if os.path.isfile(full):
        return [path]
    found = []
    for root, dirs, names in os.walk(full):
        dirs.sort()
        for n in sorted(names):
            f = os.path.relpath(os.path.join(root, n), TOP)
            if not JUNK_RE.search(f):
                found.append(f)
    return found


def load():
    author = None
    patches = []
    for n, line in enumerate(open(SERIES), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("author: "):
            author = line[len("author: "):].strip()
        elif line.startswith("\t"):
            if not patches:
                die("series:%d: a file before any patch" % n)
            patches[-1].paths.append(line.strip())
        elif re.match(r"^\d{4}-[\w.,-]+\.patch$", line):
            patches.append(Patch(line))
        else:
            die("series:%d: cannot read %r" % (n, line))
    if not author or not re.match(r"^[^<>]+ <[^<>@\s]+@[^<>\s]+>$", author):
        die("patches/series needs 'author: NAME <EMAIL>'")
    for p in patches:
        for path in p.paths:
            p.files += repo_files(path.rstrip("/"))
    return author, patches


def lint(patches):
    errors = []
    owner = {}
    for p in patches:
        if not os.path.exists(p.path):
            errors.append("%s is listed but missing" % p.name)
        for path in p.paths:
            if not os.path.exists(os.path.join(TOP, path.rstrip("/"))):
                errors.append("%s: %s does not exist" % (p.name, path))
            elif path.endswith("/") != os.path.isdir(os.path.join(TOP, path)):
                errors.append("%s: %s: a directory is written with a "
                              "trailing /, a file without" % (p.name, path))
        for f in p.files:
            if f in owner:
                errors.append("%s is in %s and in %s" % (f, owner[f], p.name))
            owner[f] = p.name
    listed = {p.name for p in patches}
    for name in sorted(os.listdir(PATCHES)):
        if name.endswith(".patch") and name not in listed:
            errors.append("patches/%s is not in patches/series" % name)
    for d in KERNEL_DIRS:
        for f in repo_files(d) if os.path.isdir(os.path.join(TOP, d)) else []:
            if f not in owner:
                errors.append("%s belongs to no patch in patches/series" % f)
    for p in patches:
        for f in p.read()[3]:
            if f in owner:
                errors.append("%s's diff touches %s, which %s adds whole" %
                              (p.name, f, owner[f]))
    for e in errors:
        print("series: " + e, file=sys.stderr)
    if errors:
        sys.exit(1)


def patched(content, piece, f):
    """content (None: no such file) with one diff piece of f applied."""
    tmp = tempfile.mkdtemp()
    try:
        path = os.path.join(tmp, f)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if content is not None:
            open(path, "w").write(content)
        r = subprocess.run(["patch", "-d", tmp, "-p1", "-F0", "-s", "-N",
                            "--no-backup-if-mismatch", "-r", "-"],
                           input=piece.encode(), stdout=subprocess.DEVNULL)
        if r.returncode:
            return False
        return open(path).read() if os.path.exists(path) else None
    finally:
        shutil.rmtree(tmp)


def merged(mine, old, new, f):
    """mine with the change from old to new: a three-way merge, or, where
    the change only touches lines next to what differs between mine and
    old (the merge calls that a conflict), the change as a diff applied
    with fuzz.  None if neither works."""
    tmp = tempfile.mkdtemp()
    try:
        names = []
        for i, text in enumerate((mine, old, new)):
            names.append(os.path.join(tmp, str(i)))
            open(names[-1], "w").write(text)
        r = subprocess.run(["git", "merge-file", "-p", "-q"] + names,
                           capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout
        edit = piece_of(f, old, new)
        r = subprocess.run(["patch", "-F3", "-s", "-r", "-", "-o", "-", names[0]],
                           input=edit, capture_output=True, text=True)
        return r.stdout if r.returncode == 0 else None
    finally:
        shutil.rmtree(tmp)


def piece_of(f, old, new):
    """The diff --git piece from old to new (None: no file), or ''."""
    if old == new:
        return ""
    tmp = tempfile.mkdtemp()
    try:
        a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        for path, text in ((a, old), (b, new)):
            open(path, "w").write(text or "")
        r = subprocess.run(["diff", "-up",
                            "--label", "a/" + f if old is not None
                            else "/dev/null",
                            "--label", "b/" + f if new is not None
                            else "/dev/null",
                            a if old is not None else "/dev/null",
                            b if new is not None else "/dev/null"],
                           capture_output=True, text=True)
    finally:
        shutil.rmtree(tmp)
    head = "diff --git a/%s b/%s\n" % (f, f)
    if old is None:
        head += "new file mode 100644\n"
    elif new is None:
        head += "deleted file mode 100644\n"
    return head + r.stdout


def refresh(patches, name, msg, files):
    """Put the edit of each file in out/linux into patch name: the patches
    from name on get the file as they had it plus the edit (a three-way
    merge), and each of them that touches the file is diffed again, so
    that the later ones still apply."""
    names = [p.name for p in patches]
    if name not in names:
        die("%s is not in patches/series" % name)
    k = names.index(name)
    reads = [list(p.read()) for p in patches]
    if msg:
        text = open(msg).read().strip("\n")
        subject, _, body = text.partition("\n")
        reads[k][0], reads[k][1] = subject, body.strip("\n")
    if reads[k][0] is None:
        die("%s does not exist yet: give its message with -m FILE" % name)
    owned = {f for p in patches for f in p.files}
    touched = {k}
    for f in files:
        if f in owned:
            die("%s is added whole by a patch: edit it in the repository" %
                f)
        base = os.path.join(BASE, f)
        cur = open(base).read() if os.path.exists(base) else None
        states = []
        for p, r in zip(patches, reads):
            if f in r[2]:
                cur = patched(cur, r[2][f], f)
                if cur is False:
                    die("%s's change to %s does not apply" % (p.name, f))
            states.append(cur)
        tree = os.path.join(TREE, f)
        edited = open(tree).read() if os.path.exists(tree) else None
        last = states[-1]
        new = states[:k]
        for j in range(k, len(patches)):
            if states[j] == last:
                new.append(edited)
            elif None in (states[j], last, edited):
                die("%s: a file that comes and goes: edit %s by hand" %
                    (f, patches[j].name))
            else:
                m = merged(states[j], last, edited, f)
                if m is None:
                    die("your edit of %s overlaps what %s changes in it: "
                        "put it there (or refresh with that patch)" %
                        (f, patches[j].name))
                new.append(m)
        prev = open(base).read() if os.path.exists(base) else None
        if k:
            prev = new[k - 1]
        for j in range(k, len(patches)):
            if j == k or f in reads[j][2]:
                piece = piece_of(f, prev, new[j])
                if piece:
                    if f not in reads[j][2]:
                        reads[j][3].append(f)
                    reads[j][2][f] = piece
                elif f in reads[j][2]:
                    del reads[j][2][f]
                    reads[j][3].remove(f)
                touched.add(j)
            prev = new[j]
        print("series: %s: %s put into %s" % (f, "edit" if edited != last
                                              else "no edit", name))
    for j in sorted(touched):
        patches[j].write(*reads[j])
        if j != k:
            print("series: %s diffed again" % patches[j].name)


def git(cwd, *args, **kw):
    return subprocess.run(["git", "-C", cwd] + list(args), check=True,
                          text=True, **kw)


def identity_env(author):
    name, email = re.match(r"^(.*) <(.*)>$", author).groups()
    date = subprocess.run(["git", "-C", TOP, "log", "-1", "--format=%cI"],
                          capture_output=True, text=True).stdout.strip()
    env = dict(os.environ)
    env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email,
               GIT_AUTHOR_DATE=date or "2026-01-01T00:00:00Z",
               GIT_COMMITTER_DATE=date or "2026-01-01T00:00:00Z")
    return env


def base_repo():
    """out/series-git: a git repository of the pristine base, tag 'base'."""
    if os.path.exists(os.path.join(SERIES_GIT, ".git", "refs", "tags",
                                   "base")):
        return
    print("series: making a git repository of the pristine base (once)")
    shutil.rmtree(SERIES_GIT, ignore_errors=True)
    subprocess.run(["cp", "-a", BASE, SERIES_GIT], check=True)
    env = identity_env("base <base@localhost>")
    git(SERIES_GIT, "init", "-q")
    git(SERIES_GIT, "config", "core.autocrlf", "false")
    git(SERIES_GIT, "add", "-A", "-f")
    git(SERIES_GIT, "commit", "-q", "-m",
        "linux-source-6.12 " + open(os.path.join(TOP,
                                                 "BASE_VERSION")).read().strip(),
        env=env)
    git(SERIES_GIT, "tag", "base")


def base_version():
    ver = {}
    for line in open(os.path.join(BASE, "Makefile")):
        m = re.match(r"^(VERSION|PATCHLEVEL|SUBLEVEL) = (\d+)", line)
        if m:
            ver[m.group(1)] = m.group(2)
    return "%s.%s.%s" % (ver["VERSION"], ver["PATCHLEVEL"], ver["SUBLEVEL"])


def format_series(author, patches):
    base_repo()
    env = identity_env(author)
    w = SERIES_GIT
    git(w, "checkout", "-q", "-f", "-B", "series", "base")
    git(w, "clean", "-q", "-fdx")
    for p in patches:
        for f in p.files:
            dst = os.path.join(w, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(TOP, f), dst)
        subject, body, pieces, order = p.read()
        diff = "".join(pieces[f] for f in order)
        if diff:
            r = subprocess.run(["git", "-C", w, "apply", "--index", "-"],
                               input=diff, text=True)
            if r.returncode:
                die("%s does not apply" % p.name)
        if p.files:
            git(w, "add", "-f", *p.files)
        msg = "%s\n\n%s\n\nSigned-off-by: %s\n" % (subject, body, author)
        git(w, "commit", "-q", "-F", "-", input=msg, env=env)
    shutil.rmtree(SERIES_OUT, ignore_errors=True)
    cover = open(COVER).read().strip("\n")
    cover_subject, _, cover_body = cover.partition("\n")
    cover_body = cover_body.strip("\n").replace(
        "@BASE@", "%s (Debian linux-source-6.12 %s)" %
        (base_version(), open(os.path.join(TOP, "BASE_VERSION")).read().strip()))
    git(w, "format-patch", "-q", "--binary", "--cover-letter", "--no-signature",
        "--zero-commit", "-o", SERIES_OUT, "base..series", env=env)
    cl = os.path.join(SERIES_OUT, "0000-cover-letter.patch")
    text = open(cl).read()
    text = text.replace("*** SUBJECT HERE ***", cover_subject)
    text = text.replace("*** BLURB HERE ***", cover_body)
    open(cl, "w").write(text)
    print("series: %d patches and a cover letter in %s" %
          (len(patches), os.path.relpath(SERIES_OUT, TOP)))


def kmake(*args, log=None):
    cmd = ["make", "-C", SERIES_AM, "O=" + SERIES_BUILD, "CC=ccache gcc",
           "-j" + os.environ.get("JOBS", "3")] + list(args)
    r = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    return r.returncode == 0


def configure(fragments, extra=()):
    """tinyconfig + the fragments (+ extra lines), as make kernel does; a
    symbol the tree does not have yet drops out."""
    os.makedirs(SERIES_BUILD, exist_ok=True)
    cfg = os.path.join(SERIES_BUILD, ".config")
    with open(os.devnull, "w") as null:
        if not kmake("tinyconfig", log=null):
            return False
        frags = [os.path.join(TOP, f) for f in fragments]
        if extra:
            e = os.path.join(SERIES_BUILD, "extra.config")
            open(e, "w").write("".join(x + "\n" for x in extra))
            frags.append(e)
        r = subprocess.run([os.path.join(SERIES_AM,
                                         "scripts/kconfig/merge_config.sh"),
                            "-m", "-O", SERIES_BUILD, cfg] + frags,
                           cwd=SERIES_AM, stdout=null, stderr=null)
        return r.returncode == 0 and kmake("olddefconfig", log=null)


def config_has(sym):
    return ("CONFIG_%s=y\n" % sym) in open(os.path.join(SERIES_BUILD,
                                                        ".config")).read()


def checkpatch_findings(checkpatch, path):
    """checkpatch --strict's findings in the mail at path: (those that
    fail, those patches/checkpatch-exceptions accepts)."""
    accept = []
    for line in open(EXCEPTIONS):
        if line.strip() and not line.startswith("#"):
            kind, f, why = line.split(None, 2)
            accept.append((kind, f))
    r = subprocess.run([checkpatch, "--strict", "-q", "--show-types", path],
                       cwd=SERIES_AM, capture_output=True, text=True)
    found, excepted = [], []
    for block in r.stdout.strip().split("\n\n"):
        m = re.match(r"(?:ERROR|WARNING|CHECK):(\w+):", block)
        if not m:
            if block.strip() and not block.startswith(("total:", "NOTE:")):
                found.append(block)
            continue
        f = re.search(r"FILE: (\S+?):\d+:", block)
        if (m.group(1), f.group(1) if f else None) in accept:
            excepted.append(block.splitlines()[0])
        else:
            found.append(block)
    if r.returncode and not found and not excepted:
        found.append("checkpatch.pl failed: " + r.stderr.strip())
    return found, excepted


def check_series(author, patches, fragments):
    format_series(author, patches)
    mails = sorted(f for f in os.listdir(SERIES_OUT) if f.endswith(".patch")
                   and not f.startswith("0000-"))
    failures = []
    # a pristine copy of the base to apply the mails to
    if os.path.exists(SERIES_AM):
        subprocess.run(["git", "-C", SERIES_GIT, "worktree", "remove",
                        "--force", SERIES_AM], stderr=subprocess.DEVNULL)
        shutil.rmtree(SERIES_AM, ignore_errors=True)
    git(SERIES_GIT, "worktree", "prune")
    git(SERIES_GIT, "worktree", "add", "-q", "--detach", SERIES_AM, "base")
    env = identity_env(author)
    logs = os.path.join(OUT, "logs-series")
    os.makedirs(logs, exist_ok=True)
    checkpatch = os.path.join(TREE, "scripts", "checkpatch.pl")
    am_failed = False
    for mail in mails:
        path = os.path.join(SERIES_OUT, mail)
        r = subprocess.run(["git", "-C", SERIES_AM, "am", "-q", path],
                           env=env, capture_output=True, text=True)
        if r.returncode:
            print("FAIL %s: git am: %s" % (mail, r.stdout + r.stderr))
            failures.append(mail)
            am_failed = True
            break
        found, excepted = checkpatch_findings(checkpatch, path)
        log_name = os.path.join(logs, mail[:4] + ".log")
        with open(log_name, "w") as log:
            built = configure(fragments) and kmake("bzImage", log=log)
        what = []
        if found:
            what.append("checkpatch:\n" + "\n".join(found))
        for e in excepted:
            print("     checkpatch, accepted (patches/checkpatch-exceptions): "
                  + e)
        if not built:
            what.append("build failed, see " + os.path.relpath(log_name,
                                                                TOP))
        kho = "KHO built" if config_has("KEXEC_HANDOVER") else "KHO not in " \
            "the tree yet"
        print("%s %s (%s)" % ("FAIL" if what else "ok  ", mail, kho),
              flush=True)
        for w in what:
            print("     " + w.replace("\n", "\n     "))
        if what:
            failures.append(mail)
    if not am_failed:
        for label, extra in (("CONFIG_KEXEC_HANDOVER=n",
                              ["# CONFIG_KEXEC_HANDOVER is not set"]),
                             ("CONFIG_LIVEUPDATE=n",
                              ["# CONFIG_LIVEUPDATE is not set"])):
            log_name = os.path.join(logs, label + ".log")
            with open(log_name, "w") as log:
                ok = configure(fragments, extra) and kmake("bzImage", log=log)
            sym = label.split("=")[0][len("CONFIG_"):]
            if ok and config_has(sym):
                ok = False
            print("%s build with %s" % ("ok  " if ok else "FAIL", label),
                  flush=True)
            if not ok:
                failures.append(label)
        # leave the build folder configured as the last patch has it
        configure(fragments)
        # (checkpatch leaves its camelcase cache in a git tree)
        r = subprocess.run(["diff", "-rq", "--exclude=.git",
                            "--exclude=.checkpatch-camelcase.*", SERIES_AM,
                            TREE],
                           capture_output=True, text=True)
        differ = []
        for line in r.stdout.splitlines():
            m = re.match(r"Only in %s(/.*)?: (.*)" % re.escape(TREE), line)
            if m:
                rel = os.path.join((m.group(1) or "/")[1:], m.group(2))
                ig = subprocess.run(["git", "-C", SERIES_AM, "check-ignore",
                                     "-q", rel])
                if ig.returncode == 0:
                    continue
            differ.append(line)
        if differ or r.returncode > 1:
            print("FAIL the tree after the last patch differs from "
                  "out/linux:\n     " + "\n     ".join(differ[:20]))
            failures.append("tree")
        else:
            print("ok   the tree after the last patch equals out/linux")
    n = len(mails) + 3
    print("%d passed, %d failed" % (n - len(failures), len(failures)))
    return not failures


def main(argv):
    if len(argv) < 2:
        die(__doc__.strip())
    author, patches = load()
    cmd = argv[1]
    if cmd == "lint":
        lint(patches)
    elif cmd == "files":
        for p in patches:
            for f in p.files:
                print(f)
    elif cmd == "patches":
        for p in patches:
            print(p.name)
    elif cmd == "refresh":
        args = argv[2:]
        msg = None
        if len(args) >= 3 and args[1] == "-m":
            msg = args[2]
            args = args[:1] + args[3:]
        if len(args) < 2:
            die("usage: series.py refresh PATCH [-m MSG] FILE...")
        refresh(patches, os.path.basename(args[0]), msg, args[1:])
        lint(patches)
    elif cmd == "format":
        lint(patches)
        format_series(author, patches)
    elif cmd == "check":
        lint(patches)
        sys.exit(0 if check_series(author, patches, argv[2:]) else 1)
    else:
        die("unknown command %r" % cmd)


if __name__ == "__main__":
    main(sys.argv)
