/**
 * The commands that change process settings and the image config: ENV, WORKDIR, USER, ENTRYPOINT,
 * CMD, LABEL, EXPOSE, VOLUME, HEALTHCHECK, HOST. Their arguments are expanded like Dockerfile's.
 */
import { EbuildError } from "../../errors.js";
import type {
  CmdCommand,
  CommandLine,
  EntrypointCommand,
  EnvCommand,
  ExposeCommand,
  HealthcheckCommand,
  HostCommand,
  LabelCommand,
  UserCommand,
  VolumeCommand,
  WorkdirCommand,
} from "../../parser/ast.js";
import { setConfigEnv, type TargetBuild } from "../build-state.js";
import { expandNow, expandOne, expandSplit, positionOf, type ExpansionScope } from "../expansion.js";
import { then, type Maybe } from "../maybe.js";
import { mkdir } from "../llb/index.js";

/** ENV: each pair goes into the state (for RUN) and the image config; the key is not expanded. */
export function planEnv(build: TargetBuild, command: EnvCommand, scope: ExpansionScope, setVariable: (name: string, value: string) => void, from = 0): Maybe<void> {
  for (let i = from; i < command.pairs.length; i++) {
    const pair = command.pairs[i]!;
    const value = expandNow(pair.value, scope);
    if (typeof value !== "string") {
      return value.then((ready) => {
        setEnv(build, pair.key.text, ready, setVariable);
        return planEnv(build, command, scope, setVariable, i + 1);
      });
    }
    setEnv(build, pair.key.text, value, setVariable);
  }
  return undefined;
}

function setEnv(build: TargetBuild, name: string, value: string, setVariable: (name: string, value: string) => void): void {
  build.state = build.state.env(name, value);
  setConfigEnv(build.config, name, value);
  setVariable(name, value);
}

/** WORKDIR: creates the directory (as Docker does) and makes it the working directory. */
export function planWorkdir(build: TargetBuild, command: WorkdirCommand, scope: ExpansionScope): Maybe<void> {
  return then(expandNow(command.path, scope), (path) => {
    const next = build.state.dir(path);
    build.state = next.file(mkdir(next.getDir(), 0o755, { parents: true }), { description: `WORKDIR ${path}` });
    build.config.WorkingDir = next.getDir();
  });
}

export function planUser(build: TargetBuild, command: UserCommand, scope: ExpansionScope): Maybe<void> {
  return then(expandNow(command.user, scope), (user) => {
    build.state = build.state.user(user);
    build.config.User = user;
  });
}

/** Shell form runs through `/bin/sh -c`, exec form as written. */
function argv(line: CommandLine): string[] {
  return line.form === "exec" ? [...(line.exec ?? [])] : ["/bin/sh", "-c", line.text];
}

export function planEntrypoint(build: TargetBuild, command: EntrypointCommand): void {
  build.config.Entrypoint = argv(command);
  // Docker: a new ENTRYPOINT resets a CMD inherited from the base image.
  delete build.config.Cmd;
}

export function planCmd(build: TargetBuild, command: CmdCommand): void {
  build.config.Cmd = argv(command);
}

export async function planLabel(build: TargetBuild, command: LabelCommand, scope: ExpansionScope): Promise<void> {
  const labels = { ...build.config.Labels };
  for (const pair of command.pairs) labels[await expandOne(pair.key, scope)] = await expandOne(pair.value, scope);
  build.config.Labels = labels;
}

/** EXPOSE: each argument may expand to several ports (Docker's word splitting); `/tcp` is the default. */
export async function planExpose(build: TargetBuild, command: ExposeCommand, scope: ExpansionScope): Promise<void> {
  const ports = { ...build.config.ExposedPorts };
  for (const word of command.ports) {
    for (const port of await expandSplit(word, scope)) {
      if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/.test(port)) {
        throw new EbuildError("semantic", `EXPOSE ${port} is not a port`, { at: positionOf(word.range), hint: "write PORT or PORT/tcp, PORT/udp" });
      }
      ports[port.includes("/") ? port : `${port}/tcp`] = {};
    }
  }
  build.config.ExposedPorts = ports;
}

export async function planVolume(build: TargetBuild, command: VolumeCommand, scope: ExpansionScope): Promise<void> {
  const volumes = { ...build.config.Volumes };
  const paths = command.form === "exec" ? (command.exec ?? []) : (await Promise.all(command.paths.map((w) => expandSplit(w, scope)))).flat();
  for (const path of paths) volumes[path] = {};
  build.config.Volumes = volumes;
}

/** HEALTHCHECK: durations in nanoseconds, as the image config stores them. */
export async function planHealthcheck(build: TargetBuild, command: HealthcheckCommand, scope: ExpansionScope): Promise<void> {
  if (command.none || command.command === undefined) {
    build.config.Healthcheck = { Test: ["NONE"] };
    return;
  }
  const duration = async (word: typeof command.flags.interval) => (word === undefined ? undefined : parseDuration(await expandOne(word, scope), word));
  const retries = command.flags.retries === undefined ? undefined : Number(await expandOne(command.flags.retries, scope));
  const check: NonNullable<TargetBuild["config"]["Healthcheck"]> = { Test: ["CMD-SHELL", command.command.text] };
  const interval = await duration(command.flags.interval);
  const timeout = await duration(command.flags.timeout);
  const startPeriod = await duration(command.flags.startPeriod);
  const startInterval = await duration(command.flags.startInterval);
  if (interval !== undefined) check.Interval = interval;
  if (timeout !== undefined) check.Timeout = timeout;
  if (startPeriod !== undefined) check.StartPeriod = startPeriod;
  if (startInterval !== undefined) check.StartInterval = startInterval;
  if (retries !== undefined) check.Retries = retries;
  build.config.Healthcheck = check;
}

const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go-style durations (`30s`, `1m30s`, `500ms`) in nanoseconds. */
export function parseDuration(text: string, word?: { range: Parameters<typeof positionOf>[0] }): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new EbuildError("semantic", `"${text}" is not a duration`, { at: word === undefined ? undefined : positionOf(word.range), hint: "write e.g. 30s, 1m30s or 500ms" });
  }
  return parts.reduce((sum, p) => sum + Math.round(Number(p[1]) * units[p[2]!]!), 0);
}

/** HOST: an /etc/hosts entry for the following RUNs of the target. */
export async function planHost(build: TargetBuild, command: HostCommand, scope: ExpansionScope): Promise<void> {
  build.state = build.state.addExtraHost(await expandOne(command.hostname, scope), await expandOne(command.ip, scope));
}
