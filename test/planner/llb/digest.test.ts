import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { digestOf, sha256Hex } from "../../../src/planner/llb/digest.js";

test("sha256 agrees with node:crypto around every padding boundary", () => {
  for (const size of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 70_000]) {
    const data = new Uint8Array(size).map((_, i) => (i * 131 + 7) & 0xff);
    assert.equal(sha256Hex(data), createHash("sha256").update(data).digest("hex"), `size ${size}`);
  }
});

test("a digest is sha256: and the hex of the bytes' hash", () => {
  assert.equal(
    digestOf(new TextEncoder().encode("abc")),
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});
