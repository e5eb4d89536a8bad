// PGlite's files on disk, kept private. Emscripten emulates umask inside the WebAssembly (022,
// which Postgres in single-user mode never changes) and then chmods what `fopen` creates to
// 0644 explicitly, past the process umask: pg_internal.init and other files written that way
// would be readable by every user. This filesystem is PGlite's own NodeFS with the mode of
// every chmod narrowed to the owner's bits.
import type { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

type PostgresModule = Parameters<NodeFS["init"]>[1];
type EmscriptenFs = { chmod: ChmodFn; fchmod: FchmodFn };
type ChmodFn = (path: unknown, mode: number, dontFollow?: boolean) => void;
type FchmodFn = (fd: number, mode: number) => void;

const OWNER_AND_TYPE_BITS = ~0o077;

/** Wraps Emscripten's public chmod calls (FS.open's own chmod goes through FS.chmod too). */
export function keepModesPrivate(fs: EmscriptenFs): void {
  const chmod = fs.chmod.bind(fs);
  const fchmod = fs.fchmod.bind(fs);
  fs.chmod = (path, mode, dontFollow) => chmod(path, mode & OWNER_AND_TYPE_BITS, dontFollow);
  fs.fchmod = (fd, mode) => fchmod(fd, mode & OWNER_AND_TYPE_BITS);
}

export class PrivateNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: PostgresModule): ReturnType<NodeFS["init"]> {
    const { emscriptenOpts } = await super.init(pg, opts);
    return {
      emscriptenOpts: {
        ...emscriptenOpts,
        preRun: [...(emscriptenOpts.preRun ?? []), (mod: { FS: unknown }) => keepModesPrivate(mod.FS as EmscriptenFs)],
      },
    };
  }
}
