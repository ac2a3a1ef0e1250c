#!/bin/sh
# gen-folder.sh N DIR - a synthetic drizzle folder of N healthy migrations
# for scaling benchmarks: 20 tables, then migrations that add and drop
# indexes and now and then add a column, each with a snapshot.
#
# The schema stays about the same size however long the history is, on
# purpose: SQLite re-reads the whole schema after many DDL statements, so a
# folder whose schema grows without bound costs time quadratic in SQLite
# itself (in production too); a scaling benchmark must measure cw's work.
set -eu
n=$1 dir=$2
rm -rf "$dir"; mkdir -p "$dir/meta"
awk -v n="$n" -v dir="$dir" 'BEGIN {
	j = dir "/meta/_journal.json"
	printf "{\n  \"version\": \"7\",\n  \"dialect\": \"sqlite\",\n  \"entries\": [" > j
	prev = "00000000-0000-0000-0000-000000000000"
	for (i = 0; i < n; i++) {
		tag = sprintf("%04d_step_%d", i, i)
		f = dir "/" tag ".sql"
		k = i % 20
		if (i < 20) {
			printf "CREATE TABLE `t%d` (\n\t`id` integer PRIMARY KEY NOT NULL,\n\t`name` text NOT NULL,\n\t`parent` integer REFERENCES `t%d`(`id`)\n);\n", k, (k ? k - 1 : 0) > f
		} else {
			printf "CREATE INDEX `ix%d` ON `t%d` (`name`);", i, k > f
			if (i >= 40) printf "--> statement-breakpoint\nDROP INDEX `ix%d`;", i - 20 > f
			if (i % 50 == 0) printf "--> statement-breakpoint\nALTER TABLE `t%d` ADD `c%d` text DEFAULT '\''x'\'';", k, i > f
			printf "\n" > f
		}
		close(f)
		printf "%s\n    {\n      \"idx\": %d,\n      \"version\": \"6\",\n      \"when\": %.0f,\n      \"tag\": \"%s\",\n      \"breakpoints\": true\n    }", (i ? "," : ""), i, 1700000000000 + i * 60000, tag > j
		id = sprintf("%08d-0000-4000-8000-000000000000", i + 1)
		s = sprintf("%s/meta/%04d_snapshot.json", dir, i)
		printf "{\n  \"version\": \"6\",\n  \"dialect\": \"sqlite\",\n  \"id\": \"%s\",\n  \"prevId\": \"%s\",\n  \"tables\": {}\n}", id, prev > s
		close(s)
		prev = id
	}
	printf "\n  ]\n}" > j
}'
