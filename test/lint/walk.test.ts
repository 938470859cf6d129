import { test } from "node:test";
import assert from "node:assert/strict";
import { installStep } from "../../src/lint/rules/copy-order.js";
import { looksSecret } from "../../src/lint/rules/secrets.js";
import { variableUses } from "../../src/lint/walk.js";

test("variableUses finds what ebuild expands, with Dockerfile quoting", () => {
  const cases: Array<[string, string[]]> = [
    ["app:$TAG", ["TAG@4"]],
    ["${REG}/app:${TAG:-dev}", ["REG@0", "TAG@11"]],
    ["'$LITERAL'/$REAL", ["REAL@11"]],
    ['"$QUOTED"', ["QUOTED@1"]],
    ["\\$ESCAPED$X", ["X@9"]],
    ["$(echo $INSIDE)-$AFTER", ["AFTER@16"]],
    ["$(a $(b $C))$D", ["D@12"]],
    ["cost: $5 and $", []],
  ];
  for (const [text, expected] of cases) {
    assert.deepEqual(variableUses(text).map((u) => `${u.name}@${u.index}`), expected, text);
  }
});

test("looksSecret compares whole name parts", () => {
  const secret = ["NPM_TOKEN", "db_password", "apiKey", "AWS_SECRET_ACCESS_KEY", "GH-AUTH", "PASSWD", "API_KEY"];
  const harmless = ["KEYRING_DIR", "TOKENIZER", "PUBLIC_KEY", "SSH_KEY_FILE", "AUTHOR", "MONKEY", "KEY_ID", "VERSION"];
  for (const name of secret) assert.equal(looksSecret(name), true, name);
  for (const name of harmless) assert.equal(looksSecret(name), false, name);
});

test("installStep recognises dependency installs, not builds", () => {
  const installs: Array<[string, string]> = [
    ["npm ci && npm run build", "npm ci"],
    ["yarn install --frozen-lockfile", "yarn install --frozen-lockfile"],
    ["pip install --no-cache-dir -r requirements.txt", "pip install --no-cache-dir -r"],
    ["go mod download", "go mod download"],
    ["apt-get -y install curl", "apt-get -y install"],
  ];
  for (const [text, step] of installs) assert.equal(installStep(text), step, text);
  for (const text of ["npm run build", "go build ./...", "yarn build", "pip install .", "make"]) assert.equal(installStep(text), undefined, text);
});
