release before 6
oracle before
shop_rows
release mig 7
audit mig
