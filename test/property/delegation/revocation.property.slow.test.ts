// The revocation laws with many more runs (npm run test:slow).
process.env['MANDATE_PROPERTY_RUNS'] = '1500';
await import('./revocation.property.test.js');
