#!/usr/bin/env python3
"""Which pages of a running hearth executable are resident, per ELF section.

    python3 .ci/exe_pages.py PID     (as root: /proc/PID/pagemap)

Prints resident MB per section (.text, .rodata, .gopclntab, ...) and how the
resident pages group into 64 KB aligned windows. When every window is full
(16 of 16 pages), the kernel's fault-around (64 KB by default) mapped the
page-cache pages around each fault, so the executable's share of RSS is
64 KB times the number of distinct windows the process touched, not the
bytes it read. Used for issue 16 item 6 (idle memory); read-only.
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
win = collections.Counter(pg // 65536 for pg in present)
full = sum(1 for c in win.values() if c == 16)
print(f'{len(present) * 4 / 1024:.1f} MB in {len(win)} 64 KB windows, {full} of them full')
