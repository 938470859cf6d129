import assert from "node:assert/strict";
import { test } from "node:test";
import { LogLines, printable } from "../../../src/cli/progress/log-lines.js";
import { Redactor } from "../../../src/cli/progress/redact.js";

const redactCases: Array<{ name: string; secrets: string[]; text: string; expect: string }> = [
  { name: "a secret value anywhere in a line", secrets: ["s3cr3t"], text: "token=s3cr3t; again s3cr3t.", expect: "token=***; again ***." },
  { name: "text shaped like credentials is left alone (Earthly #4305)", secrets: ["s3cr3t"], text: "http://user:pass@host hello:world@", expect: "http://user:pass@host hello:world@" },
  { name: "a secret containing another is replaced whole", secrets: ["abc", "abcdef"], text: "abcdef abc", expect: "*** ***" },
  { name: "regex characters in a secret are literal", secrets: ["a.b*c"], text: "axbbc a.b*c", expect: "axbbc ***" },
  { name: "each line of a multi-line secret", secrets: ["-----BEGIN KEY-----\nMIIEpAIB\n-----END KEY-----"], text: "MIIEpAIB", expect: "***" },
  { name: "empty secrets are ignored", secrets: [""], text: "anything", expect: "anything" },
];
for (const c of redactCases) {
  test(`redaction: ${c.name}`, () => assert.equal(new Redactor(c.secrets).redact(c.text), c.expect));
}

/** Feeds `chunks` through LogLines and returns the lines, the end of the step included. */
function lines(chunks: Array<string | Uint8Array>, secrets: string[] = [], max?: number): string[] {
  const log = new LogLines(new Redactor(secrets), max);
  const out: string[] = [];
  for (const chunk of chunks) out.push(...log.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk));
  return [...out, ...log.end()];
}

test("output is split into lines whatever the chunks; a partial line waits for its newline", () => {
  const log = new LogLines(new Redactor([]));
  assert.deepEqual(log.push(new TextEncoder().encode("one\ntw")), ["one"]);
  assert.deepEqual(log.push(new TextEncoder().encode("o\nthr")), ["two"]);
  assert.deepEqual(log.end(), ["thr"]);
  assert.deepEqual(log.end(), []);
});

test("a secret split across chunks is still redacted", () => {
  assert.deepEqual(lines(["the token is hunt", "er2 and ", "hun", "ter2\n"], ["hunter2"]), ["the token is *** and ***"]);
});

test("a secret split across the pieces of a very long line is still redacted", () => {
  const secret = "SECRETVALUE";
  // The secret straddles the 32-character limit in every position.
  for (let offset = 20; offset < 34; offset++) {
    const text = `${"x".repeat(offset)}${secret}${"y".repeat(40)}`;
    const out = lines([text.slice(0, 25), text.slice(25)], [secret], 32);
    assert.equal(out.join(""), `${"x".repeat(offset)}***${"y".repeat(40)}`, `offset ${offset}`);
    assert.ok(out.every((line) => line.length <= 32));
  }
});

test("a line without a newline is printed in pieces, so memory stays bounded", () => {
  const log = new LogLines(new Redactor([]), 1000);
  let printed = 0;
  for (let i = 0; i < 1000; i++) printed += log.push(new TextEncoder().encode("z".repeat(997))).reduce((n, l) => n + l.length, 0);
  printed += log.end().reduce((n, l) => n + l.length, 0);
  assert.equal(printed, 997_000);
});

test("a UTF-8 character split across chunks comes out whole", () => {
  const bytes = new TextEncoder().encode("héllo wörld\n");
  assert.deepEqual(lines([bytes.slice(0, 2), bytes.slice(2, 9), bytes.slice(9)]), ["héllo wörld"]);
});

test("invalid UTF-8 and control characters are made printable", () => {
  assert.deepEqual(lines([new Uint8Array([0x61, 0xff, 0xfe, 0x62, 0x0a])]), ["a\ufffd\ufffdb"]);
  assert.equal(printable("\x1b[31mred\x1b[0m\tend\x07"), "\\x1b[31mred\\x1b[0m\tend\\x07");
});

test("carriage returns keep what a terminal would show; CRLF is a newline", () => {
  assert.deepEqual(lines(["10%\r50%\r100%\n", "windows\r\n"]), ["100%", "windows"]);
});
