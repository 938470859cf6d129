/**
 * One build of "copy the local context into scratch and export it to a folder", run by ebuild's
 * client or by `docker buildx build`, with its phases as the DAEMON timed them: the context upload
 * (the local source's vertex) and the local export (the "exporting to client directory" vertex).
 * Both tools report the same daemon-side vertices, so the phases compare like for like; the total
 * is wall-clock time on our side from request to result.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { promisify } from "node:util";
import { BuildkitClient, decodeProgress, newBuildRef, openEngineSessionTunnel, openSessionTunnel } from "../src/buildkit/index.js";
import { localExporter } from "../src/buildkit/exporters.js";
import { fileSendService, fileSyncService, serveSession, sessionMethods } from "../src/buildkit/session/index.js";
import { copy, local, marshal, scratch, type State } from "../src/planner/llb/index.js";

/** Seconds. */
export interface Phases {
  total: number;
  upload: number;
  export: number;
  /** CPU time (user + system) of the client process: steadier than wall time on a busy machine. */
  clientCpu: number;
}

/** How ebuild's session reaches the daemon: the Control.Session stream, or Docker's POST /session. */
export type SessionRoute = "control-session" | "engine-session";

interface VertexTimes {
  name: string;
  started?: Date | undefined;
  completed?: Date | undefined;
}

/** Keeps a vertex's first start and last completion (the daemon may report a vertex started twice). */
function note(vertices: Map<string, VertexTimes>, digest: string, name: string, started: Date | undefined, completed: Date | undefined): void {
  const times = vertices.get(digest) ?? { name };
  if (started && (!times.started || started < times.started)) times.started = started;
  if (completed && (!times.completed || completed > times.completed)) times.completed = completed;
  vertices.set(digest, times);
}

const uploadVertex = (name: string) => name === "[internal] load build context" || name.startsWith("local://");
const exportVertex = (name: string) => name.startsWith("exporting to client");

function phasesOf(total: number, clientCpu: number, vertices: readonly VertexTimes[]): Phases {
  const span = (match: (name: string) => boolean) => {
    let seconds = 0;
    for (const v of vertices) {
      if (match(v.name) && v.started && v.completed) seconds += (v.completed.getTime() - v.started.getTime()) / 1000;
    }
    return seconds;
  };
  return { total, upload: span(uploadVertex), export: span(exportVertex), clientCpu };
}

/** The same shared key for the same folder, as buildx derives one: later runs reuse what was sent. */
const sharedKeyOf = (dir: string) => createHash("sha256").update(dir).digest("hex").slice(0, 32);

/**
 * `FROM scratch` + `COPY . /ctx` as the Dockerfile frontend plans it (one FileOp copying the
 * context's contents, keeping the files' own modes and times), so the daemon does the same work for
 * both tools.
 */
function copyContextOntoScratch(sessionId: string): State {
  const context = local("context", { sessionId, sharedKeyHint: "context" });
  return scratch().file(
    copy(context, "/", "/ctx", {
      followSymlinks: true,
      copyDirContentsOnly: true,
      createDestPath: true,
      allowWildcard: true,
      allowEmptyWildcard: true,
    }),
  );
}

export async function ebuildRun(client: BuildkitClient, context: string, dest: string, route: SessionRoute): Promise<Phases> {
  const sessionId = newBuildRef();
  const attachables = [fileSyncService(new Map([["context", context]])), fileSendService(new Map([[0, { kind: "directory" as const, path: dest }]]))];
  const tunnelOptions = { sessionId, name: context, sharedKey: sharedKeyOf(context), methods: sessionMethods(attachables) };
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const tunnel: Duplex = route === "engine-session" ? await openEngineSessionTunnel(client.address, tunnelOptions) : openSessionTunnel(client, tunnelOptions);
  tunnel.on("error", () => {});
  const stop = new AbortController();
  const served = serveSession(tunnel, attachables, { signal: stop.signal });
  const ref = newBuildRef();
  const vertices = new Map<string, VertexTimes>();
  const progress = (async () => {
    for await (const event of decodeProgress(client.status(ref))) {
      if (event.type === "vertex-started") note(vertices, event.vertex.digest, event.vertex.name, event.at, undefined);
      if (event.type === "vertex-completed") note(vertices, event.vertex.digest, event.vertex.name, event.startedAt, event.at);
    }
  })();
  try {
    await client.solve({ ref, sessionId, definition: marshal(copyContextOntoScratch(sessionId)).definition, exporters: [localExporter()] });
    const total = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    await progress;
    return phasesOf(total, (cpu.user + cpu.system) / 1e6, [...vertices.values()]);
  } finally {
    stop.abort();
    tunnel.destroy();
    await served;
  }
}

const run = promisify(execFile);

/** `docker buildx build` of `FROM scratch` + `COPY . /ctx` with a local output, on the same daemon. */
export async function buildxRun(dockerfileDir: string, context: string, dest: string): Promise<Phases> {
  const start = performance.now();
  // bash's `time` reports the CPU the docker CLI used; it prints last, after buildx's progress.
  const script = 'TIMEFORMAT="cpu %U %S"; time docker buildx build --progress=rawjson -f "$1" --output "type=local,dest=$2" "$3"';
  const { stderr } = await run("bash", ["-c", script, "buildx", join(dockerfileDir, "Dockerfile"), dest, context], { maxBuffer: 256 * 1024 * 1024 });
  const total = (performance.now() - start) / 1000;
  const cpuLine = /^cpu ([\d.]+) ([\d.]+)$/m.exec(stderr);
  const clientCpu = cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : Number.NaN;
  const vertices = new Map<string, VertexTimes>();
  for (const text of jsonValues(stderr)) {
    const status = JSON.parse(text) as { vertexes?: Array<{ digest: string; name: string; started?: string; completed?: string }> };
    for (const v of status.vertexes ?? []) {
      note(vertices, v.digest, v.name, v.started ? new Date(v.started) : undefined, v.completed ? new Date(v.completed) : undefined);
    }
  }
  return phasesOf(total, clientCpu, [...vertices.values()]);
}

/** The top-level JSON values of a stream of them (buildx's rawjson progress prints them indented). */
function* jsonValues(text: string): Generator<string> {
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) yield text.slice(start, i + 1);
  }
}

/** Files and bytes under `root`, to check that an export brought everything back. */
export async function countTree(root: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}
