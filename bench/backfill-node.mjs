// backfill-node.mjs - the migration doc's agent_metrics backfill in Node,
// as a peer for bench/backfill.sh: better-sqlite3 (cases/oracle's pinned
// copy), keyset batches of 500 on (created_at, id), JSON.parse of the
// whole chunk first, then line by line (the contract's reading), counts
// per agent in a Map, the additive upsert in one transaction at the end.
// usage: node bench/backfill-node.mjs DB
import { createRequire } from 'node:module';
const require = createRequire(new URL('../cases/oracle/package.json', import.meta.url));
const Database = require('better-sqlite3');

const db = new Database(process.argv[2]);
const first = db.prepare('SELECT id, agent_id, content, created_at FROM agent_log_chunks ORDER BY created_at, id LIMIT 500');
const next = db.prepare('SELECT id, agent_id, content, created_at FROM agent_log_chunks WHERE (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT 500');
const counts = new Map();
let chunks = 0, malformed = 0;

function countEvent(ev, c) {
  if (!ev || typeof ev !== 'object' || Array.isArray(ev)) return;
  if (ev.type === 'system' && ev.subtype === 'compact_boundary') c.compactions++;
  if (ev.type !== 'assistant') return;
  const content = ev.message && ev.message.content;
  if (!Array.isArray(content)) return;
  for (const b of content) {
    if (!b || b.type !== 'tool_use') continue;
    if (b.name === 'AskUserQuestion') c.questions++;
    if (b.name === 'Agent') c.subagents++;
  }
}
function countValue(v, c) {
  if (Array.isArray(v)) for (const ev of v) countEvent(ev, c); else countEvent(v, c);
}
function countChunk(text, c) {
  try { countValue(JSON.parse(text), c); return; } catch (e) { /* lines */ }
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    try { countValue(JSON.parse(line), c); } catch (e) { malformed++; }
  }
}

let rows = first.all();
while (rows.length > 0) {
  for (const r of rows) {
    let c = counts.get(r.agent_id);
    if (!c) { c = { questions: 0, subagents: 0, compactions: 0 }; counts.set(r.agent_id, c); }
    countChunk(String(r.content), c);
    chunks++;
    if (chunks % 1000 === 0 && process.env.PROGRESS) console.error(`${chunks} chunks`);
  }
  const last = rows[rows.length - 1];
  rows = next.all(last.created_at, last.id);
}
const up = db.prepare(`INSERT INTO agent_metrics (agent_id, questions_count, subagents_count, compactions_count, updated_at)
  VALUES (?, ?, ?, ?, ?) ON CONFLICT(agent_id) DO UPDATE SET questions_count = questions_count + excluded.questions_count,
  subagents_count = subagents_count + excluded.subagents_count, compactions_count = compactions_count + excluded.compactions_count,
  updated_at = excluded.updated_at`);
const now = Date.now();
db.transaction(() => { for (const [id, c] of counts) up.run(id, c.questions, c.subagents, c.compactions, now); })();
const t = [...counts.values()].reduce((a, c) => [a[0] + c.questions, a[1] + c.subagents, a[2] + c.compactions], [0, 0, 0]);
console.log(`node: ${chunks} chunks, ${malformed} malformed lines, ${counts.size} agents: ${t[0]} questions, ${t[1]} subagents, ${t[2]} compactions`);
