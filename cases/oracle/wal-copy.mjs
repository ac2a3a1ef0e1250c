// Copies a live WAL database the way an operator copies one off a running
// server: main file, -wal and -shm taken while the connection is open, the
// newest migration still only in the -wal (never checkpointed).
//
//   node wal-copy.mjs DEST OLD_DIR NEW_DIR
//
// drizzle's migrator applies OLD_DIR to live/app.db in WAL mode, the WAL
// is checkpointed into the main file, then NEW_DIR's further entries are
// applied with automatic checkpoints off; DEST, DEST-wal and DEST-shm are
// copies of the three files at that moment.
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';

const [dest, oldDir, newDir] = process.argv.slice(2);
fs.mkdirSync('live', { recursive: true });
const live = 'live/app.db';
const sqlite = new Database(live);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('wal_autocheckpoint = 0');
migrate(drizzle(sqlite), { migrationsFolder: oldDir });
sqlite.pragma('wal_checkpoint(TRUNCATE)');
migrate(drizzle(sqlite), { migrationsFolder: newDir });
for (const ext of ['', '-wal', '-shm'])
  fs.copyFileSync(live + ext, dest + ext);
// Exit without closing: closing would checkpoint the live file, which no
// longer matters, but a copy taken off a server never sees that either.
process.exit(0);
