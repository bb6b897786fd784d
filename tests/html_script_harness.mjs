// Runs the HTML report's script under node for tests/test_html_script.py, and calls its helpers.
//
//   node tests/html_script_harness.mjs PATH/TO/report.js < {"data": PAGE_DATA, "calls": [[NAME, ...ARGS], ...]}
//
// The script runs in a node:vm sandbox whose `document` only hands out the page data (the JSON that
// html_report.page_data makes) and takes event listeners; the sandbox's `module` makes the script export its
// helpers instead of building the page. Prints one JSON list: per call {"value": result} or {"error": message}.
// Results are made plain for JSON: typed arrays and sets become lists, maps objects, undefined null.
import { readFileSync } from "node:fs";
import vm from "node:vm";

const [scriptPath] = process.argv.slice(2);
const { data, calls } = JSON.parse(readFileSync(0, "utf8"));

const element = { textContent: JSON.stringify(data), addEventListener() {} };
const sandbox = {
  module: { exports: null },
  window: {},
  document: { getElementById: () => element },
  URLSearchParams,
};
vm.createContext(sandbox);
vm.runInContext(readFileSync(scriptPath, "utf8"), sandbox, { filename: scriptPath });
const helpers = sandbox.module.exports;
if (!helpers) throw new Error(`${scriptPath} exported no helpers (its test hook is missing)`);

// Objects made inside the sandbox have its own Map and Set, so they are told by tag, not instanceof.
function plain(value) {
  const json = JSON.stringify(value === undefined ? null : value, (key, v) => {
    const tag = Object.prototype.toString.call(v);
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (tag === "[object Map]") return Object.fromEntries(v);
    if (tag === "[object Set]") return [...v];
    return v === undefined ? null : v;
  });
  return JSON.parse(json);
}

const results = calls.map(([name, ...args]) => {
  if (!(name in helpers)) return { error: `report.js exports no ${name}` };
  if (typeof helpers[name] !== "function") return { value: plain(helpers[name]) };
  try {
    return { value: plain(helpers[name](...args)) };
  } catch (error) {
    return { error: String(error) };
  }
});
process.stdout.write(JSON.stringify(results));
