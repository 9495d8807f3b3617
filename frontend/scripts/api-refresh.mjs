// Fetches the backend's OpenAPI document into openapi.json (then `openapi-typescript` makes src/api/schema.d.ts).
// NORMLAB_BACKEND=http://localhost:8080 by default; the document is public, no sign-in needed.
import { writeFile } from 'node:fs/promises';

const backend = process.env.NORMLAB_BACKEND ?? 'http://localhost:8080';
const res = await fetch(`${backend}/v3/api-docs`);
if (!res.ok) {
  console.error(`GET ${backend}/v3/api-docs answered ${res.status}: is the backend running (./normlab start)?`);
  process.exit(1);
}
const doc = await res.json();
// stable file: servers carry the port it was fetched from
delete doc.servers;
await writeFile(new URL('../openapi.json', import.meta.url), JSON.stringify(doc, null, 2) + '\n');
console.log(`openapi.json: ${Object.keys(doc.paths ?? {}).length} paths from ${backend}`);
