release deployed 4
oracle deployed
release mig 4
without mig 0003_orders_user_idx
audit mig
