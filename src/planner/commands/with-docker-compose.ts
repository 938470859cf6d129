/**
 * WITH DOCKER --compose: which images the compose project needs. As in Earthly, compose itself
 * reads the files (`docker compose config`, run in the target's state just before the block, so
 * the files are the ones COPY put there, relative to WORKDIR, and `${VAR}`s see what the RUN
 * sees); the --service names are checked against the project, and the chosen services with
 * everything they depend on name the images the inner dockerd gets, unless --load or --pull
 * already name them.
 */
import { EbuildError, type SourcePosition } from "../../errors.js";
import { shellQuote } from "./with-docker-script.js";

/** A compose service as `docker compose config` resolves it. */
export interface ComposeService {
  name: string;
  image?: string;
  platform?: string;
  /** depends_on, into which compose also folds links, volumes_from and network_mode service:. */
  dependsOn: string[];
}

/** A --service value and where it was written. */
export interface WantedService {
  name: string;
  at: SourcePosition;
}

const answerTag = "ebuild-compose:";

/**
 * The shell command that prints compose's view of the project: a first line `ebuild-compose:
 * config` and the JSON config, `ebuild-compose: error` and compose's message, or
 * `ebuild-compose: missing` when the image has no Docker Compose. It always exits 0, so that
 * compose's own message, not a bare status, reaches the user.
 */
export function composeConfigCommand(files: readonly string[]): string {
  const fileArgs = files.flatMap((file) => ["-f", shellQuote(file)]).join(" ");
  return [
    `if docker compose version >/dev/null 2>&1; then set -- docker compose`,
    `elif command -v docker-compose >/dev/null 2>&1; then set -- docker-compose`,
    `else echo '${answerTag} missing'; exit 0; fi`,
    `if config=$("$@" ${fileArgs} config --format json 2>&1); then printf '${answerTag} config\\n%s\\n' "$config"; else printf '${answerTag} error\\n%s\\n' "$config"; fi`,
  ].join("\n");
}

/** The services of the project, from the output of `composeConfigCommand`. */
export function parseComposeAnswer(output: string, files: readonly string[], target: string, at: SourcePosition): ComposeService[] {
  const newline = output.indexOf("\n");
  const head = (newline < 0 ? output : output.slice(0, newline)).trim();
  const body = newline < 0 ? "" : output.slice(newline + 1).trim();
  const flag = `WITH DOCKER --compose ${files.join(" ")}`;
  if (head === `${answerTag} missing`) {
    throw new EbuildError("semantic", `${flag} needs Docker Compose in the image of ${target}: neither \`docker compose\` nor \`docker-compose\` runs there`, {
      at,
      hint: "start the target FROM an image with the Docker Compose plugin (Debian's docker-compose, Alpine's docker-cli-compose)",
    });
  }
  if (head === `${answerTag} error`) {
    throw new EbuildError("semantic", `${flag}: compose cannot read the project: ${body || "it gave no reason"}`, {
      at,
      hint: "COPY the compose files into the target before WITH DOCKER; their paths are relative to its WORKDIR",
    });
  }
  if (head !== `${answerTag} config`) {
    throw new EbuildError("internal", `${flag}: unexpected answer from the compose check: ${output.slice(0, 200)}`, { at });
  }
  let config: unknown;
  try {
    config = JSON.parse(body);
  } catch (error) {
    throw new EbuildError("semantic", `${flag}: compose printed a config that is not JSON (${(error as Error).message})`, {
      at,
      hint: "use Docker Compose 2, whose `config --format json` this reads",
    });
  }
  return servicesOf(config);
}

function servicesOf(config: unknown): ComposeService[] {
  const services = (config as { services?: unknown } | null)?.services;
  if (services === null || typeof services !== "object") return [];
  return Object.entries(services as Record<string, unknown>).map(([name, value]) => {
    const service = (value ?? {}) as { image?: unknown; platform?: unknown; depends_on?: unknown };
    const dependsOn = service.depends_on;
    return {
      name,
      ...(typeof service.image === "string" && service.image !== "" ? { image: service.image } : {}),
      ...(typeof service.platform === "string" && service.platform !== "" ? { platform: service.platform } : {}),
      dependsOn: Array.isArray(dependsOn) ? dependsOn.map(String) : dependsOn !== null && typeof dependsOn === "object" ? Object.keys(dependsOn) : [],
    };
  });
}

/**
 * The services `docker compose up` starts: the --service ones (every service without any) and,
 * transitively, what they depend on. A --service the project does not have is an error at it.
 */
export function servicesToStart(services: readonly ComposeService[], wanted: readonly WantedService[], files: readonly string[]): ComposeService[] {
  const byName = new Map(services.map((service) => [service.name, service]));
  for (const { name, at } of wanted) {
    if (!byName.has(name)) {
      const names = [...byName.keys()].sort();
      throw new EbuildError("semantic", `WITH DOCKER --service ${name}: ${files.join(", ")} has no service ${name}`, {
        at,
        hint: names.length === 0 ? "the compose project has no services" : `its services are: ${names.join(", ")}`,
      });
    }
  }
  if (wanted.length === 0) return [...services];
  const chosen = new Map<string, ComposeService>();
  const visit = (name: string) => {
    const service = byName.get(name);
    if (service === undefined || chosen.has(name)) return;
    chosen.set(name, service);
    for (const dependency of service.dependsOn) visit(dependency);
  };
  for (const { name } of wanted) visit(name);
  return [...chosen.values()];
}
