# The fixture generator's database at head; agent_metrics as the backfill
# leaves it (the generator's own rows stand for nothing), its bookkeeping
# table dropped so the schema is exactly the migrations'.
cp -R "$CW_TOP/fixtures/codewalkers/apps/server/drizzle" mig
"$CW" fixtures build mig --rows 30 --seed 3 -o "$DB" --force \
	>/dev/null 2>&1 || exit 4
rm -f "$DB.expected.json"
sql "DELETE FROM agent_metrics"
"$CW" backfill-metrics --db "$DB" >/dev/null 2>&1 || exit 4
sql "DROP TABLE cw_backfill_runs; PRAGMA journal_mode = WAL;" >/dev/null
audit mig
