import { residual, simplify } from '../../../../src/scope/algebra/index.js';
const scope = [
  'tool in ["fs.read", "fs.write", "fs.list", "bank.transfer"]',
  'tool ~ "fs.*" and args.path ~ "/home/ana/project1/**" or tool !~ "fs.*"',
  'args.path !~ "/home/ana/project1/**/secret*/**"',
  'tool != "bank.transfer" or args.amount <= 500 and args.to in ["savings", "checking", "ana"]',
  'time < 2026-12-05T00:00:00Z',
  'all args.files ~ "/home/ana/**/*.ts" or tool != "fs.write"',
  'not (args.mode == "force")',
  'args.n >= 0 and args.n < 50 or tool !~ "shell.*"',
];
const TOOLS = ['fs.read', 'fs.write', 'fs.list', 'bank.transfer', 'bank.get_balance', 'shell.exec', 'http.get', 'mail.send'];
for (let k = 0; k < 3; k++) for (const tool of TOOLS) { const c = process.cpuUsage(); const r = residual(scope, { tool, time: new Date() }); const u = process.cpuUsage(c); if (k === 2) console.log(tool, ((u.user + u.system) / 1000).toFixed(2), JSON.stringify(r)); }
const c = process.cpuUsage(); const r = simplify(scope); const u = process.cpuUsage(c); console.log(((u.user + u.system) / 1000).toFixed(2), r.text, r.complete);
