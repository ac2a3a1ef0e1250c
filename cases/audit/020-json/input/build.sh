release before 4
oracle before
shop_rows
release mig 5
audit mig --format json
