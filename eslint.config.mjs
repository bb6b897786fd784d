// ESLint for the HTML report's script (src/dupcheck/html/report.js, inlined into the page by html_report.py)
// and the node harness that tests it (tests/html_script_harness.mjs). `npm ci && npx eslint` (see .ci/run).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      eqeqeq: "error",
      "no-shadow": "error",
      "no-var": "error",
      "prefer-const": "error",
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "all" }],
    },
  },
  {
    // a classic script in a page: browser globals, and `module`, which only its test hook uses (under node)
    files: ["src/dupcheck/html/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.browser, module: "readonly" } },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
