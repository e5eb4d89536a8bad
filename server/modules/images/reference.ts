// Image references as the engine reads them (distribution's grammar): [domain/]path[:tag][@digest].
// Pure and shared with the browser: the pull form checks what is typed with the same rules.
// A reference that passes here is also safe to put in an engine request path (no ?, #, %,
// spaces or ..).

export interface ImageReference {
  /** "10.0.0.5:5000", "ghcr.io"; absent for Docker Hub's short names */
  domain?: string;
  /** "library/busybox", "team/app" */
  path: string;
  tag?: string;
  /** "sha256:…" */
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_PART =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]{1,5})?$/;
const IPV6_DOMAIN = /^\[[0-9a-fA-F:]+\](?::[0-9]{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** Docker Hub's names for itself: a reference on any of them is a Hub reference. */
export const DOCKER_HUB_HOSTS = ["docker.io", "index.docker.io", "registry-1.docker.io"] as const;

export class ReferenceError extends Error {}

/** Parses a reference; throws ReferenceError with a message a person can act on. */
export function parseReference(text: string): ImageReference {
  const input = text.trim();
  if (!input) throw new ReferenceError("Name an image, e.g. busybox:latest or registry.example.com/team/app:1.2.");
  if (input.length > 512) throw new ReferenceError("An image reference is at most 512 characters.");
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ReferenceError(`"${digest}" is not a digest (sha256:<64 hex digits>).`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw new ReferenceError(
        `"${tag}" is not a tag: letters, digits, _ . and -, at most 128, not starting with . or -.`,
      );
    }
  }
  const parts = rest.split("/");
  let domain: string | undefined;
  const first = parts[0] ?? "";
  if (
    parts.length > 1 &&
    (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["))
  ) {
    domain = first;
    parts.shift();
    if (!DOMAIN_PART.test(domain) && !IPV6_DOMAIN.test(domain)) {
      throw new ReferenceError(`"${domain}" is not a registry host (host or host:port).`);
    }
  }
  if (!parts.length || parts.some((p) => !COMPONENT.test(p))) {
    throw new ReferenceError(
      `"${rest}" is not an image name: lower-case letters, digits and separators (. _ __ -), parts joined by /.`,
    );
  }
  return {
    ...(domain ? { domain } : {}),
    path: parts.join("/"),
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** The reference as text, as `docker` would print it when given this. */
export function formatReference(ref: ImageReference): string {
  return `${ref.domain ? `${ref.domain}/` : ""}${ref.path}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** Whether the text is a valid reference (for schemas). */
export function isReference(text: string): boolean {
  try {
    parseReference(text);
    return true;
  } catch {
    return false;
  }
}

/** The registry host a reference lives on: its domain, or docker.io. */
export function registryHostOf(ref: ImageReference): string {
  return ref.domain ?? "docker.io";
}

export function isDockerHubHost(host: string): boolean {
  return (DOCKER_HUB_HOSTS as readonly string[]).includes(host.toLowerCase());
}

/** Do two registry hosts name the same registry (Docker Hub's aliases included)? */
export function sameRegistryHost(a: string, b: string): boolean {
  if (isDockerHubHost(a) && isDockerHubHost(b)) return true;
  return a.toLowerCase() === b.toLowerCase();
}

/** The repository (reference without tag or digest), as `docker push` names it. */
export function repositoryOf(ref: ImageReference): string {
  return `${ref.domain ? `${ref.domain}/` : ""}${ref.path}`;
}
