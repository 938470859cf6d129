# Shared settings for ebuild's machine scripts. Sourced, never run.
# The state folder holds only what these scripts start (pid files, logs, configs), so that a
# stop never touches a process somebody else started.
EBUILD_DEV_STATE="${EBUILD_DEV_STATE:-/var/lib/ebuild-dev}"
# Absolute: the daemons started from it run in / (see buildkit-up and registry).
case "$EBUILD_DEV_STATE" in /*) ;; *) EBUILD_DEV_STATE="$PWD/$EBUILD_DEV_STATE" ;; esac
# Images made locally for tests and examples: no registry on the internet is reachable.
EBUILD_FIXTURE_IMAGE="${EBUILD_FIXTURE_IMAGE:-ebuild-fixture/busybox:latest}"
# Busybox plus Docker Engine, for WITH DOCKER tests (scripts/fixture-images).
EBUILD_DIND_IMAGE="${EBUILD_DIND_IMAGE:-ebuild-fixture/dind:latest}"
# The fixture busybox for one architecture (Docker's store holds one platform per name), so that
# `FROM ebuild-fixture/busybox-$TARGETARCH:latest` builds for linux/amd64 and linux/arm64 alike.
fixture_image_for() { printf 'ebuild-fixture/busybox-%s:latest\n' "$1"; }

say() { printf '[ebuild-dev] %s\n' "$*" >&2; }
die() { printf '[ebuild-dev] error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

docker_answers() {
  timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# The URI of the machine's Debian source that serves bookworm itself (not -security); fails if none.
debian_mirror() {
  local sources=/etc/apt/sources.list.d/debian.sources uri=""
  if [ -f "$sources" ]; then
    uri=$(awk '/^URIs:/{u=$2} /^Suites:/{ for (i=2;i<=NF;i++) if ($i=="bookworm") {print u; exit} }' "$sources")
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] && printf '%s\n' "$uri"
}
