/**
 * State: an immutable filesystem plus the process settings (env, working directory, user,
 * platform, network, security) that later commands inherit. Each change returns a new State linked
 * to its parent; settings are looked up along that chain, so a State is cheap to derive.
 */
import type { OpOptions, Platform } from "./constraints.js";
import { run, type ExecState, type RunOptions } from "./exec.js";
import { FileVertex, type FileAction } from "./file.js";
import { joinPath, isAbsPath } from "./paths.js";
import type { Output } from "./vertex.js";

/** Network access of RUN commands. */
export type NetworkMode = "sandbox" | "host" | "none";
/** `insecure` runs commands privileged (needs the security.insecure entitlement). */
export type SecurityMode = "sandbox" | "insecure";

/** An /etc/hosts entry. */
export interface ExtraHost {
  readonly host: string;
  readonly ip: string;
}

interface Settings {
  env: readonly (readonly [string, string])[];
  dir: string;
  user: string;
  platform: Platform;
  network: NetworkMode;
  security: SecurityMode;
  extraHosts: readonly ExtraHost[];
  hostname: string;
}

type Key = keyof Settings;

// Shared by every state without them (a RUN keeps its state's list of hosts).
const noEnv: Settings["env"] = Object.freeze([]);
const noExtraHosts: Settings["extraHosts"] = Object.freeze([]);

/** An immutable build state: a filesystem (or none, for scratch) plus process settings. */
export class State {
  private constructor(
    /** The vertex output holding this state's filesystem; undefined for scratch. */
    readonly output: Output | undefined,
    private readonly parent: State | undefined,
    private readonly key: Key | undefined,
    private readonly value: unknown,
  ) {}

  /** An empty filesystem with no settings. */
  static scratch(): State {
    return new State(undefined, undefined, undefined, undefined);
  }

  /** A state whose filesystem is `output`, with no settings. */
  static fromOutput(output: Output | undefined): State {
    return new State(output, undefined, undefined, undefined);
  }

  /** This state's settings with a different filesystem. */
  withOutput(output: Output | undefined): State {
    return new State(output, this, undefined, undefined);
  }

  private with<K extends Key>(key: K, value: Settings[K]): State {
    return new State(this.output, this, key, value);
  }

  private lookup<K extends Key>(key: K): Settings[K] | undefined {
    for (let s: State | undefined = this; s; s = s.parent) {
      if (s.key === key) return s.value as Settings[K];
    }
    return undefined;
  }

  /** The environment as ordered `KEY=value` pairs. */
  envList(): readonly (readonly [string, string])[] {
    return this.lookup("env") ?? noEnv;
  }

  /** The value of one environment variable. */
  getEnv(name: string): string | undefined {
    return this.envList().find(([k]) => k === name)?.[1];
  }

  /** Sets an environment variable; a variable set again moves to the end, as in BuildKit. */
  env(name: string, value: string): State {
    const env: Array<readonly [string, string]> = [];
    for (const entry of this.envList()) if (entry[0] !== name) env.push(entry);
    env.push([name, value]);
    return this.with("env", env);
  }

  /** Removes an environment variable. */
  unsetEnv(name: string): State {
    return this.with("env", this.envList().filter(([k]) => k !== name));
  }

  /** The working directory (`/` by default). */
  getDir(): string {
    return this.lookup("dir") ?? "/";
  }

  /** Sets the working directory; a relative path resolves against the current one. */
  dir(path: string): State {
    return this.with("dir", isAbsPath(path) ? joinPath(path) : joinPath("/", this.getDir(), path));
  }

  /** The user commands run as (empty: the image's default). */
  getUser(): string {
    return this.lookup("user") ?? "";
  }

  /** Sets the user commands run as (`name`, `uid`, `uid:gid`…). */
  user(user: string): State {
    return this.with("user", user);
  }

  /** The platform, if one was set. */
  getPlatform(): Platform | undefined {
    return this.lookup("platform");
  }

  /** Sets the platform that following ops are built for. */
  platform(platform: Platform): State {
    return this.with("platform", platform);
  }

  /** The network mode of following RUNs (`sandbox` by default). */
  getNetwork(): NetworkMode {
    return this.lookup("network") ?? "sandbox";
  }

  /** Sets the network mode of following RUNs. */
  network(mode: NetworkMode): State {
    return this.with("network", mode);
  }

  /** The security mode of following RUNs (`sandbox` by default). */
  getSecurity(): SecurityMode {
    return this.lookup("security") ?? "sandbox";
  }

  /** Sets the security mode of following RUNs. */
  security(mode: SecurityMode): State {
    return this.with("security", mode);
  }

  /** Extra /etc/hosts entries of following RUNs. */
  getExtraHosts(): readonly ExtraHost[] {
    return this.lookup("extraHosts") ?? noExtraHosts;
  }

  /** Adds an /etc/hosts entry for following RUNs. */
  addExtraHost(host: string, ip: string): State {
    return this.with("extraHosts", [...this.getExtraHosts(), { host, ip }]);
  }

  /** The hostname of following RUNs (empty: the daemon's default). */
  getHostname(): string {
    return this.lookup("hostname") ?? "";
  }

  /** Sets the hostname of following RUNs. */
  hostname(name: string): State {
    return this.with("hostname", name);
  }

  /** Runs a command on this state; `.root()` of the result is the changed filesystem. */
  run(options: RunOptions): ExecState {
    return run(this, options);
  }

  /** Applies a chain of file actions (one FileOp); relative paths resolve against this state's directory. */
  file(action: FileAction, options: OpOptions = {}): State {
    return this.withOutput(new FileVertex(this, action, options));
  }
}
