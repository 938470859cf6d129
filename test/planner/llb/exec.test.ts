import { test } from "node:test";
import assert from "node:assert/strict";
import { MountType, NetMode, SecurityMode, type ExecOp } from "../../../src/gen/pb/ops_pb.js";
import { defaultPathEnv, image, local, scratch, SourceMap } from "../../../src/planner/llb/index.js";
import { decode } from "./decode.js";

const base = image("busybox").env("A", "1").dir("/src").user("app");

function execOf(d: ReturnType<typeof decode>): ExecOp {
  assert.equal(d.root.op.case, "exec");
  return d.root.op.value as ExecOp;
}

test("a shell command runs with /bin/sh -c and inherits env, dir and user", () => {
  const exec = execOf(decode(base.run({ args: "make all" }).root()));
  assert.deepEqual(exec.meta?.args, ["/bin/sh", "-c", "make all"]);
  assert.deepEqual(exec.meta?.env, ["A=1", `PATH=${defaultPathEnv}`]);
  assert.equal(exec.meta?.cwd, "/src");
  assert.equal(exec.meta?.user, "app");
  assert.equal(exec.meta?.removeMountStubsRecursive, true);
});

test("per-run settings override the state's without changing it", () => {
  const exec = execOf(
    decode(base.env("PATH", "/bin").run({ args: ["env"], env: { A: "2", B: "3" }, cwd: "sub", user: "root" }).root()),
  );
  assert.deepEqual(exec.meta?.args, ["env"]);
  assert.deepEqual(exec.meta?.env, ["PATH=/bin", "A=2", "B=3"]);
  assert.equal(exec.meta?.cwd, "/src/sub");
  assert.equal(exec.meta?.user, "root");
});

test("network and security modes and their capabilities", () => {
  const cases = [
    { network: "sandbox", security: "sandbox", net: NetMode.SANDBOX, sec: SecurityMode.SANDBOX, caps: [] },
    { network: "none", security: "sandbox", net: NetMode.NONE, sec: SecurityMode.SANDBOX, caps: ["exec.meta.network"] },
    { network: "host", security: "insecure", net: NetMode.HOST, sec: SecurityMode.INSECURE, caps: ["exec.meta.network", "exec.meta.security"] },
  ] as const;
  for (const c of cases) {
    const d = decode(base.run({ args: ["true"], network: c.network, security: c.security }).root());
    const exec = execOf(d);
    assert.equal(exec.network, c.net);
    assert.equal(exec.security, c.sec);
    const caps = Object.keys(d.rootMetadata.caps);
    for (const cap of ["exec.meta.network", "exec.meta.security"]) {
      assert.equal(caps.includes(cap), (c.caps as readonly string[]).includes(cap), `${c.network}/${c.security}: ${cap}`);
    }
  }
});

test("mounts: sorted by target, writable binds numbered as outputs, secrets last", () => {
  const src = local("context");
  const run = base.run({
    args: ["build"],
    mounts: [
      { type: "secret", target: "/run/secrets/token", id: "token", mode: 0o440, uid: 10, gid: 20, optional: true },
      { type: "tmpfs", target: "/tmp", size: 1 << 20 },
      { type: "cache", target: "/root/.cache", id: "go-build", sharing: "locked" },
      { type: "bind", target: "/out", from: scratch() },
      { type: "bind", target: "/ctx", from: src, readonly: true, selector: "sub" },
    ],
  });
  const d = decode(run.getMount("/out"));
  const exec = execOf(d);
  const summary = exec.mounts.map((m) => [m.dest, MountType[m.mountType], Number(m.input), Number(m.output)]);
  assert.deepEqual(summary, [
    ["/", "BIND", 0, 0],
    ["/ctx", "BIND", 1, -1],
    ["/out", "BIND", -1, 1],
    ["/root/.cache", "CACHE", 2, -1],
    ["/tmp", "TMPFS", -1, -1],
    ["/run/secrets/token", "SECRET", 0, 0],
  ]);
  assert.equal(exec.mounts[1]!.readonly, true);
  assert.equal(exec.mounts[1]!.selector, "sub");
  assert.equal(exec.mounts[3]!.cacheOpt?.id, "go-build");
  // A cache mount without a source gets an empty /cache directory (a FileOp on scratch) as one.
  assert.equal(exec.mounts[3]!.selector, "/cache");
  const cacheSource = d.byDigest(d.root.inputs[2]!.digest);
  assert.equal(cacheSource.op.case, "file");
  assert.equal(cacheSource.inputs.length, 0);
  assert.equal(exec.mounts[4]!.tmpfsOpt?.size, 1048576n);
  assert.deepEqual(
    { ...exec.mounts[5]!.secretOpt, $typeName: undefined },
    { $typeName: undefined, id: "token", uid: 10, gid: 20, mode: 0o440, optional: true },
  );
  const terminal = d.ops[d.ops.length - 1]!;
  assert.equal(terminal.inputs[0]!.index, 1n, "getMount('/out') is the exec's output 1");
  assert.equal(d.root.inputs.length, 3);
  const caps = Object.keys(d.rootMetadata.caps);
  for (const cap of ["exec.mount.bind", "exec.mount.selector", "exec.mount.cache", "exec.mount.tmpfs.size", "exec.mount.secret"]) {
    assert.ok(caps.includes(cap), cap);
  }
  assert.throws(() => run.getMount("/root/.cache"), /no mount at \/root\/.cache with a result/);
  assert.equal(run.getMount("/ctx"), src, "a read-only mount's result is its source");
});

test("a RUN on scratch mounts nothing as its root input", () => {
  const exec = execOf(decode(scratch().run({ args: ["/bin/true"] }).root()));
  assert.equal(exec.mounts[0]!.input, -1n);
  assert.equal(exec.mounts[0]!.output, 0n);
});

test("secrets as environment variables", () => {
  const d = decode(base.run({ args: ["true"], secretEnv: [{ id: "tok", name: "TOKEN" }] }).root());
  const exec = execOf(d);
  assert.equal(exec.secretEnv[0]?.id, "tok");
  assert.equal(exec.secretEnv[0]?.name, "TOKEN");
});

test("description, ignore-cache and the source location reach the definition", () => {
  const buildfile = new SourceMap("Buildfile", "VERSION 0.8\nbuild:\n    RUN make\n");
  const range = { start: { line: 3, character: 4 }, end: { line: 3, character: 12 } };
  const d = decode(
    base.run({ args: "make", description: "+build RUN make", ignoreCache: true, location: buildfile.at(range) }).root(),
  );
  const digest = d.digests[d.digests.length - 2]!;
  const md = d.rootMetadata;
  assert.equal(md.description["llb.customname"], "+build RUN make");
  assert.equal(md.ignoreCache, true);
  assert.deepEqual(d.terminalCaps, ["constraints", "meta.description", "meta.ignorecache", "platform"]);
  const source = d.definition.source!;
  assert.equal(source.infos[0]?.filename, "Buildfile");
  assert.equal(new TextDecoder().decode(source.infos[0]?.data), "VERSION 0.8\nbuild:\n    RUN make\n");
  const loc = source.locations[digest]!.locations[0]!;
  assert.equal(loc.sourceIndex, 0);
  assert.deepEqual([loc.ranges[0]!.start!.line, loc.ranges[0]!.start!.character], [3, 4]);
});

test("a RUN without a command is refused", () => {
  assert.throws(() => base.run({ args: [] }), /needs a command/);
});

test("an SSH agent mount comes after secrets and sets SSH_AUTH_SOCK", () => {
  const d = decode(
    base
      .run({
        args: ["ssh-add", "-l"],
        mounts: [
          { type: "ssh", target: "/run/buildkit/ssh_agent.0" },
          { type: "secret", target: "/s", id: "s" },
        ],
      })
      .root(),
  );
  const exec = execOf(d);
  assert.deepEqual(exec.mounts.map((m) => [m.dest, MountType[m.mountType]]), [
    ["/", "BIND"],
    ["/s", "SECRET"],
    ["/run/buildkit/ssh_agent.0", "SSH"],
  ]);
  assert.deepEqual([exec.mounts[2]!.sshOpt?.id, exec.mounts[2]!.sshOpt?.mode], ["default", 0o600]);
  assert.deepEqual(exec.meta?.env, ["A=1", "SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0", `PATH=${defaultPathEnv}`]);
  assert.ok(Object.keys(d.rootMetadata.caps).includes("exec.mount.ssh"));
});
