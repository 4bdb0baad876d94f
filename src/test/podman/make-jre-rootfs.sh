#!/usr/bin/env bash
# Builds the root filesystem of a small JRE base image for the container smoke test (ContainerImageIT), because
# no image registry can be reached from the test machines. It mirrors the public default RUNTIME_IMAGE
# (eclipse-temurin JRE): the JRE lives at /opt/java/openjdk with its base CDS archive (which the image's AppCDS
# archive builds on), and /bin/sh exists for the image's ENTRYPOINT.
# Import it with PATH and JAVA_HOME set, as the test does:
#   make-jre-rootfs.sh /tmp/jre-rootfs.tar [JDK_HOME]     (JDK_HOME: the JDK whose jlink to use)
#   podman import --change 'ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin' /tmp/jre-rootfs.tar localhost/jre:17
# Prints nothing but errors; exits non-zero when any step fails.
set -euo pipefail
out="$1"
java_home="${2:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}}"
[ -x "$java_home/bin/jlink" ] || { echo "no jlink in $java_home/bin (need a JDK, not a JRE)" >&2; exit 1; }
root="$(mktemp -d -t wstest-jre-root-XXXXXX)"
trap 'rm -rf "$root"' EXIT

"$java_home/bin/jlink" \
  --add-modules java.base,java.logging,java.management,java.naming,java.xml,java.sql,jdk.unsupported,jdk.crypto.ec,jdk.management,java.net.http \
  --strip-debug --no-header-files --no-man-pages --generate-cds-archive --output "$root/opt/java/openjdk"

# The JRE and the shell are dynamically linked: copy every shared library they load, at the same path.
binaries=("$root/opt/java/openjdk/bin/java" /bin/dash)
while IFS= read -r -d '' lib; do binaries+=("$lib"); done < <(find "$root/opt/java/openjdk/lib" -name '*.so' -print0)
for lib in $(ldd "${binaries[@]}" 2>/dev/null | grep -o '/[^ :]*' | sort -u); do
  case "$lib" in "$root"*) continue ;; esac
  [ -e "$lib" ] && cp -L --parents "$lib" "$root"
done
# The dynamic loader is named by an absolute path inside the binaries; make sure the usual ones exist.
for loader in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
  [ -e "$loader" ] && cp -L --parents "$loader" "$root"
done

mkdir -p "$root/bin" "$root/tmp" "$root/etc"
chmod 1777 "$root/tmp"
cp /bin/dash "$root/bin/dash"
ln -s dash "$root/bin/sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"

tar -C "$root" -cf "$out" .
