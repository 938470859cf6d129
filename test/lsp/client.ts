/**
 * A small LSP client for tests: spawns the real `ebuild lsp` (from the sources, as test/support/cli.ts
 * runs the CLI) and speaks JSON-RPC 2.0 to it over stdio with `Content-Length` framing.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const main = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");
const tsx = import.meta.resolve("tsx");

interface Message {
  jsonrpc: "2.0";
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface Notification {
  method: string;
  params: unknown;
}

export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly notifications: Notification[] = [];
  private readonly waiters: Array<{ match: (n: Notification) => boolean; resolve: (n: Notification) => void }> = [];
  private stderr = "";
  readonly exited: Promise<number | null>;

  /** `argv`: what node runs; by default the CLI's sources through tsx, as `ebuild lsp --stdio`. */
  constructor(cwd: string, argv: string[] = ["--import", tsx, main, "lsp", "--stdio"]) {
    this.child = spawn(process.execPath, argv, { cwd, env: { ...process.env, NO_COLOR: "1" } });
    this.child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    void this.exited.then(() => {
      for (const p of this.pending.values()) p.reject(new Error(`ebuild lsp exited; stderr:\n${this.stderr}`));
    });
  }

  /** Sends a request and resolves with its result (rejects on an error response). */
  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    this.send({ jsonrpc: "2.0", id, method, params });
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** The first notification (already received or still to come) that `match`es, taken off the queue. */
  notification(method: string, match: (params: any) => boolean = () => true): Promise<Notification> {
    const test = (n: Notification) => n.method === method && match(n.params);
    const index = this.notifications.findIndex(test);
    if (index >= 0) return Promise.resolve(this.notifications.splice(index, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ match: test, resolve }));
  }

  /** `initialize` with a workspace folder, then `initialized`; resolves with the server's capabilities. */
  async initialize(root: string): Promise<any> {
    const result = await this.request("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: "project" }],
      capabilities: { textDocument: { hover: { contentFormat: ["markdown", "plaintext"] }, completion: { completionItem: { snippetSupport: false } } } },
    });
    this.notify("initialized", {});
    return result;
  }

  /** `shutdown` then `exit`; resolves with the process's exit code. */
  async close(): Promise<number | null> {
    await this.request("shutdown", null);
    this.notify("exit", null);
    return this.exited;
  }

  kill(): void {
    this.child.kill();
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString("ascii");
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (!Number.isInteger(length)) throw new Error(`bad header from ebuild lsp: ${header}`);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server (e.g. client/registerCapability): accept it.
      this.send({ jsonrpc: "2.0", id: message.id, result: null });
      return;
    }
    if (message.method !== undefined) {
      const n: Notification = { method: message.method, params: message.params };
      const waiter = this.waiters.findIndex((w) => w.match(n));
      if (waiter >= 0) this.waiters.splice(waiter, 1)[0]!.resolve(n);
      else this.notifications.push(n);
      return;
    }
    const pending = this.pending.get(message.id as number);
    if (pending === undefined) return;
    this.pending.delete(message.id as number);
    if (message.error !== undefined) pending.reject(new Error(`${message.error.code}: ${message.error.message}`));
    else pending.resolve(message.result);
  }
}

export const uriOf = (path: string): string => pathToFileURL(path).href;
