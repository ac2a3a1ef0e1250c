release mig 4
oracle mig
shop_rows
audit mig
