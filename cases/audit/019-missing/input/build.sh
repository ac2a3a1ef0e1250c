release mig 4
audit mig
