release mig 4
oracle mig
sql "PRAGMA journal_mode = WAL" >/dev/null
[ ! -e "$DB-wal" ] && [ ! -e "$DB-shm" ] || { echo "left a -wal"; exit 4; }
# audit fails the case (exit 3) if a -wal or -shm appears in prod/.
audit mig
