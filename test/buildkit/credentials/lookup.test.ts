import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lookup } from "../../../src/buildkit/credentials/index.js";
import { EbuildError } from "../../../src/errors.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

// A real credential helper, written as a shell script: it answers per server address and logs
// each address it was asked for, so tests can see what ebuild sent on stdin.
const helperScript = `#!/bin/sh
[ "$1" = get ] || { echo "unexpected action $1" >&2; exit 3; }
IFS= read -r server
printf '%s\\n' "$server" >> "$HELPER_LOG"
case "$server" in
  127.0.0.1:7001) printf '{"ServerURL":"%s","Username":"alice","Secret":"from-helper"}\\n' "$server" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-tok"}\\n' "$server" ;;
  broken.test) echo "the keychain is on fire" >&2; exit 4 ;;
  garbage.test) echo "helper-secret-value not json" ;;
  shapeless.test) echo '{"Username": 1}' ;;
  slow.test) exec sleep 30 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

let root = "";
let binDir = "";
let helperLog = "";

before(async () => {
  root = await mkdtemp(join(tmpdir(), "ebuild-creds-"));
  binDir = join(root, "bin");
  helperLog = join(root, "helper.log");
  await mkdir(binDir);
  const helper = join(binDir, "docker-credential-ebuildtest");
  await writeFile(helper, helperScript);
  await chmod(helper, 0o755);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

let configCount = 0;
/** Writes a config.json in a fresh DOCKER_CONFIG folder and returns the env that points at it. */
async function envWithConfig(config: unknown): Promise<NodeJS.ProcessEnv> {
  const dir = join(root, `config-${configCount++}`);
  await mkdir(dir);
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  return {
    DOCKER_CONFIG: dir,
    HOME: root,
    PATH: `${binDir}:/usr/bin:/bin`,
    HELPER_LOG: helperLog,
  };
}

test("auths entries give credentials for the host in every key form", async () => {
  const cases: Array<{ name: string; auths: unknown; host: string; want: unknown }> = [
    { name: "base64 auth", auths: { "127.0.0.1:5000": { auth: b64("bob:pa:ss") } }, host: "127.0.0.1:5000", want: { username: "bob", secret: "pa:ss" } },
    { name: "username and password", auths: { "127.0.0.1:5000": { username: "u", password: "p" } }, host: "127.0.0.1:5000", want: { username: "u", secret: "p" } },
    { name: "auth wins over username/password", auths: { "127.0.0.1:5000": { auth: b64("a:b"), username: "u", password: "p" } }, host: "127.0.0.1:5000", want: { username: "a", secret: "b" } },
    { name: "identity token, no user name", auths: { "127.0.0.1:5000": { auth: b64("a:b"), identitytoken: "tok" } }, host: "127.0.0.1:5000", want: { username: "", secret: "tok" } },
    { name: "https:// key with a path", auths: { "https://127.0.0.1:5000/v2/": { auth: b64("h:s") } }, host: "127.0.0.1:5000", want: { username: "h", secret: "s" } },
    { name: "http:// key", auths: { "http://127.0.0.1:5000": { auth: b64("h:s") } }, host: "127.0.0.1:5000", want: { username: "h", secret: "s" } },
    { name: "exact key beats a same-host key", auths: { "https://127.0.0.1:5000": { auth: b64("x:1") }, "127.0.0.1:5000": { auth: b64("y:2") } }, host: "127.0.0.1:5000", want: { username: "y", secret: "2" } },
    { name: "Docker Hub asked as registry-1", auths: { "https://index.docker.io/v1/": { auth: b64("hub:pw") } }, host: "registry-1.docker.io", want: { username: "hub", secret: "pw" } },
    { name: "Docker Hub written as docker.io", auths: { "docker.io": { auth: b64("hub:pw") } }, host: "registry-1.docker.io", want: { username: "hub", secret: "pw" } },
    { name: "another port is another registry", auths: { "127.0.0.1:5000": { auth: b64("a:b") } }, host: "127.0.0.1:5001", want: undefined },
    { name: "an empty entry holds nothing", auths: { "127.0.0.1:5000": {} }, host: "127.0.0.1:5000", want: undefined },
    { name: "no auths at all", auths: undefined, host: "127.0.0.1:5000", want: undefined },
  ];
  for (const c of cases) {
    const env = await envWithConfig(c.auths === undefined ? {} : { auths: c.auths });
    assert.deepEqual(await lookup(c.host, { env }), c.want, c.name);
  }
});

test("a missing config file means no credentials", async () => {
  const env = { DOCKER_CONFIG: join(root, "nowhere"), HOME: root, PATH: "/usr/bin:/bin" };
  assert.equal(await lookup("127.0.0.1:5000", { env }), undefined);
});

test("an auth value that is not user:password is an error without the value", async () => {
  const env = await envWithConfig({ auths: { "127.0.0.1:5000": { auth: b64("no-colon-secret") } } });
  await assert.rejects(lookup("127.0.0.1:5000", { env }), (error: unknown) => {
    assert.ok(error instanceof EbuildError);
    assert.match(error.message, /"auth" for 127\.0\.0\.1:5000 .* is not base64/);
    assert.ok(!error.message.includes("no-colon-secret") && !error.message.includes(b64("no-colon-secret")));
    return true;
  });
});

test("credHelpers and credsStore answer through the helper program", async () => {
  const cases: Array<{ name: string; config: unknown; host: string; want: unknown; asked: string }> = [
    { name: "credHelpers for the host", config: { credHelpers: { "127.0.0.1:7001": "ebuildtest" } }, host: "127.0.0.1:7001", want: { username: "alice", secret: "from-helper" }, asked: "127.0.0.1:7001" },
    { name: "credsStore as the default", config: { credsStore: "ebuildtest" }, host: "127.0.0.1:7001", want: { username: "alice", secret: "from-helper" }, asked: "127.0.0.1:7001" },
    { name: "the helper beats an auths entry", config: { credsStore: "ebuildtest", auths: { "127.0.0.1:7001": { auth: b64("file:pw") } } }, host: "127.0.0.1:7001", want: { username: "alice", secret: "from-helper" }, asked: "127.0.0.1:7001" },
    { name: "a <token> user is an identity token", config: { credsStore: "ebuildtest" }, host: "registry-1.docker.io", want: { username: "", secret: "refresh-tok" }, asked: "https://index.docker.io/v1/" },
    { name: "the helper has nothing", config: { credsStore: "ebuildtest" }, host: "127.0.0.1:7999", want: undefined, asked: "127.0.0.1:7999" },
    { name: "credHelpers only for other hosts", config: { credHelpers: { "127.0.0.1:7001": "ebuildtest" }, auths: { "127.0.0.1:7002": { auth: b64("f:p") } } }, host: "127.0.0.1:7002", want: { username: "f", secret: "p" }, asked: "" },
  ];
  for (const c of cases) {
    await rm(helperLog, { force: true });
    const env = await envWithConfig(c.config);
    assert.deepEqual(await lookup(c.host, { env }), c.want, c.name);
    const asked = await readFile(helperLog, "utf8").catch(() => "");
    assert.equal(asked.trim(), c.asked, `${c.name}: server address on stdin`);
  }
});

test("helper failures are clear errors that never quote the helper's answer", async () => {
  const cases: Array<{ name: string; config: unknown; host: string; message: RegExp; timeoutMs?: number }> = [
    { name: "helper not on PATH", config: { credsStore: "absent" }, host: "127.0.0.1:7001", message: /docker-credential-absent \(for 127\.0\.0\.1:7001\) is not on PATH/ },
    { name: "helper exits non-zero", config: { credsStore: "ebuildtest" }, host: "broken.test", message: /docker-credential-ebuildtest failed for broken\.test \(exit code 4\): the keychain is on fire/ },
    { name: "helper prints non-JSON", config: { credsStore: "ebuildtest" }, host: "garbage.test", message: /answered garbage\.test with something that is not JSON$/ },
    { name: "helper prints the wrong JSON", config: { credsStore: "ebuildtest" }, host: "shapeless.test", message: /without a "Username" and "Secret" string/ },
    { name: "helper hangs", config: { credsStore: "ebuildtest" }, host: "slow.test", message: /did not answer for slow\.test within 0\.3 s/, timeoutMs: 300 },
    { name: "not a helper name", config: { credHelpers: { "127.0.0.1:7001": "../evil" } }, host: "127.0.0.1:7001", message: /"\.\.\/evil" is not a credential helper name/ },
  ];
  for (const c of cases) {
    const env = await envWithConfig(c.config);
    await assert.rejects(
      lookup(c.host, { env, ...(c.timeoutMs === undefined ? {} : { helperTimeoutMs: c.timeoutMs }) }),
      (error: unknown) => {
        assert.ok(error instanceof EbuildError, c.name);
        assert.equal(error.kind, "build", c.name);
        assert.match(error.message, c.message, c.name);
        assert.ok(!error.message.includes("helper-secret-value"), c.name);
        return true;
      },
    );
  }
});
