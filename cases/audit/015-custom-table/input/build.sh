release mig 4
oracle mig --table shop_migrations
audit mig --table shop_migrations
