release old 3
release mig 4
node "$ORACLE/wal-copy.mjs" "$DB" old mig || exit 4
[ -s "$DB-wal" ] || { echo "no -wal frames"; exit 4; }
audit mig
