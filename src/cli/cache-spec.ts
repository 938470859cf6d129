import { isAbsolute, resolve } from "node:path";
import { EbuildError } from "../errors.js";

/** A parsed --cache-from / --cache-to value: the cache backend and the attributes BuildKit reads. */
export interface CacheFlag {
  type: string;
  attrs: Record<string, string>;
}

type CacheFlagName = "--cache-from" | "--cache-to";

/**
 * Parses `--cache-from`/`--cache-to` as buildx writes them: `type=registry,ref=IMAGE[,mode=max]`,
 * `type=inline`, `type=local,src=DIR` / `type=local,dest=DIR`, `type=gha[,scope=S]`, or a bare
 * image reference (a registry cache). Other types (s3, azblob…) go to the daemon as written.
 * Local paths are made absolute against `cwd`; a gha cache takes its token and service URLs from
 * the GitHub Actions runtime variables when they are not written in the spec.
 */
export function parseCacheFlag(spec: string, flag: CacheFlagName, context: { cwd: string; env: NodeJS.ProcessEnv }): CacheFlag {
  if (!spec.includes("=")) return { type: "registry", attrs: { ref: spec } };
  const attrs: Record<string, string> = {};
  for (const part of spec.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new EbuildError("usage", `${flag} ${spec}: "${part}" is not KEY=VALUE`, { hint: `for example: ${flag} type=registry,ref=HOST/IMAGE:cache` });
    attrs[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const type = attrs.type ?? "registry";
  delete attrs.type;
  switch (type) {
    case "registry":
      if (!attrs.ref) throw new EbuildError("usage", `${flag} type=registry needs ref=IMAGE`, { hint: `for example: ${flag} type=registry,ref=HOST/IMAGE:cache` });
      break;
    case "inline":
      if (flag === "--cache-from") {
        throw new EbuildError("usage", "--cache-from type=inline is not a cache source", { hint: "import an inline cache by its image: --cache-from HOST/IMAGE:TAG" });
      }
      break;
    case "local": {
      // BuildKit's local cache: the client reads `src` and writes `dest` (an OCI layout folder).
      const key = flag === "--cache-from" ? "src" : "dest";
      if (!attrs[key]) throw new EbuildError("usage", `${flag} type=local needs ${key}=DIR`, { hint: `for example: ${flag} type=local,${key}=.cache/ebuild` });
      attrs[key] = isAbsolute(attrs[key]) ? attrs[key] : resolve(context.cwd, attrs[key]);
      break;
    }
    case "gha":
      fillGithubRuntime(attrs, flag, context.env);
      break;
  }
  return { type, attrs };
}

/** The GitHub Actions cache service: token and URLs from the runner's environment unless given. */
function fillGithubRuntime(attrs: Record<string, string>, flag: CacheFlagName, env: NodeJS.ProcessEnv): void {
  const version = attrs.version ?? (/^(1|true)$/i.test(env.ACTIONS_CACHE_SERVICE_V2 ?? "") ? "2" : undefined);
  if (version !== undefined) attrs.version = version;
  if (attrs.token === undefined && env.ACTIONS_RUNTIME_TOKEN) attrs.token = env.ACTIONS_RUNTIME_TOKEN;
  if (attrs.url === undefined && env.ACTIONS_CACHE_URL) attrs.url = env.ACTIONS_CACHE_URL;
  if (version === "2" && attrs.url_v2 === undefined && env.ACTIONS_RESULTS_URL) attrs.url_v2 = env.ACTIONS_RESULTS_URL;
  if (!attrs.token || !(attrs.url || attrs.url_v2)) {
    throw new EbuildError("usage", `${flag} type=gha needs the GitHub Actions cache service: a token and its URL`, {
      hint: "run inside a GitHub Actions job that exposes ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_URL (or ACTIONS_RESULTS_URL with ACTIONS_CACHE_SERVICE_V2), or write token=…,url=… in the spec",
    });
  }
}

/**
 * A local cache travels through a content store the client serves over the session; ebuild does
 * not serve one yet, so it refuses `type=local` before the build starts rather than halfway.
 */
export function refuseClientStoreCaches(caches: readonly CacheFlag[], flag: CacheFlagName): void {
  const local = caches.find((c) => c.type === "local");
  if (local === undefined) return;
  const dir = local.attrs.src ?? local.attrs.dest;
  throw new EbuildError("usage", `${flag} type=local (${dir}) is not supported: ebuild does not serve a local cache store to the daemon yet`, {
    hint: "share the cache through a registry instead: --cache-to type=inline with --push and --cache-from IMAGE, or type=registry on a standalone buildkitd",
  });
}

/** Values a cache spec carries that must never be printed (the gha token). */
export function cacheSecrets(caches: readonly CacheFlag[]): string[] {
  return caches.flatMap((c) => (c.attrs.token ? [c.attrs.token] : []));
}

/** `--remote-cache IMAGE`: import from IMAGE always, export to it under --push (mode=max with --max-remote-cache). */
export function remoteCacheEntries(image: string, options: { push: boolean; max: boolean }): { imports: CacheFlag[]; exports: CacheFlag[] } {
  const imports = [{ type: "registry", attrs: { ref: image } }];
  const exports = options.push ? [{ type: "registry", attrs: { ref: image, ...(options.max ? { mode: "max" } : {}) } }] : [];
  return { imports, exports };
}
