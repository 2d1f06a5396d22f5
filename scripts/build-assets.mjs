// Compile GOV.UK Frontend with the system font stack (GDS Transport is licensed for GOV.UK only)
// and copy its JavaScript into the Django static tree.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/passport/static/build");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "src/passport/static/passport/passport.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "passport.css"), result.css);
copyFileSync(
  join(root, "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js"),
  join(out, "govuk-frontend.min.js"),
);
console.log(`assets written to ${out}`);
