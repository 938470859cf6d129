/** Docker image reference normalisation, as the daemon and `docker pull` apply it. */
import { EbuildError } from "../../errors.js";

const defaultDomain = "docker.io";
const officialPrefix = "library/";

/**
 * The fully qualified form of an image reference: a short name gets the default registry (and
 * `library/` for single-component names) and a reference without tag or digest gets `:latest`.
 * `busybox` becomes `docker.io/library/busybox:latest`; `localhost:5000/app@sha256:…` is unchanged.
 */
export function normalizeImageRef(ref: string): string {
  if (ref === "" || /\s/.test(ref)) throw invalidRef(ref, "");
  const at = ref.indexOf("@");
  const namePart = at >= 0 ? ref.slice(0, at) : ref;
  const digest = at >= 0 ? ref.slice(at) : "";
  if (digest !== "" && !/^@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) {
    throw invalidRef(ref, "bad digest");
  }

  // A tag is a colon after the last slash (a colon before it is a registry port).
  const lastSlash = namePart.lastIndexOf("/");
  const colon = namePart.indexOf(":", lastSlash + 1);
  const name = colon >= 0 ? namePart.slice(0, colon) : namePart;
  const tag = colon >= 0 ? namePart.slice(colon + 1) : "";
  if (colon >= 0 && !/^[\w][\w.-]{0,127}$/.test(tag)) {
    throw invalidRef(ref, `bad tag "${tag}"`);
  }

  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  let domain = hasDomain ? first : defaultDomain;
  let path = hasDomain ? name.slice(slash + 1) : name;
  if (domain === "index.docker.io") domain = defaultDomain;
  if (domain === defaultDomain && !path.includes("/")) path = officialPrefix + path;
  if (path !== path.toLowerCase()) {
    throw invalidRef(ref, "repository name must be lowercase");
  }
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) {
    throw invalidRef(ref, "");
  }

  const suffix = tag !== "" ? `:${tag}` : digest === "" ? ":latest" : "";
  return `${domain}/${path}${suffix}${digest}`;
}

function invalidRef(ref: string, reason: string): EbuildError {
  return new EbuildError("semantic", `invalid image reference "${ref}"${reason ? `: ${reason}` : ""}`, {
    hint: "write NAME[:TAG][@DIGEST], e.g. busybox:1.36 or registry.example:5000/team/app:v1",
  });
}
