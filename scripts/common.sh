# Shared settings for ebuild's machine scripts. Sourced, never run.
# The state folder holds only what these scripts start (pid files, logs, configs), so that a
# stop never touches a process somebody else started.
EBUILD_DEV_STATE="${EBUILD_DEV_STATE:-/var/lib/ebuild-dev}"
# Images made locally for tests and examples: no registry on the internet is reachable.
EBUILD_FIXTURE_IMAGE="${EBUILD_FIXTURE_IMAGE:-ebuild-fixture/busybox:latest}"
# Busybox plus Docker Engine, for WITH DOCKER tests (scripts/fixture-images).
EBUILD_DIND_IMAGE="${EBUILD_DIND_IMAGE:-ebuild-fixture/dind:latest}"

say() { printf '[ebuild-dev] %s\n' "$*" >&2; }
die() { printf '[ebuild-dev] error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

docker_answers() {
  timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}
