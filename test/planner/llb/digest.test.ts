import { test } from "node:test";
import assert from "node:assert/strict";
import { digestOf, sha256Hex } from "../../../src/planner/llb/digest.js";

// Known answers (FIPS 180-4 examples and the empty message), independent of how the hash is computed.
test("sha256 gives the standard's known answers", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  assert.equal(sha256Hex(new Uint8Array(0)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(sha256Hex(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  assert.equal(sha256Hex(new Uint8Array(1_000_000).fill(0x61)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
});

test("a digest is sha256: and the hex of the bytes' hash", () => {
  assert.equal(
    digestOf(new TextEncoder().encode("abc")),
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});
