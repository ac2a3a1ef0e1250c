release mig 4
oracle mig
node -e 'const fs=require("fs"),p="mig/meta/_journal.json";
	const j=JSON.parse(fs.readFileSync(p));
	j.entries[3].when=1800000000000;
	fs.writeFileSync(p,JSON.stringify(j,null,2)+"\n")'
audit mig
