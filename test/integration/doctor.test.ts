/** `ebuild doctor` on the real daemon, through the real CLI process. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ebuild, root } from "../cli/support/ebuild-process.js";

const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

test("ebuild doctor shows Docker's BuildKit, its version, workers and this machine's platform", () => {
  const result = ebuild(["doctor"], root, { BUILDKIT_HOST: "" });
  assert.equal(result.status, 0, result.stderr);
  const out = result.stdout;
  assert.match(out, /^daemon {4}(unix|tcp):\/\/\S+ \(Docker Engine's BuildKit/m);
  assert.match(out, /^connect {3}ok$/m);
  assert.match(out, /^buildkit {2}github\.com\/moby\/buildkit v\d+\.\d+/m);
  assert.match(out, /^workers {3}[1-9]\d*$/m);
  assert.match(out, new RegExp(`^platform  linux/${goArch[process.arch]} ok$`, "m"));
  assert.match(out, /^cache {5}\d+ records, /m);
  assert.match(out, /ebuild can build on this daemon/);
});
