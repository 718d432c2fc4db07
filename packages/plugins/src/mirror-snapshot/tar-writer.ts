/**
 * A minimal ustar writer (directories and regular files), hashing what it writes. Each file is
 * opened first and sized with fstat on the open descriptor, then exactly that many bytes are read:
 * a file replaced or truncated under us is an error, never a silently short member. Sizes past
 * 8 GiB use GNU base-256, which GNU and BSD tar read.
 */
import { createHash, type Hash } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, readdir, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

const BLOCK = 512;
const CHUNK = 1 << 20;

function octal(buf: Buffer, offset: number, length: number, value: number): void {
  buf.write(`${value.toString(8).padStart(length - 1, "0")}\0`, offset, length, "ascii");
}

/** One ustar header block. */
export function tarHeader(name: string, type: "file" | "dir", mode: number, size: number, mtimeSec: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  let base = name;
  let prefix = "";
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", name.length - 2);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
    if (cut <= 0 || Buffer.byteLength(base) > 100 || Buffer.byteLength(prefix) > 155) throw new Error(`path too long for the archive: ${name}`);
  }
  h.write(base, 0, 100, "utf8");
  octal(h, 100, 8, mode & 0o7777);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  if (size < 8 ** 11) octal(h, 124, 12, size);
  else {
    h[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--, v >>= 8n) h[i] = Number(v & 0xffn);
  }
  octal(h, 136, 12, Math.max(0, Math.floor(mtimeSec)));
  h.fill(0x20, 148, 156);
  h.write(type === "dir" ? "5" : "0", 156, 1, "ascii");
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return h;
}

/** Buffered, hashing output to one file descriptor. */
class HashingOut {
  readonly hash: Hash = createHash("sha256");
  bytes = 0;
  #buf = Buffer.alloc(CHUNK);
  #used = 0;
  constructor(private readonly fh: FileHandle) {}
  async write(data: Buffer): Promise<void> {
    this.hash.update(data);
    this.bytes += data.length;
    if (this.#used + data.length > CHUNK) await this.flush();
    if (data.length >= CHUNK) await this.fh.write(data);
    else {
      data.copy(this.#buf, this.#used);
      this.#used += data.length;
    }
  }
  async flush(): Promise<void> {
    if (this.#used > 0) await this.fh.write(this.#buf.subarray(0, this.#used));
    this.#used = 0;
  }
}

export interface TarInput {
  /** Directory whose contents go in, under `prefix/`. */
  dir: string;
  prefix: string;
  /** Extra in-memory files placed first (e.g. a manifest): archive name -> content. */
  extra?: Record<string, Buffer>;
}

export interface TarOutput {
  bytes: number;
  sha256: string;
}

async function addFile(out: HashingOut, path: string, name: string): Promise<void> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await fh.stat();
    await out.write(tarHeader(name, "file", st.mode, st.size, st.mtimeMs / 1000));
    let left = st.size;
    const chunk = Buffer.alloc(Math.min(CHUNK, Math.max(1, st.size)));
    while (left > 0) {
      const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, left), null);
      if (bytesRead === 0) throw new Error(`${path} shrank while it was archived`);
      await out.write(Buffer.from(chunk.subarray(0, bytesRead)));
      left -= bytesRead;
    }
    const pad = (BLOCK - (st.size % BLOCK)) % BLOCK;
    if (pad > 0) await out.write(Buffer.alloc(pad));
  } finally {
    await fh.close();
  }
}

async function addTree(out: HashingOut, dir: string, name: string): Promise<void> {
  const st = await lstat(dir);
  await out.write(tarHeader(`${name}/`, "dir", st.mode, 0, st.mtimeMs / 1000));
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await addTree(out, path, `${name}/${entry.name}`);
    else if (entry.isFile()) await addFile(out, path, `${name}/${entry.name}`);
  }
}

/** Writes the tar to `fh` (from its current position), fsyncs it, and returns size and sha256. */
export async function writeTar(fh: FileHandle, input: TarInput): Promise<TarOutput> {
  const out = new HashingOut(fh);
  for (const [name, content] of Object.entries(input.extra ?? {})) {
    await out.write(tarHeader(name, "file", 0o644, content.length, Date.now() / 1000));
    await out.write(content);
    const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (pad > 0) await out.write(Buffer.alloc(pad));
  }
  await addTree(out, input.dir, input.prefix);
  await out.write(Buffer.alloc(BLOCK * 2));
  await out.flush();
  await fh.sync();
  return { bytes: out.bytes, sha256: out.hash.digest("hex") };
}
