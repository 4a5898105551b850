// The request laws with many more runs (npm run test:slow).
process.env['MANDATE_PROPERTY_RUNS'] = '1500';
await import('./approval.test.js');
await import('./audit.test.js');
