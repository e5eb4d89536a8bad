// The environments' inputs: what a caller may send to add or change one.
import { z } from "zod";
import { parseHostKey } from "../../docker/ssh";

export const dockerUrl = z
  .string()
  .trim()
  .max(512)
  .regex(
    /^(unix:\/\/\/|tcp:\/\/|ssh:\/\/)\S+$/,
    "Use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.",
  );

const pem = z.string().trim().max(65_536).optional();
/** A host key as the connection test reported it ("ssh-ed25519 AAAA…"), to pin that one. */
const hostKey = z
  .string()
  .trim()
  .max(16_384)
  .refine((line) => parseHostKey(line) !== undefined, 'Not an SSH host key: expected "ssh-ed25519 AAAA…".')
  .optional();
export const connection = z.object({
  url: dockerUrl,
  tls: z.object({ ca: pem, cert: pem, key: pem }).optional(),
  ssh: z.object({ privateKey: pem, passphrase: z.string().max(1024).optional(), hostKey }).optional(),
});
export const organisation = {
  tags: z.array(z.string().trim().min(1).max(32)).max(20).default([]),
  group: z.string().trim().max(64).optional(),
};
