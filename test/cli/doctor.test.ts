/**
 * `ebuild doctor` when no daemon answers, through the real CLI process: it names the address it
 * tried, says how to fix it and exits 6. (The healthy case is in test/integration/doctor.test.ts.)
 */
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { unusedPort } from "../support/ports.js";
import { ebuild, root } from "./support/ebuild-process.js";

const missingSocket = path.join(os.tmpdir(), `ebuild-doctor-${process.pid}.sock`);

const doctor = (env: NodeJS.ProcessEnv, args: string[] = []) => ebuild(["doctor", ...args], root, { BUILDKIT_HOST: "", DOCKER_HOST: "", ...env });

const cases: Array<{ name: string; env: () => Promise<NodeJS.ProcessEnv> | NodeJS.ProcessEnv; args?: string[]; address: string; hint: RegExp }> = [
  {
    name: "BUILDKIT_HOST at a missing unix socket",
    env: () => ({ BUILDKIT_HOST: `unix://${missingSocket}` }),
    address: `unix://${missingSocket}`,
    hint: /start buildkitd listening there/,
  },
  {
    name: "--buildkit-host at a closed tcp port",
    env: () => ({}),
    args: ["--buildkit-host", "tcp://127.0.0.1:PORT"],
    address: "tcp://127.0.0.1:PORT",
    hint: /start buildkitd listening there/,
  },
  {
    name: "DOCKER_HOST at a missing socket",
    env: () => ({ DOCKER_HOST: `unix://${missingSocket}` }),
    address: `unix://${missingSocket}`,
    hint: /start Docker at DOCKER_HOST=.*or unset DOCKER_HOST/,
  },
];

for (const c of cases) {
  test(`ebuild doctor with ${c.name}: names the address, says how to fix it, exits 6`, async () => {
    const port = String(await unusedPort());
    const args = (c.args ?? []).map((a) => a.replace("PORT", port));
    const address = c.address.replace("PORT", port);
    const { status, stdout, stderr } = doctor(await c.env(), args);
    assert.equal(status, 6, `stdout: ${stdout}\nstderr: ${stderr}`);
    assert.ok(stdout.includes(`daemon    ${address}`), stdout);
    assert.match(stdout, /connect {3}failed/);
    assert.ok(stderr.includes(`error: cannot reach the BuildKit daemon at ${address}`), stderr);
    assert.match(stderr, new RegExp(`hint: ${c.hint.source}`));
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  });
}

test("ebuild doctor with an address it cannot parse is a usage error (exit 2)", () => {
  const { status, stderr } = doctor({ BUILDKIT_HOST: "ssh://somewhere" });
  assert.equal(status, 2);
  assert.match(stderr, /cannot use daemon address "ssh:\/\/somewhere": unsupported scheme/);
});
