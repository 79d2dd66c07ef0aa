// Ruff compiled to WebAssembly, as a peer in the benchmark (bench/run.sh):
//   node --liftoff-only ruff_wasm.js [--classic] DIR
// Default: empty settings (Ruff's default rule set); --classic: E4, E7, E9, F only.
const fs = require("fs");
const path = require("path");
const { Workspace, PositionEncoding } = require(process.env.RUFF_WASM_MODULE || "@astral-sh/ruff-wasm-nodejs");

const args = process.argv.slice(2);
const classic = args[0] === "--classic";
const root = classic ? args[1] : args[0];
const settings = classic ? { lint: { select: ["E4", "E7", "E9", "F"] } } : {};
const workspace = new Workspace(settings, PositionEncoding.Utf8);

function* pythonFiles(directory) {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) yield* pythonFiles(full);
    else if (entry.name.endsWith(".py")) yield full;
  }
}

let files = 0;
let diagnostics = 0;
for (const file of pythonFiles(root)) {
  diagnostics += workspace.check(fs.readFileSync(file, "utf8")).length;
  files += 1;
}
console.log(`${files} files, ${diagnostics} diagnostics`);
