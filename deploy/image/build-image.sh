#!/usr/bin/env bash
# Builds vigil's OCI image without a container engine: a Debian trixie minbase rootfs (debootstrap) with
# Debian's own Node.js 20 (nodejs 20.19, security-supported by Debian; bookworm's is 18, too old for
# vigil), the npm package (`npm pack`: bin, dist, web/dist, the data snapshot) with its production
# dependencies from the lockfile (`npm ci --omit=dev`), and a non-root user. umoci writes the OCI
# layout, skopeo the docker-archive tar (`docker load` / `podman load`).
#
#   deploy/image/build-image.sh [OUT_DIR]          (default build/image; needs root, as debootstrap does)
#
# Writes OUT_DIR/oci (OCI layout, tag = the package version) and OUT_DIR/vigil-image.tar (docker-archive,
# named localhost/vigil:VERSION). VIGIL_IMAGE_ROOTFS=DIR uses DIR as the base instead of running
# debootstrap (it must be `debootstrap --variant=minbase --include=ca-certificates,nodejs trixie DIR`);
# it is copied, never changed. Run `npm run build && npm run build:web` first.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$REPO/build/image}
MIRROR=${VIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
VERSION=$(node -p "require('$REPO/package.json').version")
NAME=localhost/vigil:$VERSION
VIGIL_UID=10001
# The probe for `docker run --health-cmd` / compose / a kubelet exec probe: OCI image configs have no
# healthcheck field, so it travels as a label. Node's own fetch: the image carries no curl.
PROBE="node -e \"fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))\""

die() {
  echo "build-image: $*" >&2
  exit 2
}
need() { command -v "$1" >/dev/null || die "missing $1: install the Debian package $2"; }
need umoci umoci
need skopeo skopeo
need npm npm
need chroot coreutils
[ -n "${VIGIL_IMAGE_ROOTFS:-}" ] || need debootstrap debootstrap
[ -f "$REPO/dist/cli/cli-main.js" ] || die "no dist/: run npm run build first"
[ -f "$REPO/web/dist/index.html" ] || die "no web/dist/: run npm run build:web first"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-image.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# 1. The base: Debian trixie minbase with nodejs and the CA certificates (feed downloads need them).
BASE=${VIGIL_IMAGE_ROOTFS:-}
if [ -z "$BASE" ]; then
  BASE=$WORK/base
  debootstrap --variant=minbase --include=ca-certificates,nodejs trixie "$BASE" "$MIRROR" >&2
fi
[ -x "$BASE/usr/bin/node" ] || die "$BASE has no /usr/bin/node (debootstrap --include=nodejs)"

# 2. The application: what `npm publish` would ship, plus production dependencies from the lockfile.
#    --ignore-scripts: nothing from the registry runs as root here; better-sqlite3's addon is the one
#    native build, handled next.
(cd "$REPO" && npm pack --ignore-scripts --silent --pack-destination "$WORK" >/dev/null)
mkdir -p "$WORK/app"
tar -xzf "$WORK/vigil-$VERSION.tgz" -C "$WORK/app" --strip-components=1
cp "$REPO/package-lock.json" "$WORK/app/"
(cd "$WORK/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >&2)
# The lockfile also declares the dev dependencies, which are not installed: left in, it would make every
# scanner (vigil's too) report the test runner and the linter as part of the image.
# node_modules/.package-lock.json, which npm writes, lists what is installed.
rm "$WORK/app/package-lock.json"

# better-sqlite3's addon: the one the repository's `npm ci` built is reused when it is the same
# better-sqlite3 version for the same Node ABI as the image's Node; otherwise it is compiled here.
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
version_of() { node -p "require('$1/node_modules/better-sqlite3/package.json').version"; }
host_abi=$(node -p process.versions.modules)
image_abi=$(chroot "$BASE" /usr/bin/node -p process.versions.modules)
if [ -f "$REPO/$addon" ] && [ "$host_abi" = "$image_abi" ] &&
  [ "$(version_of "$REPO")" = "$(version_of "$WORK/app")" ]; then
  mkdir -p "$(dirname "$WORK/app/$addon")"
  cp "$REPO/$addon" "$WORK/app/$addon"
else
  (cd "$WORK/app" && npm rebuild better-sqlite3 --foreground-scripts >&2)
fi
# Build-only parts of the addon's package (the SQLite sources, the C++ files): not needed to run.
rm -rf "$WORK/app/node_modules/better-sqlite3/deps" "$WORK/app/node_modules/better-sqlite3/src"

# 3. The root filesystem: the base, minus caches and host files, plus /opt/vigil and the vigil user.
mkdir -p "$OUT"
rm -rf "$OUT/oci" "$OUT/vigil-image.tar"
umoci init --layout "$OUT/oci"
umoci new --image "$OUT/oci:$VERSION"
umoci unpack --image "$OUT/oci:$VERSION" "$WORK/bundle" >/dev/null
ROOT=$WORK/bundle/rootfs
cp -a "$BASE/." "$ROOT/"
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/man/* \
  "$ROOT"/usr/share/info/* "$ROOT/.vigil-complete"
# debootstrap copied this machine's resolver; the container runtime mounts its own.
: >"$ROOT/etc/resolv.conf"
chroot "$ROOT" useradd --uid "$VIGIL_UID" --user-group --home-dir /var/lib/vigil \
  --no-create-home --shell /usr/sbin/nologin vigil
install -d -m 0750 -o "$VIGIL_UID" -g "$VIGIL_UID" "$ROOT/var/lib/vigil"
cp -a "$WORK/app" "$ROOT/opt/vigil"
chown -R root:root "$ROOT/opt/vigil"
ln -s /opt/vigil/bin/vigil.js "$ROOT/usr/local/bin/vigil"
umoci repack --image "$OUT/oci:$VERSION" "$WORK/bundle"

# 4. The config: non-root, `vigil server` listening on all addresses, state in /var/lib/vigil.
umoci config --image "$OUT/oci:$VERSION" \
  --author "vigil" \
  --config.user "$VIGIL_UID:$VIGIL_UID" \
  --config.workingdir /var/lib/vigil \
  --config.env HOME=/var/lib/vigil \
  --config.env NODE_ENV=production \
  --config.entrypoint /usr/local/bin/vigil --config.entrypoint server \
  --config.cmd --host --config.cmd 0.0.0.0 --config.cmd --port --config.cmd 8080 \
  --config.cmd --database --config.cmd sqlite:/var/lib/vigil/vigil.sqlite \
  --config.cmd --db --config.cmd /var/lib/vigil/vulndb.sqlite \
  --config.exposedports 8080/tcp \
  --config.volume /var/lib/vigil \
  --config.label "org.opencontainers.image.title=vigil" \
  --config.label "org.opencontainers.image.version=$VERSION" \
  --config.label "org.opencontainers.image.licenses=Apache-2.0" \
  --config.label "io.vigil.healthcheck=$PROBE"
umoci gc --layout "$OUT/oci"

# 5. The docker-archive tar, for `docker load` / `podman load` and for `vigil scan image docker-archive:`.
skopeo copy --quiet "oci:$OUT/oci:$VERSION" "docker-archive:$OUT/vigil-image.tar:$NAME"
echo "$OUT/oci:$VERSION"
echo "$OUT/vigil-image.tar ($NAME)"
