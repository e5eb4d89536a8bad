// Saved registries: kept with the password sealed (server/crypto), tested against the
// registry's API before they are saved, and handed to the engines as X-Registry-Auth for a
// pull or push. The password leaves this file only sealed, or in that header.
import type { PrismaClient } from "../../generated/prisma/client";
import type { SecretBox } from "../../crypto/secret-box";
import { isDockerHubHost } from "../images/reference";
import { ResourceConflictError, ResourceNotFoundError } from "../shared/errors";
import { normaliseRegistryUrl, RegistryClient, RegistryProblem, registryHostOfUrl, type AuthKind } from "./client";
import type { RegistryView } from "./contract";

export interface RegistryDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
}

type Row = Awaited<ReturnType<PrismaClient["registry"]["findUniqueOrThrow"]>>;

export function viewOf(row: Row): RegistryView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    host: registryHostOfUrl(row.url),
    username: row.username,
    hasPassword: row.passwordSealed !== null,
    skipTlsVerify: row.skipTlsVerify,
    authKind: row.authKind,
    lastTestedAt: row.lastTestedAt?.toISOString() ?? null,
    lastTestError: row.lastTestError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listRegistries(deps: RegistryDeps): Promise<RegistryView[]> {
  const rows = await deps.prisma.registry.findMany({ orderBy: { name: "asc" } });
  return rows.map(viewOf);
}

async function rowOf(deps: RegistryDeps, id: string): Promise<Row> {
  const row = await deps.prisma.registry.findUnique({ where: { id } });
  if (!row) throw new ResourceNotFoundError("There is no such saved registry.");
  return row;
}

export async function getRegistry(deps: RegistryDeps, id: string): Promise<RegistryView> {
  return viewOf(await rowOf(deps, id));
}

/** A client for a saved registry, with its credentials opened. Close it after use. */
export async function clientFor(deps: RegistryDeps, id: string): Promise<{ row: Row; client: RegistryClient }> {
  const row = await rowOf(deps, id);
  const password = row.passwordSealed ? deps.secrets.open(row.passwordSealed) : null;
  return {
    row,
    client: new RegistryClient(
      { url: row.url, skipTlsVerify: row.skipTlsVerify },
      { username: row.username, password },
    ),
  };
}

interface Candidate {
  url: string;
  username: string | null;
  password: string | null;
  skipTlsVerify: boolean;
}

/** Asks the registry: the way it authenticates, or what failed. */
export async function testRegistry(candidate: Candidate): Promise<AuthKind> {
  const client = new RegistryClient(
    { url: candidate.url, skipTlsVerify: candidate.skipTlsVerify },
    { username: candidate.username, password: candidate.password },
  );
  try {
    return (await client.check()).authKind;
  } finally {
    client.close();
  }
}

export interface SaveOptions {
  saveUntested: boolean;
}

/** The outcome of a test for a row: the kind, or the error (kept when saving untested). */
async function tested(candidate: Candidate, options: SaveOptions) {
  try {
    return { authKind: await testRegistry(candidate), lastTestError: null, lastTestedAt: new Date() };
  } catch (error) {
    if (!(error instanceof RegistryProblem) || !options.saveUntested) throw error;
    return { authKind: null, lastTestError: error.message, lastTestedAt: new Date() };
  }
}

async function nameFree(deps: RegistryDeps, name: string, except?: string): Promise<void> {
  const other = await deps.prisma.registry.findUnique({ where: { name }, select: { id: true } });
  if (other && other.id !== except) throw new ResourceConflictError(`A registry named ${name} is saved already.`);
}

export async function createRegistry(
  deps: RegistryDeps,
  input: { name: string; url: string; username?: string; password?: string; skipTlsVerify: boolean },
  options: SaveOptions,
): Promise<RegistryView> {
  const url = normaliseRegistryUrl(input.url);
  await nameFree(deps, input.name);
  const candidate: Candidate = {
    url,
    username: input.username || null,
    password: input.password || null,
    skipTlsVerify: input.skipTlsVerify,
  };
  const test = await tested(candidate, options);
  const row = await deps.prisma.registry.create({
    data: {
      name: input.name,
      url,
      username: candidate.username,
      passwordSealed: candidate.password ? deps.secrets.seal(candidate.password) : null,
      skipTlsVerify: input.skipTlsVerify,
      ...test,
    },
  });
  return viewOf(row);
}

export async function updateRegistry(
  deps: RegistryDeps,
  input: {
    id: string;
    name?: string;
    url?: string;
    username?: string;
    password?: string;
    clearPassword?: boolean;
    skipTlsVerify?: boolean;
  },
  options: SaveOptions,
): Promise<RegistryView> {
  const row = await rowOf(deps, input.id);
  if (input.name !== undefined) await nameFree(deps, input.name, row.id);
  const url = input.url !== undefined ? normaliseRegistryUrl(input.url) : row.url;
  const password =
    input.password !== undefined && input.password !== ""
      ? input.password
      : input.clearPassword
        ? null
        : row.passwordSealed
          ? deps.secrets.open(row.passwordSealed)
          : null;
  const candidate: Candidate = {
    url,
    username: input.username !== undefined ? input.username || null : row.username,
    password,
    skipTlsVerify: input.skipTlsVerify ?? row.skipTlsVerify,
  };
  const test = await tested(candidate, options);
  const updated = await deps.prisma.registry.update({
    where: { id: row.id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      url,
      username: candidate.username,
      passwordSealed: candidate.password ? deps.secrets.seal(candidate.password) : null,
      skipTlsVerify: candidate.skipTlsVerify,
      ...test,
    },
  });
  return viewOf(updated);
}

/** Tests a saved registry again and records the outcome; throws what failed. */
export async function retestRegistry(deps: RegistryDeps, id: string): Promise<RegistryView> {
  const row = await rowOf(deps, id);
  const candidate: Candidate = {
    url: row.url,
    username: row.username,
    password: row.passwordSealed ? deps.secrets.open(row.passwordSealed) : null,
    skipTlsVerify: row.skipTlsVerify,
  };
  try {
    const authKind = await testRegistry(candidate);
    return viewOf(
      await deps.prisma.registry.update({
        where: { id },
        data: { authKind, lastTestError: null, lastTestedAt: new Date() },
      }),
    );
  } catch (error) {
    if (error instanceof RegistryProblem) {
      await deps.prisma.registry.update({
        where: { id },
        data: { lastTestError: error.message, lastTestedAt: new Date() },
      });
    }
    throw error;
  }
}

export async function removeRegistry(deps: RegistryDeps, id: string): Promise<RegistryView> {
  const row = await rowOf(deps, id);
  await deps.prisma.registry.delete({ where: { id } });
  return viewOf(row);
}

/**
 * The X-Registry-Auth value the docker client sends: the auth JSON in URL-safe base64 with
 * its padding (the engine decodes with Go's base64.URLEncoding).
 */
export function encodeEngineAuth(auth: { username?: string; password?: string; serveraddress?: string }): string {
  return Buffer.from(JSON.stringify(auth)).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}

/** What an engine needs to pull or push with a saved registry's credentials. */
export async function engineAuthFor(
  deps: RegistryDeps,
  id: string,
): Promise<{ registry: RegistryView; header: string }> {
  const row = await rowOf(deps, id);
  const host = registryHostOfUrl(row.url);
  const password = row.passwordSealed ? deps.secrets.open(row.passwordSealed) : undefined;
  return {
    registry: viewOf(row),
    header: encodeEngineAuth({
      ...(row.username ? { username: row.username } : {}),
      ...(password ? { password } : {}),
      // Docker Hub's credentials are filed under its v1 index address, as `docker login` files them.
      serveraddress: isDockerHubHost(host.replace(/:443$/, "")) ? "https://index.docker.io/v1/" : host,
    }),
  };
}
