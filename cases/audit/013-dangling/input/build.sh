release mig 4
oracle mig
shop_rows
sql "PRAGMA foreign_keys = OFF; INSERT INTO orders VALUES (9, 99, 1);"
audit mig
