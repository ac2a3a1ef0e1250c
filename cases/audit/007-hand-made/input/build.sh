release mig 4
oracle mig
sql "ALTER TABLE users ADD nickname text;
     CREATE INDEX orders_total_hand ON orders(total);"
audit mig
