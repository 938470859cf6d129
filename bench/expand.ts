/**
 * How long variable expansion takes when planning 2,000 targets (the planning budget is 150 ms).
 * Each target expands a typical mix of arguments: plain paths, `$VAR`s, defaults, patterns, ENV pairs.
 * The peer, measured in the same run, is the least any expander must do: one regex replace of
 * `$NAME`/`${NAME}` per argument, with no quotes, operators or errors.
 * Run: node --import tsx bench/expand.ts
 */
import { expandWordSync, expandWordsSync, parseKeyValuePairs } from "../src/planner/expand/index.js";

const vars: Record<string, string> = { VERSION: "1.2.3", TARGETARCH: "amd64", NAME: "service", EMPTY: "" };
const env = { lookup: (name: string) => vars[name] };
const words = [
  "./src",
  "/app",
  "golang:1.22-alpine",
  "ghcr.invalid/org/$NAME:$VERSION",
  "${NAME}-${TARGETARCH}",
  "${TAG:-latest}",
  '"a quoted value with $NAME"',
  "${VERSION%.*}",
  "out/${NAME##*/}.tar.gz",
  "+build/bin/$NAME",
];

function planOnce(targets: number): number {
  let chars = 0;
  for (let t = 0; t < targets; t++) {
    for (const word of words) chars += expandWordSync(word, env).length;
    chars += expandWordsSync("80 443 ${EXTRA_PORT:-8080}", env).length;
    for (const pair of parseKeyValuePairs('PATH=/usr/bin:$NAME MODE="release build"').pairs) {
      chars += expandWordSync(pair.value, env).length;
    }
  }
  return chars;
}

const naive = (text: string) => text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => vars[name] ?? "");

function peerOnce(targets: number): number {
  let chars = 0;
  for (let t = 0; t < targets; t++) {
    for (const word of words) chars += naive(word).length;
    chars += naive("80 443 ${EXTRA_PORT:-8080}").split(/\s+/).length;
    for (const pair of 'PATH=/usr/bin:$NAME MODE="release build"'.split(" ")) chars += naive(pair).length;
  }
  return chars;
}

function median(run: (targets: number) => number): number {
  run(200); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    run(2000);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[3]!;
}

const ours = median(planOnce);
const peer = median(peerOnce);
const perTarget = words.length + 2;
console.log(`expansion for 2000 targets (${perTarget} arguments each): ${ours.toFixed(1)} ms (budget for all of planning: 150 ms)`);
console.log(`naive regex replace, same arguments:         ${peer.toFixed(1)} ms; ratio ${(ours / peer).toFixed(2)}x`);
