/**
 * Reading a file out of a result solved inside a bridge build: how `$(...)` gets its output
 * without exporting anything.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GatewayBuild } from "../../src/buildkit/gateway.js";
import { EbuildError } from "../../src/errors.js";
import { runOnImage } from "../buildkit/support/tiny-llb.js";
import { useDaemon } from "../support/daemon.js";

const daemon = useDaemon({ session: true });

test("a file written by a RUN is read back from the solved result", async () => {
  const build = GatewayBuild.open(daemon.client, { sessionId: daemon.session.sessionId, internal: true });
  try {
    const marker = `${process.pid}-${Date.now()}`;
    const { definition } = runOnImage("ebuild-fixture/busybox:latest", `printf 'out %s\\n' ${marker} > /shell-out`);
    const ref = await build.solve(definition, { evaluate: true });
    const data = await build.readFile(ref, "/shell-out");
    assert.equal(new TextDecoder().decode(data), `out ${marker}\n`);
    const limited = await build.readFile(ref, "/shell-out", { maxBytes: 3 });
    assert.equal(new TextDecoder().decode(limited), "out");
    await assert.rejects(build.readFile(ref, "/no/such/file"), (error: unknown) => error instanceof EbuildError && /no\/such\/file/.test(error.message));
  } finally {
    await build.finish();
  }
});
