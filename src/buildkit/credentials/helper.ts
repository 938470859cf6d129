/**
 * Docker credential helpers (`docker-credential-<name>`): the protocol is `get` as the only argument,
 * the server address on stdin, and `{"ServerURL","Username","Secret"}` as JSON on stdout.
 */
import { execFile, type ExecFileException } from "node:child_process";
import { EbuildError } from "../../errors.js";

/** What a helper knows about one registry. */
export interface HelperCredentials {
  username: string;
  secret: string;
}

export interface RunHelperOptions {
  /** Environment for the helper; its PATH is where the helper is looked for. */
  env?: NodeJS.ProcessEnv;
  /** A helper that has not answered by then is killed (it may be waiting on a locked keychain). */
  timeoutMs?: number;
}

/** Helpers answer quickly unless they wait for a human; a build should not hang on one forever. */
export const defaultHelperTimeoutMs = 15_000;

// The message docker-credential-helpers print when they hold nothing for the server.
const notFoundMessage = "credentials not found in native keychain";

/** The first line of a helper's complaint, short enough for an error message. */
function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * Asks `docker-credential-<name>` for the credentials of `server`; undefined when it has none.
 * Failures become EbuildErrors that name the helper and the registry, never the secret.
 */
export async function runCredentialHelper(
  name: string,
  server: string,
  options: RunHelperOptions = {},
): Promise<HelperCredentials | undefined> {
  const program = `docker-credential-${name}`;
  const timeoutMs = options.timeoutMs ?? defaultHelperTimeoutMs;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new EbuildError("build", `"${name}" is not a credential helper name (needed for ${server})`, {
      hint: "credsStore and credHelpers name a program docker-credential-<name> on PATH",
    });
  }

  const { stdout, stderr, error } = await new Promise<{
    stdout: string;
    stderr: string;
    error: ExecFileException | null;
  }>((resolve) => {
    const child = execFile(
      program,
      ["get"],
      { env: options.env ?? process.env, timeout: timeoutMs, maxBuffer: 1024 * 1024 },
      (err, out, errOut) => resolve({ stdout: String(out), stderr: String(errOut), error: err }),
    );
    // A helper that exits before reading stdin must not crash us with EPIPE.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(server);
  });

  if (error) {
    if (error.code === "ENOENT") {
      throw new EbuildError("build", `the credential helper ${program} (for ${server}) is not on PATH`, {
        hint: `install ${program}, or remove it from credsStore/credHelpers in your Docker config`,
      });
    }
    if (error.killed) {
      throw new EbuildError(
        "build",
        `the credential helper ${program} did not answer for ${server} within ${timeoutMs / 1000} s`,
        { hint: "it may be waiting for a locked keychain; unlock it or run the helper by hand" },
      );
    }
    if (stdout.includes(notFoundMessage)) return undefined;
    const said = firstLine(stderr) || firstLine(stdout);
    const exit = typeof error.code === "number" ? `exit code ${error.code}` : "it failed";
    throw new EbuildError(
      "build",
      `the credential helper ${program} failed for ${server} (${exit})${said ? `: ${said}` : ""}`,
      { hint: `try: echo ${server} | ${program} get` },
    );
  }

  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    // Never quote the output: it may be a secret in a shape we do not understand.
    throw new EbuildError("build", `the credential helper ${program} answered ${server} with something that is not JSON`);
  }
  const { Username: username, Secret: secret } = (answer ?? {}) as Record<string, unknown>;
  if (typeof username !== "string" || typeof secret !== "string") {
    throw new EbuildError(
      "build",
      `the credential helper ${program} answered ${server} without a "Username" and "Secret" string`,
    );
  }
  if (username === "" && secret === "") return undefined;
  return { username, secret };
}
