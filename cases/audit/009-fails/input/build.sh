release before 5
oracle before
shop_rows
sql "UPDATE users SET email = 'same@example.com' WHERE id IN (1, 2)"
release mig 6
audit mig
