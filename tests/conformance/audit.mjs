// Runs the graphql-http server audits (GraphQL-over-HTTP specification) against a running server.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
let ok = 0;
let warnings = 0;
let failures = 0;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  if (result.status === 'ok') {
    ok += 1;
  } else if (result.status === 'warn') {
    warnings += 1;
    console.log(`WARN ${audit.name}: ${result.reason}`);
  } else {
    failures += 1;
    console.log(`FAIL ${audit.name}: ${result.reason}`);
  }
}
console.log(`graphql-http audit: ${ok} ok, ${warnings} warnings, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
