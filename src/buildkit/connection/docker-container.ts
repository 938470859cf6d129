/**
 * A BuildKit daemon inside a container (buildx's docker-container driver): `docker exec -i NAME
 * buildctl dial-stdio` bridges the container's daemon socket to the child's stdin and stdout, and
 * those two pipes become our byte stream.
 */
import { spawn } from "node:child_process";
import { Duplex } from "node:stream";

/** Starts `docker exec` and returns its stdio as one Duplex; stderr is kept for error messages. */
export function dialDockerContainer(container: string, signal: AbortSignal): Promise<Duplex & { stderrText: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("docker", ["exec", "-i", container, "buildctl", "dial-stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    const stdout = child.stdout;
    const stdin = child.stdin;
    const duplex = new Duplex({
      read() {
        stdout.resume();
      },
      write(chunk: Buffer, _encoding, callback) {
        stdin.write(chunk, callback);
      },
      final(callback) {
        stdin.end(callback);
      },
      destroy(error, callback) {
        if (child.exitCode === null) child.kill();
        callback(error);
      },
    }) as Duplex & { stderrText: () => string };
    duplex.stderrText = () => stderr.trim();
    stdout.on("data", (chunk: Buffer) => {
      if (!duplex.push(chunk)) stdout.pause();
    });
    stdout.on("end", () => duplex.push(null));
    stdin.on("error", (error) => duplex.destroy(error));
    child.on("exit", (code) => {
      const why = stderr.trim() || `docker exec exited with code ${code}`;
      duplex.destroy(new Error(why));
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "ENOENT" ? new Error("the docker command is not installed") : error);
    });
    const onAbort = () => child.kill();
    signal.addEventListener("abort", onAbort, { once: true });
    // The process has started once spawn succeeds; whether the daemon answers is known only after
    // the HTTP/2 handshake, which the caller runs under the same signal.
    child.once("spawn", () => {
      signal.removeEventListener("abort", onAbort);
      resolve(duplex);
    });
  });
}
