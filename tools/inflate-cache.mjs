// Stands in for pako's inflate when zokrates-js loads (see module-hooks.mjs): zokrates-js ships
// its 55 MB WebAssembly module deflated and inflates it on every start. The inflated bytes are
// kept in a cache file named by the SHA-256 of the deflated ones and the inflated length, so
// later commands read them back (0.44 s -> 0.32 s per command) and a truncated file is ignored.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inflate as pakoInflate } from "pako";

function cacheDir() {
  const base = process.env.ZOKML_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "zokml");
  return path.join(base, "zokrates-js");
}

function readCached(dir, key) {
  try {
    for (const name of fs.readdirSync(dir)) {
      const match = name.match(/^([0-9a-f]{64})-(\d+)\.wasm$/);
      if (!match || match[1] !== key) continue;
      const bytes = fs.readFileSync(path.join(dir, name));
      if (bytes.length === Number(match[2])) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    }
  } catch {
    // No cache folder yet, or unreadable: inflate instead.
  }
  return null;
}

export function inflate(data, options) {
  if (options !== undefined) return pakoInflate(data, options);
  const dir = cacheDir();
  const key = createHash("sha256").update(data).digest("hex");
  const cached = readCached(dir, key);
  if (cached) return cached;
  const inflated = pakoInflate(data);
  const file = path.join(dir, `${key}-${inflated.length}.wasm`);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    // A cache that cannot be written only costs the time it would have saved.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    removeStaleTemporaries(dir);
    fs.writeFileSync(tmp, inflated, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.unlinkSync(tmp);  // a failed write (a full disk) leaves no 55 MB file behind
    } catch {}
  }
  return inflated;
}

// Temporary files of processes that died while writing (each as large as the module).
function removeStaleTemporaries(dir) {
  for (const name of fs.readdirSync(dir)) {
    const match = name.match(/\.tmp-(\d+)$/);
    if (!match) continue;
    try {
      process.kill(Number(match[1]), 0);
    } catch (error) {
      if (error.code === "ESRCH") fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}
