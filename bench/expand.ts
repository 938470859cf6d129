/**
 * How long variable expansion takes when planning 2,000 targets (the planning budget is 150 ms).
 * Each target expands a typical mix of arguments: plain paths, `$VAR`s, defaults, patterns, ENV pairs.
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

planOnce(200); // warm up the JIT
const runs: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  planOnce(2000);
  runs.push(performance.now() - start);
}
runs.sort((a, b) => a - b);
const perTarget = words.length + 2;
console.log(`expansion for 2000 targets (${perTarget} arguments each): median ${runs[2]!.toFixed(1)} ms, best ${runs[0]!.toFixed(1)} ms`);
