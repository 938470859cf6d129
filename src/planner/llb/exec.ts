/** Exec ops: RUN a command in a container assembled from mounts. */
import { EbuildError } from "../../errors.js";
import { CacheSharingOpt, MountType, NetMode, SecurityMode as SecurityModeMessage, type OpMetadata } from "../../gen/pb/ops_pb.js";
import { opMetadata, writeConstraints, writePlatform, type OpOptions } from "./constraints.js";
import { cleanPath, joinPath, isAbsPath } from "./paths.js";
import { mkdir } from "./file.js";
import { State, type NetworkMode, type SecurityMode } from "./state.js";
import type { SourceLocation } from "./sourcemap.js";
import { addInput, writeInputs, type EncodeContext, type OpInput, type Output, type Vertex } from "./vertex.js";
import type { WireWriter } from "./wire.js";
import type { WrittenOp } from "./written-op.js";

/** The PATH a command gets when its state sets none (what BuildKit uses on Linux). */
export const defaultPathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** One string for every RUN that sets the default PATH. */
const defaultPathEntry = `PATH=${defaultPathEnv}`;

/** How concurrent builds share a cache mount. */
export type CacheSharing = "shared" | "private" | "locked";

/** A filesystem mounted into the container at `target`. */
export type Mount =
  /** Another state's filesystem (or the part under `selector`); writable unless `readonly`. */
  | { readonly type: "bind"; readonly target: string; readonly from: State; readonly readonly?: boolean; readonly selector?: string }
  /**
   * A persistent cache directory identified by `id`, kept by the daemon between builds. Without
   * `from` it starts as an empty directory with `mode` (default 0o755) owned by `uid`:`gid`.
   */
  | {
      readonly type: "cache";
      readonly target: string;
      readonly id: string;
      readonly sharing?: CacheSharing;
      readonly from?: State;
      readonly selector?: string;
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
    }
  /** An in-memory filesystem, `size` bytes at most (0: the daemon's default). */
  | { readonly type: "tmpfs"; readonly target: string; readonly size?: number }
  /** A secret file from the client's session. */
  | {
      readonly type: "secret";
      readonly target: string;
      readonly id: string;
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
      readonly optional?: boolean;
    }
  /** The client's SSH agent socket `id` (default "default"); SSH_AUTH_SOCK points at the first one. */
  | {
      readonly type: "ssh";
      readonly target: string;
      readonly id?: string;
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
      readonly optional?: boolean;
    };

/** The socket path of the n-th SSH mount when none is given (BuildKit's default). */
export function defaultSshTarget(n: number): string {
  return `/run/buildkit/ssh_agent.${n}`;
}

/** A secret exposed to the command as the environment variable `name`. */
export interface SecretEnv {
  readonly id: string;
  readonly name: string;
  readonly optional?: boolean;
}

/** Proxy settings passed to the command without taking part in its cache key. */
export interface ProxyEnv {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly ftpProxy?: string;
  readonly noProxy?: string;
  readonly allProxy?: string;
}

/** What to run and how; unset settings come from the state. */
export interface RunOptions extends OpOptions {
  /** The argv, or a shell command run with `/bin/sh -c`. */
  readonly args: readonly string[] | string;
  /** Extra variables for this command only (later entries win). */
  readonly env?: Readonly<Record<string, string>>;
  /** The working directory; relative paths resolve against the state's. */
  readonly cwd?: string;
  readonly user?: string;
  readonly mounts?: readonly Mount[];
  readonly secretEnv?: readonly SecretEnv[];
  readonly network?: NetworkMode;
  readonly security?: SecurityMode;
  readonly hostname?: string;
  readonly proxyEnv?: ProxyEnv;
}

interface ResolvedMount {
  readonly mount: Mount;
  readonly source: Output | undefined;
  /** The output index this mount's result has, or -1 when it has none. */
  readonly output: number;
}

/** The result of a RUN: its root filesystem and the writable mounts it changed. */
export class ExecState {
  readonly #base: State;
  readonly #vertex: ExecVertex;

  /** @internal use {@link State.run}. */
  constructor(base: State, vertex: ExecVertex) {
    this.#base = base;
    this.#vertex = vertex;
  }

  /** The root filesystem after the command, with the base state's settings. */
  root(): State {
    return this.getMount("/");
  }

  /** The filesystem of the mount at `target` after the command; a read-only mount is its source unchanged. */
  getMount(target: string): State {
    const found = this.#vertex.mounts.find((m) => m.mount.target === cleanPath(target));
    if (found?.mount.type === "bind" && found.mount.readonly) return found.mount.from;
    if (!found || found.output < 0) {
      throw new EbuildError("internal", `RUN has no mount at ${target} with a result (cache, tmpfs and secret mounts have none)`);
    }
    return this.#base.withOutput(found.output === 0 ? this.#vertex : { vertex: this.#vertex, index: found.output });
  }
}

/** Builds the exec vertex of `state.run(options)`. */
export function run(base: State, options: RunOptions): ExecState {
  const rootMount: Mount = { type: "bind", target: "/", from: base };
  // Most RUNs mount nothing but the root: nothing to clean, check or sort.
  if (options.mounts === undefined || options.mounts.length === 0) {
    return new ExecState(base, new ExecVertex(base, options, [{ mount: rootMount, source: base.output, output: 0 }]));
  }
  const mounts = [rootMount, ...(options.mounts ?? []).map(withCacheSource)].map(
    (m) => ({ ...m, target: cleanPath(m.target) }) as Mount,
  );
  const seen = new Set<string>();
  for (const m of mounts) {
    if (seen.has(m.target)) throw new EbuildError("semantic", `RUN mounts ${m.target} twice`, { hint: "give each mount its own target" });
    seen.add(m.target);
  }
  // Outputs are numbered in target order, as BuildKit does; "/" sorts first so root is output 0.
  const ordered = mounts.filter((m) => m.type !== "secret" && m.type !== "ssh").sort((a, b) => compare(a.target, b.target));
  let next = 0;
  const resolved: ResolvedMount[] = ordered.map((mount) => {
    const source = mount.type === "bind" || mount.type === "cache" ? mount.from?.output : undefined;
    const writable = mount.type === "bind" && !mount.readonly;
    return { mount, source, output: writable ? next++ : -1 };
  });
  // Secrets, then SSH sockets, come after the filesystem mounts, as in BuildKit's client.
  const sockets = [...mounts.filter((m) => m.type === "secret"), ...mounts.filter((m) => m.type === "ssh")];
  const all = [...resolved, ...sockets.map((mount) => ({ mount, source: undefined, output: -1 }))];
  return new ExecState(base, new ExecVertex(base, options, all));
}

/**
 * Gives a cache mount without a source an empty directory as its source, as BuildKit's Dockerfile
 * frontend does: Docker 26's BuildKit keeps a cache mount between builds only when it has a source.
 */
function withCacheSource(mount: Mount): Mount {
  if (mount.type !== "cache" || mount.from) return mount;
  const owner = mount.uid !== undefined || mount.gid !== undefined ? { user: mount.uid ?? 0, group: mount.gid ?? 0 } : undefined;
  const from = State.scratch().file(mkdir("/cache", mount.mode ?? 0o755, owner ? { chown: owner } : {}), {
    description: "[internal] settings cache mount permissions",
  });
  return { ...mount, from, selector: "/cache" };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const netModes: Record<NetworkMode, NetMode> = { sandbox: NetMode.SANDBOX, host: NetMode.HOST, none: NetMode.NONE };
const securityModes: Record<SecurityMode, SecurityModeMessage> = {
  sandbox: SecurityModeMessage.SANDBOX,
  insecure: SecurityModeMessage.INSECURE,
};
const sharingModes: Record<CacheSharing, CacheSharingOpt> = {
  shared: CacheSharingOpt.SHARED,
  private: CacheSharingOpt.PRIVATE,
  locked: CacheSharingOpt.LOCKED,
};

/** A RUN, with its settings resolved from the base state when it was created. */
export class ExecVertex implements Vertex, Output {
  written: WrittenOp | undefined = undefined;
  readonly args: readonly string[];
  readonly env: string[];
  readonly cwd: string;
  readonly user: string;
  readonly network: NetworkMode;
  readonly security: SecurityMode;
  readonly hostname: string;
  readonly extraHosts: readonly { host: string; ip: string }[];

  constructor(
    readonly base: State,
    readonly options: RunOptions,
    readonly mounts: readonly ResolvedMount[],
  ) {
    this.args = typeof options.args === "string" ? ["/bin/sh", "-c", options.args] : options.args;
    if (this.args.length === 0) throw new EbuildError("semantic", "RUN needs a command");
    // The state's variables, each the RUN sets replaced by its value and moved after them.
    const own = options.env ?? {};
    const env: string[] = [];
    let ssh = false;
    let path = false;
    for (const [k, v] of base.envList()) {
      if (Object.hasOwn(own, k)) continue;
      env.push(`${k}=${v}`);
      ssh ||= k === "SSH_AUTH_SOCK";
      path ||= k === "PATH";
    }
    for (const k in own) {
      env.push(`${k}=${own[k]}`);
      ssh ||= k === "SSH_AUTH_SOCK";
      path ||= k === "PATH";
    }
    const sshMount = mounts.find((m) => m.mount.type === "ssh");
    if (sshMount && !ssh) env.push(`SSH_AUTH_SOCK=${sshMount.mount.target}`);
    // Set here rather than relying on the daemon's exec.meta.setsdefaultpath, like BuildKit's client without caps.
    if (!path) env.push(defaultPathEntry);
    this.env = env;
    const dir = base.getDir();
    this.cwd = options.cwd === undefined ? dir : isAbsPath(options.cwd) ? joinPath(options.cwd) : joinPath("/", dir, options.cwd);
    this.user = options.user ?? base.getUser();
    this.network = options.network ?? base.getNetwork();
    this.security = options.security ?? base.getSecurity();
    this.hostname = options.hostname ?? base.getHostname();
    this.extraHosts = base.getExtraHosts();
  }

  /** Output 0 (the root, "/" sorting first) is the vertex itself, as a file op is (see FileVertex). */
  get vertex(): ExecVertex {
    return this;
  }

  get index(): number {
    return 0;
  }

  inputs(): Output[] {
    const outputs: Output[] = [];
    for (const m of this.mounts) if (m.source) outputs.push(m.source);
    return outputs;
  }

  write(w: WireWriter, ctx: EncodeContext): void {
    const inputs: OpInput[] = [];
    const mountInputs = this.mounts.map(({ source }) => (source ? addInput(inputs, ctx.inputOf(source)) : -1));
    writeInputs(w, inputs);
    w.begin(2); // Op.exec
    w.begin(1); // ExecOp.meta
    for (const arg of this.args) w.stringItem(1, arg);
    for (const env of this.env) w.stringItem(2, env);
    w.string(3, this.cwd).string(4, this.user);
    const proxy = this.options.proxyEnv;
    if (proxy) {
      w.begin(5)
        .string(1, proxy.httpProxy ?? "")
        .string(2, proxy.httpsProxy ?? "")
        .string(3, proxy.ftpProxy ?? "")
        .string(4, proxy.noProxy ?? "")
        .string(5, proxy.allProxy ?? "")
        .end();
    }
    for (const h of this.extraHosts) w.begin(6).string(1, h.host).string(2, h.ip).end();
    w.string(7, this.hostname).bool(11, true).end();
    this.mounts.forEach(({ mount, output }, i) => writeMount(w, mount, mountInputs[i]!, output));
    w.int(3, netModes[this.network]).int(4, securityModes[this.security]);
    for (const s of this.options.secretEnv ?? []) w.begin(5).string(1, s.id).string(2, s.name).bool(3, s.optional ?? false).end();
    w.end();
    writePlatform(w, this.options.platform ?? this.base.getPlatform() ?? ctx.platform);
    writeConstraints(w, this.options.workerConstraints);
  }

  metadata(): OpMetadata {
    const caps = new Set(["exec.meta.base"]);
    for (const { mount } of this.mounts) addMountCaps(mount, caps);
    if (this.network !== "sandbox") caps.add("exec.meta.network");
    if (this.security !== "sandbox") caps.add("exec.meta.security");
    if (this.options.proxyEnv) caps.add("exec.meta.proxyenv");
    if (this.options.secretEnv?.length) caps.add("exec.mount.secret").add("exec.secretenv");
    return opMetadata(this.options, caps);
  }

  locations(): readonly SourceLocation[] {
    return this.options.location ? [this.options.location] : [];
  }
}

/** The capabilities a mount needs. */
function addMountCaps(mount: Mount, caps: Set<string>): void {
  switch (mount.type) {
    case "bind":
      caps.add("exec.mount.bind");
      if (mount.selector) caps.add("exec.mount.selector");
      return;
    case "cache":
      caps.add("exec.mount.cache").add("exec.mount.cache.sharing");
      if (mount.selector) caps.add("exec.mount.selector");
      return;
    case "tmpfs":
      caps.add("exec.mount.tmpfs");
      if (mount.size) caps.add("exec.mount.tmpfs.size");
      return;
    case "secret":
      caps.add("exec.mount.secret");
      return;
    case "ssh":
      caps.add("exec.mount.ssh");
      return;
  }
}

/** Writes ExecOp.mounts (field 2): one pb.Mount. */
function writeMount(w: WireWriter, mount: Mount, input: number, output: number): void {
  w.begin(2);
  switch (mount.type) {
    case "bind":
      w.int(1, input).string(2, mount.selector ?? "").string(3, mount.target).int(4, output).bool(5, mount.readonly ?? false).int(6, MountType.BIND);
      break;
    case "cache":
      w.int(1, input).string(2, mount.selector ?? "").string(3, mount.target).int(4, output).int(6, MountType.CACHE);
      w.begin(20).string(1, mount.id).int(2, sharingModes[mount.sharing ?? "shared"]).end();
      break;
    case "tmpfs":
      w.int(1, input).string(3, mount.target).int(4, output).int(6, MountType.TMPFS);
      w.begin(19).int(1, mount.size ?? 0).end();
      break;
    case "secret":
      // BuildKit's client leaves input and output of secret mounts at 0: they are not read.
      w.string(3, mount.target).int(6, MountType.SECRET);
      w.begin(21).string(1, mount.id).int(2, mount.uid ?? 0).int(3, mount.gid ?? 0).int(4, mount.mode ?? 0o400).bool(5, mount.optional ?? false).end();
      break;
    case "ssh":
      w.string(3, mount.target).int(6, MountType.SSH);
      w.begin(22).string(1, mount.id ?? "default").int(2, mount.uid ?? 0).int(3, mount.gid ?? 0).int(4, mount.mode ?? 0o600).bool(5, mount.optional ?? false).end();
      break;
  }
  w.end();
}
