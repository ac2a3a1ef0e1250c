release old 3
release mig 4
node "$ORACLE/wal-copy.mjs" "$DB" old mig || exit 4
# Copied without its -shm: a reader must create one, which the folder
# does not allow.
rm -f "$DB-shm"
chmod 0444 prod/*; chmod 0555 prod
# root writes through any mode: run cw as nobody, so the read-only folder
# and files really refuse every write, -shm included.
audit mig --as-nobody
rc=$?
chmod 0755 prod
exit $rc
