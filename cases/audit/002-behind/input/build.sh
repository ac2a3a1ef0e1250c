# The fixture generator's database of the codewalkers history at prefix
# 30 (before agent_metrics), audited against the whole history.
cp -R "$CW_TOP/fixtures/codewalkers/apps/server/drizzle" mig
"$CW" fixtures build mig --prefix 30 --rows 40 --seed 7 -o "$DB" \
	--force >/dev/null 2>&1 || exit 4
rm -f "$DB.expected.json"
audit mig
