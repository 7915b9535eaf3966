// Validates HAR files against the HAR 1.2 JSON schema with har-validator,
// the validator other HAR tools use. Usage: node validate.js FILE...
// Prints "ok FILE" or "invalid FILE: <errors>" per file; exits 1 when any
// file is invalid, 2 when one cannot be read.
'use strict';
const fs = require('fs');
const validate = require('har-validator');

async function main(files) {
  let code = 0;
  for (const f of files) {
    let data;
    try {
      data = JSON.parse(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));
    } catch (e) {
      console.log(`unreadable ${f}: ${e.message}`);
      code = Math.max(code, 2);
      continue;
    }
    try {
      await validate.har(data);
      console.log(`ok ${f}`);
    } catch (e) {
      const errs = (e.errors || [e]).slice(0, 5).map((x) => `${x.dataPath || ''} ${x.message}`);
      console.log(`invalid ${f}: ${errs.join('; ')}`);
      code = Math.max(code, 1);
    }
  }
  process.exit(code);
}

main(process.argv.slice(2));
