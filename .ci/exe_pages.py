#!/usr/bin/env python3
"""Which pages of a running hearth executable are resident, per ELF section.

    python3 .ci/exe_pages.py PID     (as root: /proc/PID/pagemap)

Prints resident MB per section (.text, .rodata, .gopclntab, ...) and how the
resident pages group into 64 KB aligned windows. When every window is full
(16 of 16 pages), the kernel's fault-around (64 KB by default) mapped the
page-cache pages around each fault, so the executable's share of RSS is
64 KB times the number of distinct windows the process touched, not the
bytes it read. Used for issue 16 item 6 (idle memory); read-only.

.gopclntab is split further into its tables (function names, pc-value
tables, function table): after main() it grows mostly by the runtime
reading stack maps and pc-value tables of the functions on goroutine stacks
(collections, stack growth), and by runtime.FuncForPC (echo names every
route's handler). perf record -e exceptions:page_fault_user -g attributes
each 64 KB window to the code that touched it first.

The executable's share also depends on the page cache, not only on the
process: on this kernel (6.18, ext4 large folios) a fault may map a whole
large folio. The same binary measured 29 MB of file pages when evicted
before the start (python3 -c "import os; fd=os.open(BIN, os.O_RDONLY);
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)"), 29-34 MB as `go
build` left it, and 41 MB after `cat BIN >/dev/null` had read it in large
folios. Compare builds side by side in the same state.
"""
import collections, os, struct, subprocess, sys

pid = int(sys.argv[1])
exe = os.readlink(f'/proc/{pid}/exe')
secs = []
for line in subprocess.run(['readelf', '-SW', exe], capture_output=True, text=True, check=True).stdout.splitlines():
    p = line.replace('[ ', '[').split()
    if len(p) > 5 and p[0].startswith('[') and p[1].startswith('.'):
        addr, size = int(p[3], 16), int(p[5], 16)
        if addr:
            secs.append((p[1], addr, addr + size))
present = []
with open(f'/proc/{pid}/pagemap', 'rb') as pm:
    for line in open(f'/proc/{pid}/maps'):
        p = line.split()
        if len(p) < 6 or p[5] != exe:
            continue
        a, b = (int(x, 16) for x in p[0].split('-'))
        pm.seek(a // 4096 * 8)
        data = pm.read((b - a) // 4096 * 8)
        for i in range(0, len(data), 8):
            if struct.unpack('<Q', data[i:i + 8])[0] >> 63 & 1:
                present.append(a + i // 8 * 4096)
by = collections.Counter()
for pg in present:
    by[next((s[0] for s in secs if s[1] <= pg < s[2]), 'other')] += 4096
for name, n in by.most_common():
    print(f'{name:14s} {n / 2**20:6.1f} MB')
pcln = next((sc for sc in secs if sc[0] == '.gopclntab'), None)
if pcln:
    # Go 1.18+ pclntab header: magic, pad, minLC, ptrSize, then nfunc,
    # nfiles, textStart, funcnameOffset, cuOffset, filetabOffset,
    # pctabOffset, pclnOffset (offsets from the table's start).
    with open(f'/proc/{pid}/mem', 'rb') as mem:
        mem.seek(pcln[1])
        hdr = mem.read(72)
    offs = struct.unpack('<8Q', hdr[8:72])
    parts = [('  names', offs[3]), ('  cu+files', offs[4]), ('  pc-values', offs[6]), ('  functab', offs[7]), ('', pcln[2] - pcln[1])]
    tab = collections.Counter()
    for pg in present:
        if pcln[1] <= pg < pcln[2]:
            off = pg - pcln[1]
            tab[next(parts[i][0] for i in range(len(parts) - 1) if parts[i][1] <= off < parts[i + 1][1] or i == len(parts) - 2)] += 4096
    for name, _ in parts[:-1]:
        print(f'{name:14s} {tab[name] / 2**20:6.1f} MB  (of .gopclntab)')
win = collections.Counter(pg // 65536 for pg in present)
full = sum(1 for c in win.values() if c == 16)
print(f'{len(present) * 4 / 1024:.1f} MB in {len(win)} 64 KB windows, {full} of them full')
