/**
 * The shell scripts WITH DOCKER mounts into its RUN: `run.sh` starts a dockerd of the container's
 * own, loads the images, starts the compose services, runs the command, stops the services and
 * dockerd whatever the command did, exiting with the command's code; `setup.sh` is what this Buildfile asks for (images
 * to load, compose files), written by the planner with every value shell-quoted.
 */
import type { PlannedImageConfig } from "../plan.js";

/** Where the scripts are mounted (read-only); nothing under it stays in the layer. */
export const scriptDir = "/.ebuild/with-docker";
/** Where the n-th image's root filesystem is mounted (read-only). */
export const imageDir = (n: number): string => `/.ebuild/image/${n}`;
/** dockerd's data root: a tmpfs (or a cache mount with --cache-id), so no image data enters the layer. */
export const dataRoot = "/var/lib/docker";

/**
 * `run.sh "$@"`. dockerd's exec root, pid file and log live on the data root mount; the socket is
 * the default /var/run/docker.sock (so `docker` needs no flags) and is removed when dockerd stops.
 * dockerd's iptables rules stay off (--iptables=false): a build container may not have iptables,
 * and nothing needs NAT here. Without them a compose service is still reached from the command on
 * a published port (docker-proxy listens on the RUN's 127.0.0.1) or at its container address
 * (the bridge is in the RUN's network namespace); service names resolve between containers
 * through dockerd's embedded DNS, which needs the iptables program in the image all the same (it
 * redirects port 53 inside each container's namespace).
 */
export const runScript = `#!/bin/sh
# ebuild WITH DOCKER: "$@" runs next to a dockerd of its own, then dockerd stops.
set -u
here=${scriptDir}
state=${dataRoot}/.ebuild
dockerd_pid=""
compose_started=""
# What dockerd and containerd create outside the data root; removed after them unless it was there.
leftovers="/opt/containerd /run/containerd /run/docker /var/run/docker /etc/docker"
created=""
for path in $leftovers; do [ -e "$path" ] || created="$created $path"; done
[ -e /opt ] || created_opt=yes

say() { echo "WITH DOCKER: $*" >&2; }

stop_dockerd() {
  if [ -n "$compose_started" ]; then
    compose_started=""
    ebuild_compose down --remove-orphans >"$state/compose-down.log" 2>&1 ||
      { cat "$state/compose-down.log" >&2; say "docker compose down failed (its output is above)"; }
  fi
  if [ -n "$dockerd_pid" ]; then
    kill -TERM "$dockerd_pid" 2>/dev/null
    wait "$dockerd_pid" 2>/dev/null
    dockerd_pid=""
  fi
  rm -f /var/run/docker.sock
  for path in $created; do rm -rf "$path"; done
  if [ -n "\${created_opt:-}" ]; then rmdir /opt 2>/dev/null; fi
}
trap stop_dockerd EXIT
trap 'exit 130' INT TERM

fail() {
  say "$*"
  exit 1
}

for tool in dockerd docker tar; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "$tool is not in this image's PATH; start the target FROM an image with Docker Engine (dockerd, the docker CLI) and tar"
done

# On cgroup v2 the container's processes leave the root cgroup first, so dockerd may hand the
# controllers down to its containers (a cgroup with processes cannot enable them for children).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p /sys/fs/cgroup/ebuild-init 2>/dev/null &&
    for p in $(cat /sys/fs/cgroup/cgroup.procs); do echo "$p" > /sys/fs/cgroup/ebuild-init/cgroup.procs 2>/dev/null; done
  for c in $(cat /sys/fs/cgroup/cgroup.controllers); do echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; done
fi

mkdir -p "$state"
dockerd --data-root ${dataRoot} --exec-root "$state/exec" --pidfile "$state/dockerd.pid" \\
  --host unix:///var/run/docker.sock --iptables=false --ip6tables=false >"$state/dockerd.log" 2>&1 &
dockerd_pid=$!

# A deadline by the clock: "sleep 0.1" is an error in images whose sleep takes whole seconds only.
deadline=$(($(date +%s) + 120))
until docker version >/dev/null 2>&1; do
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    dockerd_pid=""
    tail -n 20 "$state/dockerd.log" >&2
    fail "dockerd stopped before it answered (its last lines are above)"
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    tail -n 20 "$state/dockerd.log" >&2
    fail "dockerd did not answer within 120 s (its last lines are above)"
  fi
  sleep 0.1 2>/dev/null || sleep 1
done

# ebuild_load DIR NAME [--change INSTRUCTION]...: the root filesystem at DIR as image NAME.
ebuild_load() {
  dir=$1
  name=$2
  shift 2
  tar -C "$dir" -cf - . | docker import "$@" - "$name" >/dev/null || fail "loading $name into dockerd failed"
}

# ebuild_tag NAME OTHER: a second name for a loaded image.
ebuild_tag() {
  docker tag "$1" "$2" || fail "tagging $1 as $2 failed"
}

. "$here/setup.sh"

# Compose as Earthly runs it: the docker CLI plugin, else docker-compose, in the project "default"
# (so its network is default_default) unless the RUN's environment names another; up -d before the
# command (the services run, not necessarily ready), down --remove-orphans after it.
if [ -n "\${compose_files:-}" ]; then
  if docker compose version >/dev/null 2>&1; then
    compose_cli="docker compose"
  elif docker-compose version >/dev/null 2>&1; then
    compose_cli=docker-compose
  else
    fail "--compose needs Docker Compose (the docker compose plugin, or docker-compose) in the image"
  fi
  export COMPOSE_PROJECT_NAME="\${COMPOSE_PROJECT_NAME:-default}"
  compose_started=yes
  eval "ebuild_compose up -d \${compose_services:-}" || fail "docker compose up failed"
fi

"$@"
code=$?
stop_dockerd
exit "$code"
`;

/** An image for the inner dockerd: a root filesystem (mounted at `imageDir(n)`) and its config. */
export interface DockerImage {
  /** The first name is imported, the others tagged. */
  names: readonly string[];
  config: PlannedImageConfig;
}

/** `setup.sh`: one ebuild_load per image, and the compose command when --compose is given. */
export function setupScript(images: readonly DockerImage[], composeFiles: readonly string[], services: readonly string[]): string {
  const lines = ["# What this WITH DOCKER asks for; sourced by run.sh."];
  images.forEach((image, n) => {
    const [first, ...others] = image.names;
    if (first === undefined) return;
    const changes = configChanges(image.config).flatMap((change) => ["--change", change]);
    lines.push(["ebuild_load", imageDir(n), first, ...changes].map(shellQuote).join(" "));
    for (const other of others) lines.push(["ebuild_tag", first, other].map(shellQuote).join(" "));
  });
  if (composeFiles.length > 0) {
    const files = composeFiles.flatMap((file) => ["-f", file]);
    lines.push(`compose_files=${shellQuote(composeFiles.join(" "))}`);
    lines.push(`compose_services=${shellQuote(services.map(shellQuote).join(" "))}`);
    // $compose_cli is unquoted on purpose: "docker compose" is two words.
    lines.push(`ebuild_compose() { $compose_cli ${files.map(shellQuote).join(" ")} "$@"; }`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The image config as Dockerfile instructions for `docker import --change`, which accepts ENV,
 * ENTRYPOINT, CMD, WORKDIR, USER, EXPOSE, LABEL and VOLUME. ENTRYPOINT comes before CMD because
 * setting an entrypoint clears the command.
 */
export function configChanges(config: PlannedImageConfig): string[] {
  const changes: string[] = [];
  for (const entry of config.Env ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0) changes.push(`ENV ${entry.slice(0, eq)}=${dockerfileQuote(entry.slice(eq + 1))}`);
  }
  if (config.Entrypoint !== undefined) changes.push(`ENTRYPOINT ${JSON.stringify(config.Entrypoint)}`);
  if (config.Cmd !== undefined) changes.push(`CMD ${JSON.stringify(config.Cmd)}`);
  if (config.WorkingDir) changes.push(`WORKDIR ${config.WorkingDir}`);
  if (config.User) changes.push(`USER ${config.User}`);
  for (const port of Object.keys(config.ExposedPorts ?? {})) changes.push(`EXPOSE ${port}`);
  for (const [key, value] of Object.entries(config.Labels ?? {})) changes.push(`LABEL ${dockerfileQuote(key)}=${dockerfileQuote(value)}`);
  const volumes = Object.keys(config.Volumes ?? {});
  if (volumes.length > 0) changes.push(`VOLUME ${JSON.stringify(volumes)}`);
  return changes;
}

/** A double-quoted Dockerfile word: backslash, quote and `$` escaped, so nothing is expanded. */
function dockerfileQuote(value: string): string {
  return `"${value.replace(/[\\"$]/g, "\\$&")}"`;
}

/** A single-quoted POSIX shell word. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
