release mig 4
oracle mig
shop_rows
sqlite3 "$DB" ".dbconfig defensive off" "PRAGMA writable_schema = ON;
  UPDATE sqlite_schema SET sql = 'CREATE INDEX \`orders_user_idx\` ON \`orders\` (\`total\`)'
  WHERE name = 'orders_user_idx';" >/dev/null || exit 4
audit mig
