// Between an Environment row (keys sealed at rest) and what the fleet needs to connect.
import type { SecretBox } from "../crypto/secret-box";
import { parseHostKey, type EnvironmentDescriptor } from "../docker/index";
import type { Environment } from "../generated/prisma/client";

export function descriptorOf(row: Environment, secrets: SecretBox): EnvironmentDescriptor {
  const descriptor: EnvironmentDescriptor = { id: row.id, name: row.name, url: row.url };
  if (row.tlsCa || row.tlsCert || row.tlsKeySealed) {
    descriptor.tls = {
      ca: row.tlsCa ?? undefined,
      cert: row.tlsCert ?? undefined,
      key: row.tlsKeySealed ? secrets.open(row.tlsKeySealed) : undefined,
    };
  }
  if (row.sshKeySealed || row.sshPassSealed || row.sshHostKey) {
    descriptor.ssh = {
      privateKey: row.sshKeySealed ? secrets.open(row.sshKeySealed) : undefined,
      passphrase: row.sshPassSealed ? secrets.open(row.sshPassSealed) : undefined,
      hostKey: row.sshHostKey ?? undefined,
    };
  }
  return descriptor;
}

/** What a browser may see of an environment: never a key, only whether one is set. */
export function presentEnvironment(row: Environment) {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    tags: row.tags,
    group: row.group,
    paused: row.paused,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    tls: { ca: Boolean(row.tlsCa), cert: Boolean(row.tlsCert), key: Boolean(row.tlsKeySealed) },
    ssh: { key: Boolean(row.sshKeySealed), hostKey: hostKeyShown(row.sshHostKey) },
  };
}

/** A pinned SSH host key as an administrator checks it: its type and SHA256 fingerprint. */
function hostKeyShown(line: string | null): { type: string; fingerprint: string } | null {
  const key = line ? parseHostKey(line) : undefined;
  return key ? { type: key.type, fingerprint: key.fingerprint } : null;
}
