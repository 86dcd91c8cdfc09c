#!/usr/bin/env bash
# Fails when a binary needs a newer glibc or libstdc++ than RHEL 9 has (glibc 2.34, GLIBCXX_3.4.29).
# Usage: packaging/check-glibc.sh BINARY     (prints the highest versions it found)
set -euo pipefail
bin=$1
max_glibc=${MAX_GLIBC:-2.34}
max_glibcxx=${MAX_GLIBCXX:-3.4.29}
syms=$(objdump -T "$bin")

# highest PREFIX version the binary references, e.g. highest GLIBC -> 2.34
highest() { grep -oE "\($1_[0-9.]+\)|\b$1_[0-9.]+\b" <<<"$syms" | grep -oE '[0-9][0-9.]*' | sort -uV | tail -1; }
too_new() { [[ -n $2 && $(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -1) != "$1" ]]; }

glibc=$(highest GLIBC)
glibcxx=$(highest GLIBCXX)
echo "$bin: highest GLIBC_${glibc:-none}, GLIBCXX_${glibcxx:-none} (limits $max_glibc, $max_glibcxx)"
status=0
if too_new "$max_glibc" "$glibc"; then
    echo "error: symbols newer than GLIBC_$max_glibc (RHEL 9 cannot load the binary):" >&2
    awk -v max="$max_glibc" '{ for (i = 1; i <= NF; i++) if ($i ~ /^\(?GLIBC_[0-9]/) { v = $i; gsub(/[()]|GLIBC_/, "", v); print v, $NF } }' <<<"$syms" \
        | while read -r v name; do too_new "$max_glibc" "$v" && echo "  $name GLIBC_$v" >&2; done
    status=1
fi
if too_new "$max_glibcxx" "$glibcxx"; then
    echo "error: symbols newer than GLIBCXX_$max_glibcxx:" >&2
    grep -E "GLIBCXX_[0-9.]+" <<<"$syms" | while read -r line; do
        v=$(grep -oE 'GLIBCXX_[0-9.]+' <<<"$line" | cut -d_ -f2)
        too_new "$max_glibcxx" "$v" && echo "  $line" >&2
    done
    status=1
fi
# The README promises one binary that needs only glibc and the C++ runtime: name anything else.
needed=$(objdump -p "$bin" | awk '/NEEDED/ {print $2}' | grep -vxE 'libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|ld-linux-x86-64\.so\.2' || true)
if [[ -n $needed ]]; then
    echo "warning: $bin also needs $(echo $needed | tr ' ' ','): the packages depend on it, the tarball assumes it is installed" >&2
fi
exit "$status"
