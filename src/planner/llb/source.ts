/** Source ops: where filesystems come from (an image, a local directory, git, an HTTP URL). */
import { EbuildError } from "../../errors.js";
import type { OpMetadata } from "../../gen/pb/ops_pb.js";
import { opMetadata, writeConstraints, writePlatform, type OpOptions, type Platform } from "./constraints.js";
import { normalizeImageRef } from "./reference.js";
import { State } from "./state.js";
import type { SourceLocation } from "./sourcemap.js";
import type { EncodeContext, Vertex } from "./vertex.js";
import type { WireWriter } from "./wire.js";
import type { WrittenOp } from "./written-op.js";

/** A vertex with no inputs that produces a filesystem named by an identifier and attributes. */
export class SourceVertex implements Vertex {
  written: WrittenOp | undefined = undefined;
  constructor(
    readonly identifier: string,
    readonly attrs: Readonly<Record<string, string>>,
    readonly caps: readonly string[],
    readonly options: OpOptions,
  ) {}

  inputs(): [] {
    return [];
  }

  write(w: WireWriter, ctx: EncodeContext): void {
    w.begin(3).string(1, this.identifier); // Op.source
    // Map entries in sorted key order, so the bytes are stable.
    for (const key of Object.keys(this.attrs).sort()) w.begin(2).stringItem(1, key).stringItem(2, this.attrs[key]!).end();
    w.end();
    // Only image sources are platform specific; BuildKit drops the platform of the others.
    if (this.identifier.startsWith("docker-image://")) writePlatform(w, this.options.platform ?? ctx.platform);
    writeConstraints(w, this.options.workerConstraints);
  }

  metadata(): OpMetadata {
    return opMetadata(this.options, this.caps);
  }

  locations(): readonly SourceLocation[] {
    return this.options.location ? [this.options.location] : [];
  }
}

function sourceState(identifier: string, attrs: Record<string, string>, caps: string[], options: OpOptions): State {
  return State.fromOutput({ vertex: new SourceVertex(identifier, attrs, caps, options), index: 0 });
}

/** When the daemon looks an image up: `default` (its own choice), `pull` (always pull), `local` (prefer local). */
export type ResolveMode = "default" | "pull" | "local";

/** Options of {@link image}. */
export interface ImageOptions extends OpOptions {
  readonly resolveMode?: ResolveMode;
}

/** A container image's filesystem; short names are normalised (`busybox` → `docker.io/library/busybox:latest`). */
export function image(ref: string, options: ImageOptions = {}): State {
  const attrs: Record<string, string> = {};
  const caps = ["source.image"];
  if (options.resolveMode !== undefined && options.resolveMode !== "default") {
    attrs["image.resolvemode"] = options.resolveMode;
    // Only a forced pull needs the capability: it is a security guarantee.
    if (options.resolveMode === "pull") caps.push("source.image.resolvemode");
  }
  const state = sourceState(`docker-image://${normalizeImageRef(ref)}`, attrs, caps, options);
  return options.platform ? state.platform(options.platform as Platform) : state;
}

/** An empty filesystem. */
export function scratch(): State {
  return State.scratch();
}

/** Options of {@link local}. */
export interface LocalOptions extends OpOptions {
  /** Only files matching these patterns are sent. */
  readonly includePatterns?: readonly string[];
  /** Files matching these patterns are never sent. */
  readonly excludePatterns?: readonly string[];
  /** Paths whose symlinks are followed so their targets are sent too. */
  readonly followPaths?: readonly string[];
  /** Lets uploads of the same directory under different names share the daemon's copy. */
  readonly sharedKeyHint?: string;
  /** The session that serves the directory (default: the solve's own session). */
  readonly sessionId?: string;
  /** Identifies the directory across sessions so the daemon can reuse what it received before. */
  readonly uniqueId?: string;
}

/** A directory on the client, uploaded through the session under `name`. */
export function local(name: string, options: LocalOptions = {}): State {
  const attrs: Record<string, string> = {};
  const caps = ["source.local"];
  const list = (key: string, cap: string, values: readonly string[] | undefined) => {
    if (values === undefined || values.length === 0) return;
    attrs[key] = JSON.stringify(values);
    caps.push(cap);
  };
  if (options.sessionId) {
    attrs["local.session"] = options.sessionId;
    caps.push("source.local.sessionid");
  } else {
    // Without a session id BuildKit keys its copy of the directory by this id.
    attrs["local.unique"] = options.uniqueId ?? "";
    caps.push("source.local.unique");
  }
  list("local.includepattern", "source.local.includepatterns", options.includePatterns);
  list("local.excludepatterns", "source.local.excludepatterns", options.excludePatterns);
  list("local.followpaths", "source.local.followpaths", options.followPaths);
  if (options.sharedKeyHint) {
    attrs["local.sharedkeyhint"] = options.sharedKeyHint;
    caps.push("source.local.sharedkeyhint");
  }
  return sourceState(`local://${name}`, attrs, caps, options);
}

/** Options of {@link git}. */
export interface GitOptions extends OpOptions {
  /** Keep the `.git` directory in the result. */
  readonly keepGitDir?: boolean;
  /** The secret holding a token for HTTP authentication (default GIT_AUTH_TOKEN). */
  readonly authTokenSecret?: string;
  /** The secret holding an Authorization header (default GIT_AUTH_HEADER). */
  readonly authHeaderSecret?: string;
}

/** A git repository checked out at `ref` (branch, tag or commit; empty for the default branch). */
export function git(url: string, ref: string, options: GitOptions = {}): State {
  const remote = parseGitUrl(url);
  const attrs: Record<string, string> = {
    "git.authheadersecret": options.authHeaderSecret ?? "GIT_AUTH_HEADER",
    "git.authtokensecret": options.authTokenSecret ?? "GIT_AUTH_TOKEN",
    "git.fullurl": remote.url,
  };
  const caps = ["source.git", "source.git.fullurl"];
  if (options.authHeaderSecret !== undefined || options.authTokenSecret !== undefined) {
    caps.push("source.git.httpauth");
  }
  if (options.keepGitDir) {
    attrs["git.keepgitdir"] = "true";
    caps.push("source.git.keepgitdir");
  }
  if (remote.ssh) {
    attrs["git.mountsshsock"] = "default";
    caps.push("source.git.knownsshhosts", "source.git.mountsshsock");
  }
  const id = remote.host + joinRooted(remote.path) + (ref ? `#${ref}` : "");
  return sourceState(`git://${id}`, attrs, caps, options);
}

function joinRooted(p: string): string {
  const parts = p.split("/").filter((s) => s !== "" && s !== ".");
  return "/" + parts.join("/");
}

interface GitRemote {
  url: string;
  host: string;
  path: string;
  ssh: boolean;
}

/** Splits a git URL into host and path; `user@host:path` is ssh and a bare host gets https. */
function parseGitUrl(url: string): GitRemote {
  const scp = /^([\w.-]+@)?([\w.-]+):(?!\/\/)(.*)$/.exec(url);
  if (scp && scp[1]) return { url, host: scp[2]!, path: scp[3]!, ssh: true };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new EbuildError("semantic", `invalid git URL "${url}"`, { hint: "write https://host/path/repo.git, host/path/repo or git@host:path/repo.git" });
  }
  parsed.hash = "";
  return {
    url: parsed.toString(),
    host: parsed.host,
    path: decodeURIComponent(parsed.pathname),
    ssh: parsed.protocol === "ssh:",
  };
}

/** Options of {@link http}. */
export interface HttpOptions extends OpOptions {
  /** The expected digest of the download (`sha256:…`). */
  readonly checksum?: string;
  /** The name of the downloaded file (default: from the URL). */
  readonly filename?: string;
  /** The file's permission bits, e.g. 0o755. */
  readonly chmod?: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** A single file downloaded from an HTTP(S) URL. */
export function http(url: string, options: HttpOptions = {}): State {
  const attrs: Record<string, string> = {};
  const caps = ["source.http"];
  if (options.checksum) {
    attrs["http.checksum"] = options.checksum;
    caps.push("source.http.checksum");
  }
  if (options.filename) attrs["http.filename"] = options.filename;
  if (options.chmod) {
    attrs["http.perm"] = "0" + options.chmod.toString(8);
    caps.push("source.http.perm");
  }
  // BuildKit v0.13 spells this capability "soruce.http.uidgid".
  if (options.uid) {
    attrs["http.uid"] = String(options.uid);
    caps.push("soruce.http.uidgid");
  }
  if (options.gid) {
    attrs["http.gid"] = String(options.gid);
    caps.push("soruce.http.uidgid");
  }
  return sourceState(url, attrs, caps, options);
}
