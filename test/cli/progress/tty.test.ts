/** Tty mode: what the terminal shows while steps run and after they finish. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createRenderer } from "../../../src/cli/progress/index.js";
import { TtyRenderer } from "../../../src/cli/progress/tty.js";
import { Collected, screen, vertex } from "./support.js";

function tty(columns = 60) {
  const out = new Collected({ isTTY: true, columns });
  let clock = 0;
  const renderer = createRenderer({ mode: "tty", out, env: { NO_COLOR: "1", TERM: "xterm" }, prefixWidth: 6, now: () => clock, refreshMs: 0 });
  assert.ok(renderer instanceof TtyRenderer);
  return { out, renderer, tick: (ms: number) => ((clock += ms), renderer.redraw()) };
}

test("running steps are shown live with their elapsed time and leave a block of output when done", () => {
  const { out, renderer, tick } = tty();
  const a = vertex("sha256:a", "RUN make");
  const b = vertex("sha256:b", "RUN make test");
  const solve = renderer.solve({ target: "+app" });
  solve.onProgress(a.started());
  solve.onProgress(a.log("compiling\n"));
  tick(1500);
  solve.onProgress(b.started());
  tick(1000);
  assert.deepEqual(screen(out.text), ["  +app | RUN make 2.5s", "  +app | RUN make test 1.0s"]);
  solve.onProgress(a.completed(2500));
  assert.deepEqual(screen(out.text), ["  +app | --> RUN make 2.5s", "  +app | compiling", "  +app | RUN make test 1.0s"]);
  solve.onProgress(vertex("sha256:c", "RUN cached").cached());
  solve.onProgress(b.errored("exit code: 2"));
  renderer.close();
  assert.deepEqual(screen(out.text), [
    "  +app | --> RUN make 2.5s",
    "  +app | compiling",
    "  +app | *cached* --> RUN cached",
    "  +app | --> RUN make test 2.0s",
    "  +app | ERROR exit code: 2",
  ]);
});

test("live lines are cut to the terminal's width so redrawing never misses a wrapped line", () => {
  const { out, renderer } = tty(40);
  const solve = renderer.solve({ target: "+w" });
  solve.onProgress(vertex("sha256:w", `RUN ${"x".repeat(100)}`).started());
  const [line] = screen(out.text);
  assert.equal(line, `    +w | RUN ${"x".repeat(20)}… 0.0s`);
  assert.equal(line!.length, 39);
  renderer.close();
});

test("a step with a lot of output streams it instead of holding it all", () => {
  const { out, renderer } = tty();
  const run = vertex("sha256:n", "RUN yes");
  const solve = renderer.solve({ target: "+n" });
  solve.onProgress(run.started());
  solve.onProgress(run.log("y\n".repeat(500)));
  const shown = screen(out.text);
  assert.equal(shown[0], "    +n | --> RUN yes");
  assert.equal(shown.filter((l) => l === "    +n | y").length, 500);
  assert.equal(shown.at(-1), "    +n | RUN yes 0.0s");
  renderer.close();
});

test("the live view is used only on a terminal", () => {
  const modes: Array<{ mode: "auto" | "tty"; isTTY: boolean; env: NodeJS.ProcessEnv; live: boolean }> = [
    { mode: "auto", isTTY: true, env: { TERM: "xterm" }, live: true },
    { mode: "auto", isTTY: false, env: {}, live: false },
    { mode: "tty", isTTY: false, env: {}, live: false },
    { mode: "auto", isTTY: true, env: { TERM: "dumb" }, live: false },
    { mode: "auto", isTTY: true, env: { TERM: "xterm", GITHUB_ACTIONS: "true" }, live: false },
  ];
  for (const c of modes) {
    const renderer = createRenderer({ mode: c.mode, out: new Collected({ isTTY: c.isTTY }), env: c.env, refreshMs: 0 });
    assert.equal(renderer instanceof TtyRenderer, c.live, JSON.stringify(c));
    renderer.close();
  }
});

test("a secret in a command cut to the terminal's width does not show even in part", () => {
  const out = new Collected({ isTTY: true, columns: 40 });
  const renderer = createRenderer({ mode: "tty", out, env: { NO_COLOR: "1", TERM: "xterm" }, secrets: ["correct-horse-battery"], prefixWidth: 6, now: () => 0, refreshMs: 0 });
  renderer.solve({ target: "+s" }).onProgress(vertex("sha256:s", "RUN login --password correct-horse-battery").started());
  assert.deepEqual(screen(out.text), ["    +s | RUN login --password *** 0.0s"]);
  renderer.close();
  assert.ok(!/correct|horse/.test(out.text));
});
