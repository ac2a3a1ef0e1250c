release crlf 4
for f in crlf/*.sql; do sed -i 's/$/\r/' "$f"; done
oracle crlf
release mig 4
audit mig
