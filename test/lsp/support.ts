/** A small two-Buildfile project for the language-server tests, and a client started on it. */
import { join } from "node:path";
import { project } from "../support/cli.js";
import { LspClient, uriOf } from "./client.js";

export const rootBuildfile = [
  "VERSION 0.8",
  "FROM busybox",
  "",
  "# build compiles the program.",
  "build:",
  "    RUN echo hi > /out",
  "    SAVE ARTIFACT /out",
  "",
  "test:",
  "    FROM +build",
  "    COPY ./sub+lib/lib.txt .",
  "    BUILD ./sub+lib",
  "    DO +GREET",
  "    RUN --mount=type=cache,target=/c true",
  "",
  "GREET:",
  "    FUNCTION",
  "    ARG WHO=world",
  "    RUN echo hello $WHO",
  "",
].join("\n");

export const subBuildfile = [
  "VERSION 0.8",
  "FROM busybox",
  "",
  "# lib makes the library.",
  "lib:",
  "    RUN echo lib > /lib.txt",
  "    SAVE ARTIFACT /lib.txt",
  "",
  "other:",
  "    BUILD ../+build",
  "",
].join("\n");

export interface Session {
  client: LspClient;
  root: string;
  /** The URI of the root Buildfile, opened in the editor. */
  uri: string;
  subUri: string;
}

/** A project on disk, a server initialized on it, and the root Buildfile opened. */
export async function openProject(): Promise<Session> {
  const root = await project({ Buildfile: rootBuildfile, "sub/Buildfile": subBuildfile, "earth/Earthfile": "VERSION 0.8\nFROM busybox\n\nimage:\n    SAVE IMAGE earth:dev\n" });
  const client = new LspClient(root);
  await client.initialize(root);
  const uri = uriOf(join(root, "Buildfile"));
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "buildfile", version: 1, text: rootBuildfile } });
  await client.notification("textDocument/publishDiagnostics", (p: { uri: string }) => p.uri === uri);
  return { client, root, uri, subUri: uriOf(join(root, "sub", "Buildfile")) };
}

/** The LSP position (0-based) of the `nth` occurrence of `needle` in `text`, plus `shift` characters. */
export function positionOf(text: string, needle: string, shift = 0, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not in the text`);
  const before = text.slice(0, at + shift);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}
