// Adds lockfile entries for other platforms' optional native packages (biome,
// esbuild, rollup binaries for macOS, Windows, musl...). The registry this
// project is built against serves only some of them, so `npm install` leaves
// them out of package-lock.json and `npm ci` then refuses the lockfile as "out
// of sync". An entry with the package's os/cpu/libc lets `npm ci` skip it on
// other platforms and fetch it on its own. Run after changing dependencies:
//   npm install && node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from "node:fs";

const OS = ["darwin", "linux", "win32", "android", "freebsd", "openbsd", "netbsd", "sunos", "aix", "openharmony"];
const CPU = [
  ["arm64", "arm64"],
  ["aarch64", "arm64"],
  ["x64", "x64"],
  ["ia32", "ia32"],
  ["arm-eabi", "arm"],
  ["arm-gnueabihf", "arm"],
  ["arm-musleabihf", "arm"],
  ["armv7", "arm"],
  ["ppc64", "ppc64"],
  ["s390x", "s390x"],
  ["riscv64", "riscv64"],
  ["loong64", "loong64"],
  ["loongarch64", "loong64"],
  ["mips64el", "mips64el"],
  ["arm", "arm"],
];

function platformOf(name) {
  const base = name.split("/").pop();
  const os = OS.find((o) => base.includes(o === "win32" ? "win32" : o));
  const cpu = CPU.find(([k]) => base.includes(k))?.[1];
  if (!os) return { os: ["none"] }; // e.g. wasm fallbacks: never needed where a native build exists
  return { os: [os], ...(cpu ? { cpu: [cpu] } : {}), ...(os === "linux" ? { libc: [base.includes("musl") ? "musl" : "glibc"] } : {}) };
}

const path = "package-lock.json";
const lock = JSON.parse(readFileSync(path, "utf8"));
let added = 0;
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const at = `${key ? `${key}/` : ""}node_modules/${dep}`;
    if (lock.packages[at] || lock.packages[`node_modules/${dep}`]) continue;
    lock.packages[`node_modules/${dep}`] = { version, ...(pkg.dev ? { dev: true } : {}), optional: true, ...platformOf(dep) };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
