# main deployed 0000, 0001 and 0003; the branch adding 0002 (an older
# `when`) was merged afterwards.
release main 4
without main 0002_users_email
oracle main
release mig 4
audit mig
